// The diagnostics text for the helpdesk: versions, system, policy, the store's listing, the
// journal and the last errors, with nothing secret (one redactor over the whole text).
import { arch, platform, release } from 'node:os';
import { factLines } from '../../../shared/cert-facts';
import type { ApiError, Language } from '../../../shared/contract';
import { errorDetailText } from '../../../shared/error-detail';
import { formatInstant } from '../../../shared/format';
import { PHASE_WORDS } from '../../../shared/phase-words';
import type { Policy } from '../../../shared/policy';
import { redactText } from '../../../shared/redact';
import { translator } from '../../../shared/i18n';
import { STEP_WORDS } from '../../../shared/words';
import { detailsOf } from './details';
import { settingsView } from './settings-view';
import { toApiError } from '../errors';
import { sha256Hex } from '../pki';
import { summarize } from './overview';
import type { Session } from './session';
import type { RenewalDeps } from './types';

/**
 * The export's words in the chosen language (the user's, or the policy's), from the one catalog
 * (src/shared/i18n, `diagnosticsExport`) through i18next.
 */
function wordsOf(lang: Language) {
  const t = translator(lang);
  const w = (key: string, values?: Record<string, string>) => t(`diagnosticsExport.${key}`, values ?? {});
  return {
    title: w('title'),
    generated: w('generated'),
    supportNone: w('supportNone'),
    managed: w('managed'),
    origins: w('origins'),
    ignored: w('ignored'),
    wins: (bank: boolean, by: string) => w('wins', { who: w(bank ? 'whoBank' : 'whoIt'), by }),
    keyMadeBy: w('keyMadeBy'),
    unavailable: w('unavailable'),
    primary: w('primary'),
    listingFailed: w('listingFailed'),
    phase: w('phase'),
    none: w('none'),
    unfinished: (op: 'renew' | 'acquire', step: string, at: string) => w('unfinished', { operation: w(`operation.${op}`), step, at }),
    notYetWritten: w('notYetWritten'),
  };
}

