// The user's own settings, kept with `conf`, the Node base of
// electron-store (which imports electron at load and so cannot live in core).
import type Conf from 'conf';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ErrorDetail, Language } from '../../../shared/contract';
import { CoreError } from '../errors';

interface SettingsData {
  language?: Language;
  remindersAtLogin: boolean;
  /** Reminder thresholds already shown, per certificate fingerprint (once per threshold). */
  remindersShown: Record<string, number[]>;
  /** The last errors, for the diagnostics export (codes and messages only, nothing secret). */
  /** `detail`: the error's typed facts, so the export can say it in the chosen language. */
  lastErrors: Array<{ at: string; code: string; message: string; detail?: ErrorDetail }>;
}

export interface Settings {
  readonly file: string;
  get<K extends keyof SettingsData>(key: K): SettingsData[K];
  set<K extends keyof SettingsData>(key: K, value: SettingsData[K]): void;
}

/** The per-user data folder: settings and the renewal journal live here. */
export function userDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CERTDESK_DATA_DIR) return env.CERTDESK_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'CertDesk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'CertDesk');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'certdesk');
}

// conf (with its schema validator) costs more to load than the rest of the command line;
// it is loaded on the first read or write, which a plain renewal from the CLI never makes.
const requireLazily = createRequire(import.meta.url);

export function openSettings(opts: { dir?: string } = {}): Settings {
  const dir = opts.dir ?? userDataDir();
  let conf: Conf<SettingsData> | undefined;
  const open = (): Conf<SettingsData> => {
    if (conf) return conf;
    try {
      const ConfClass = (requireLazily('conf') as { default: typeof Conf }).default;
      conf = new ConfClass<SettingsData>({
        cwd: dir,
        configName: 'settings',
        // A damaged settings file costs the user their language choice, not the app.
        clearInvalidConfig: true,
        defaults: { remindersAtLogin: true, remindersShown: {}, lastErrors: [] },
      });
      return conf;
    } catch (err) {
      throw new CoreError('JOURNAL_WRITE_FAILED', `The settings in ${dir} cannot be opened (${(err as Error).message}). Check that the folder is writable.`, {
        reason: 'SETTINGS',
      });
    }
  };
  const file = join(dir, 'settings.json');
  return {
    file,
    get: (key) => open().get(key),
    set: (key, value) => {
      const c = open();
      try {
        c.set(key, value);
      } catch (err) {
        throw new CoreError('JOURNAL_WRITE_FAILED', `The settings file ${file} cannot be written (${(err as Error).message}). Check free space and permissions.`, {
          reason: 'SETTINGS',
        });
      }
    },
  };
}
