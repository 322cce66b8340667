// Which language the command line speaks before any policy is read: --lang, else the
// environment as POSIX orders it (LC_ALL, LC_MESSAGES, LANG), else on Windows and macOS the
// UI culture Node's Intl reports. A policy that sets `language` explicitly wins over the
// environment (cli/session.ts applies it once the policy is read); Japanese when nothing says.
import type { Language } from '../../shared/contract';

/** ja or en from a locale name (ja_JP.UTF-8, en-US, ja); null when it says neither language clearly. */
export function languageOfLocale(locale: string | undefined): Language | null {
  if (!locale) return null;
  const base = locale.trim().toLowerCase();
  // C and POSIX name no language (a CI runner's default): the next source decides.
  if (base === '' || base === 'c' || base === 'posix' || base.startsWith('c.')) return null;
  if (/^ja(?:[-_.@]|$)/.test(base)) return 'ja';
  // Every other language: English is more use to its reader than Japanese.
  return 'en';
}

/** The environment's language; `intlLocale` is the OS's UI culture (Intl), read on Windows and macOS only. */
export function languageFromEnv(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform, intlLocale: () => string | undefined = defaultIntlLocale): Language | null {
  for (const name of ['LC_ALL', 'LC_MESSAGES', 'LANG']) {
    const l = languageOfLocale(env[name]);
    if (l) return l;
  }
  if (platform === 'win32' || platform === 'darwin') return languageOfLocale(intlLocale());
  return null;
}

function defaultIntlLocale(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().locale;
  } catch {
    return undefined;
  }
}

export interface EarlyFlags {
  /** --lang's value when it is ja or en; `badLang` holds any other value given. */
  lang?: Language;
  badLang?: string;
  json: boolean;
}

/**
 * --lang and --json read before commander parses: commander's own usage errors must come in
 * the chosen language and, with --json, as one JSON document. Scanning stops at `--`.
 */
export function scanEarlyFlags(argv: readonly string[]): EarlyFlags {
  const flags: EarlyFlags = { json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--json') flags.json = true;
    let value: string | undefined;
    if (a === '--lang') value = argv[i + 1];
    else if (a.startsWith('--lang=')) value = a.slice('--lang='.length);
    else continue;
    if (value === 'ja' || value === 'en') {
      flags.lang = value;
      delete flags.badLang;
    } else flags.badLang = value ?? '';
  }
  return flags;
}