/** The policy's `support`, one fact a line; without it, where the bank names its contact. */
export function helpdeskLines(support: Policy['support'], lang: Language = 'en'): string[] {
  if (!support) return [wordsOf(lang).supportNone];
  const { name, phone, hours, url, email } = support;
  return Object.entries({ name, phone, hours, url, email })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`);
}

/**
 * Where each field came from (built-in, the user's file, the machine's file, the registry) and
 * the user's fields that the bank's or IT's layer overrides: a helpdesk sees at once why a
 * setting in the user's own file has no effect.
 */
export function policyOriginLines(origins: Record<string, string> | undefined, managed: string[], ignored: NonNullable<RenewalDeps['ignoredPolicy']>, lang: Language = 'en'): string[] {
  const w = wordsOf(lang);
  const lines: string[] = [];
  if (origins && Object.keys(origins).length > 0) {
    lines.push(w.origins);
    for (const [field, from] of Object.entries(origins)) lines.push(`  ${field}: ${from}${managed.includes(field) ? ` (${w.managed})` : ''}`);
  }
  if (ignored.length > 0) {
    lines.push(w.ignored);
    for (const i of ignored) lines.push(`  ${i.field}: ${i.file} (${w.wins(i.reason === 'SET_BY_BANK', i.by)})`);
  }
  return lines;
}

/** Who makes the renewal's key: the run's custody decision as it is (store/custody-decision), with its custodian's words. */
export function custodyLines(session: Pick<Session, 'custody'>, lang: Language): string[] {
  const d = session.custody.decision;
  const w = wordsOf(lang);
  const facts = [...(d.module ? [`module: ${d.module}`, `token: ${d.tokenLabel}`] : []), `why: ${d.why}`];
  try {
    // The custodian's own description is the core's English: the Japanese export names its kind only.
    const words = lang === 'en' ? ` (${session.custody.describe()})` : '';
    return [`keyStorage: ${d.asked}; ${w.keyMadeBy}: ${d.storage}${words}`, `place: ${d.place}; ${facts.join('; ')}`];
  } catch (err) {
    const e = toApiError(err);
    return [`keyStorage: ${d.asked}; ${w.unavailable}: ${e.code} ${errorDetailText(e, lang)}`, `place: ${d.place}; ${facts.join('; ')}`];
  }
}

export async function diagnosticsText(session: Session): Promise<string> {
  const { deps, journal } = session;
  const lang = settingsView(deps).language;
  const w = wordsOf(lang);
  // Times in JST, as every screen shows them.
  const lines: string[] = [w.title, `${w.generated}: ${formatInstant(session.now().toISOString(), lang)}`, ''];
  lines.push('[versions]');
  for (const [k, v] of Object.entries({ node: process.versions.node, ...(deps.versions ?? {}) })) lines.push(`${k}: ${v}`);
  lines.push('', '[system]', `os: ${platform()} ${release()} ${arch()}`);
  // Who to call, first thing the helpdesk or the user reads after the versions.
  lines.push('', '[helpdesk]', ...helpdeskLines(deps.policy.support, lang));
  lines.push('', '[policy]', `source: ${deps.policySource ?? '(given)'}`, `managed: ${(deps.managed ?? []).join(', ')}`);
  for (const [k, v] of Object.entries(deps.policy)) {
    if (k === 'trustAnchorPem') {
      lines.push(`trustAnchors (sha256): ${session.anchorsDer.map(sha256Hex).join(', ')}`);
    } else lines.push(`${k}: ${JSON.stringify(v)}`);
  }
  lines.push(...policyOriginLines(deps.origins, deps.managed ?? [], deps.ignoredPolicy ?? [], lang));
  lines.push('', '[key custody]', ...custodyLines(session, lang));
  // Every store the renewal writes, the primary (whose certificates are listed) first.
  lines.push('', '[store]', ...session.stores.map((s, i) => (i === 0 && session.stores.length > 1 ? `${s.describe()} (${w.primary})` : s.describe())));
  try {
    const t = session.now();
    for (const s of await session.listBank()) {
      const sum = summarize(s, deps.policy, t);
      lines.push(`- ${sum.holder} sha256=${s.fingerprint} notAfter=${sum.notAfter} phase=${sum.phase} key=${s.hasPrivateKey ? 'yes' : 'NO'}`);
      // The facts as the details screen and `certdesk inspect` show them (one formatter).
      lines.push(`  ${w.phase}: ${PHASE_WORDS[lang][sum.phase]}`, ...factLines(detailsOf(s), lang).map((l) => `  ${l}`));
    }
  } catch (err) {
    const e = toApiError(err);
    lines.push(`${w.listingFailed}: ${e.code} ${errorDetailText(e, lang)}`);
  }
  lines.push('', '[journal]');
  try {
    const rec = await journal.read();
    lines.push(rec ? w.unfinished(rec.operation, lang === 'en' ? rec.step : ((STEP_WORDS.ja as Record<string, string>)[rec.step] ?? rec.step), lang === 'en' ? rec.startedAt : formatInstant(rec.startedAt, lang)) : w.none);
    // Several stores: how far each got (the next start checks every store whatever this says).
    for (const [store, done] of Object.entries(rec?.storeProgress ?? {})) lines.push(`store ${store}: ${done}`);
    for (const s of session.stores) if (rec?.storeProgress && !(s.describe() in rec.storeProgress)) lines.push(`store ${s.describe()}: ${w.notYetWritten}`);
  } catch (err) {
    lines.push(errorDetailText(toApiError(err), lang));
  }
  lines.push('', '[last errors]');
  for (const e of deps.settings.get('lastErrors') ?? []) {
    const error = { code: e.code as ApiError['code'], message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
    lines.push(`${lang === 'en' ? e.at : formatInstant(e.at, lang)} ${e.code} ${errorDetailText(error, lang)}`);
  }
  // One redactor over the whole text: the proxy line, holders and past errors alike.
  return redactText(lines.join('\n') + '\n');
}
