// The `schedule` subcommands' output: the policy's time and login setting (defaults, said on
// stderr, when no policy loads yet), the one JSON document or a few lines.
import type { Run, ScheduleEnv } from './install';
import { runSchedule, statusLines, type ScheduleAction } from './command';

export interface ScheduleTestEnv {
  run?: Run;
  root?: string;
  uid?: number;
  offsetMinutes?: number;
  systemd?: boolean;
  program?: { program: string; args: string[] };
}

export async function scheduleCommand(
  action: ScheduleAction,
  o: { policy?: string; allUsers?: boolean },
  h: { env: Record<string, string | undefined>; platform: NodeJS.Platform; out(s: string): void; err(s: string): void; json: boolean; ja(): boolean } & ScheduleTestEnv,
): Promise<number> {
  let checkTime = '10:00';
  let atLogin = true;
  let source = '(defaults)';
  if (action === 'install') {
    const { loadPolicyOnly, toApiError } = await import('../../core/compose');
    try {
      const loaded = await loadPolicyOnly(o.policy);
      ({ checkTime, remindersAtLogin: atLogin } = loaded.policy);
      source = loaded.source;
    } catch (e) {
      const api = toApiError(e);
      h.err(`certdesk: ${h.ja() ? 'ポリシーを読めないため、既定（10:00、ログイン時も確認）で登録します' : 'no policy could be read: installing with the defaults (10:00, and at login)'}: ${api.code} ${api.message.split('\n')[0]}`);
    }
  }
  const env: Omit<ScheduleEnv, 'run'> & { run?: Run } = {
    platform: h.platform,
    env: h.env,
    ...(h.run ? { run: h.run } : {}),
    ...(h.root ? { root: h.root } : {}),
    ...(h.uid !== undefined ? { uid: h.uid } : {}),
    ...(h.offsetMinutes !== undefined ? { offsetMinutes: h.offsetMinutes } : {}),
    ...(h.systemd !== undefined ? { systemd: h.systemd } : {}),
  };
  try {
    const status = await runSchedule({ action, allUsers: Boolean(o.allUsers), checkTime, atLogin, ...(h.program ? { program: h.program } : {}) }, env);
    const result = { ...status, ...(action === 'install' ? { checkTime, atLogin, policy: source } : {}) };
    if (h.json) h.out(JSON.stringify({ ok: true, result }));
    else for (const l of statusLines(status, h.ja())) h.out(l);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (h.json) h.out(JSON.stringify({ ok: false, exitCode: 1, error: { code: 'INTERNAL', message } }));
    else h.err(`certdesk: schedule ${action}: ${message}`);
    return 1;
  }
}
