// `certdesk schedule install|remove|status [--all-users]`: the policy gives the time
// (checkTime) and whether to run at login (remindersAtLogin); no policy yet (an installer
// that runs before IT deploys one) means the defaults, said on stderr. The scheduled command
// is this very program: the packaged app run headless, or node with this CLI.
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
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

export function statusLines(s: ScheduleStatus, ja: boolean): string[] {
  const kind = { task: 'Task Scheduler', launchagent: 'LaunchAgent', systemd: 'systemd user timer', autostart: 'XDG autostart' }[s.kind];
  const scope = s.allUsers ? (ja ? '全ユーザー' : 'all users') : ja ? 'このユーザー' : 'this user';
  const state = s.installed ? (ja ? '登録済み' : 'installed') : ja ? '未登録' : 'not installed';
  return [`${kind} (${scope}): ${state}`, ...s.where.map((w) => `  ${w}`), ...(s.note ? [`  ${s.note}`] : [])];
}
