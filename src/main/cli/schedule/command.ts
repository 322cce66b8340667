// `certdesk schedule install|remove|status [--all-users]`: the policy gives the time
// (checkTime) and whether to run at login (remindersAtLogin); no policy yet (an installer
// that runs before IT deploys one) means the defaults, said on stderr. The scheduled command
// is this very program: the packaged app run headless, or node with this CLI.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import type { Language } from '../../../shared/contract';
import { translator } from '../../../shared/i18n';
import { RANDOM_DELAY_MINUTES, type ScheduleSpec } from './spec';
import { schedule, type Run, type ScheduleEnv, type ScheduleStatus } from './install';

export type ScheduleAction = 'install' | 'remove' | 'status';

/** What the schedule runs: `certdesk check` as this process was started. */
export function selfProgram(): { program: string; args: string[] } {
  if (process.versions.electron) return { program: process.execPath, args: ['--headless', 'check'] };
  const script = process.argv[1] ? realpathSync(process.argv[1]) : '';
  return { program: process.execPath, args: [script, 'check'] };
}

export const runTool: Run = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : (err as { status?: number }).status ?? 127) : 0;
      resolve({ code: err && code === 0 ? 1 : code, stdout: String(stdout), stderr: String(stderr || (err && !stdout ? err.message : '')) });
    });
  });

export interface ScheduleRequest {
  action: ScheduleAction;
  allUsers: boolean;
  /** From the policy (defaults when none loads). */
  checkTime: string;
  atLogin: boolean;
  program?: { program: string; args: string[] };
}

export async function runSchedule(r: ScheduleRequest, o: Omit<ScheduleEnv, 'run'> & { run?: Run }): Promise<ScheduleStatus> {
  const self = r.program ?? selfProgram();
  const spec: ScheduleSpec = { ...self, checkTime: r.checkTime, atLogin: r.atLogin, allUsers: r.allUsers, randomDelayMinutes: RANDOM_DELAY_MINUTES };
  return schedule(r.action, spec, { ...o, run: o.run ?? runTool });
}

/** What is installed, in the catalog's words (`cli.schedule`); the paths as they are. */
export function statusLines(s: ScheduleStatus, lang: Language): string[] {
  const t = translator(lang);
  const kind = t(`cli.schedule.kind.${s.kind}`);
  const scope = t(s.allUsers ? 'cli.schedule.scope.allUsers' : 'cli.schedule.scope.user');
  const state = t(s.installed ? 'cli.schedule.state.installed' : 'cli.schedule.state.notInstalled');
  // The JSON keeps install.ts's note; the text says it in the reader's language.
  const note = !s.note ? undefined : s.kind === 'autostart' ? t('cli.schedule.autostartNote') : s.kind === 'systemd' && !s.installed ? t('cli.schedule.timerNotEnabled') : s.note;
  return [`${kind} (${scope}): ${state}`, ...s.where.map((w) => `  ${w}`), ...(note ? [`  ${note}`] : [])];
}
