// The `schedule` subcommands' output: the policy's time and login setting (defaults, said on
// stderr, when no policy loads yet), the one JSON document or a few lines.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Language } from '../../../shared/contract';
import { errorDetailText } from '../../../shared/error-detail';
import { translator } from '../../../shared/i18n';
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
  o: { policy?: string; allUsers?: boolean; firstStart?: boolean },
  h: { env: Record<string, string | undefined>; platform: NodeJS.Platform; out(s: string): void; err(s: string): void; json: boolean; ja(): boolean } & ScheduleTestEnv,
): Promise<number> {
  const lang = (): Language => (h.ja() ? 'ja' : 'en');
  if (action === 'install' && o.firstStart && !o.allUsers) {
    const done = await firstStartDone(h);
    if (done) {
      // Said, so that a script (and the app's log) sees why nothing was installed.
      if (h.json) h.out(JSON.stringify({ ok: true, result: { skipped: done } }));
      else h.out(translator(lang())(done === 'allUsers' ? 'cli.schedule.skippedAllUsers' : 'cli.schedule.skippedEarlier'));
      return 0;
    }
  }
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
      h.err(`certdesk: ${translator(lang())('cli.schedule.defaults')}: ${api.code} ${errorDetailText(api, lang()).split('\n')[0]}`);
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
    if (o.firstStart) await markFirstStart(h);
    const result = { ...status, ...(action === 'install' ? { checkTime, atLogin, policy: source } : {}) };
    if (h.json) h.out(JSON.stringify({ ok: true, result }));
    else for (const l of statusLines(status, lang())) h.out(l);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (h.json) h.out(JSON.stringify({ ok: false, exitCode: 1, error: { code: 'INTERNAL', message } }));
    else h.err(`certdesk: ${translator(lang())('cli.schedule.failed', { action: translator(lang())(`cli.schedule.action.${action}`), message })}`);
    return 1;
  }
}

/** The marker the app's first start leaves in the data folder: a schedule IT or the user removed is not put back at every start. */
const MARKER = 'schedule-installed';

/**
 * `install --first-start` (the app's first start): nothing when it ran before, or when the
 * installer put the schedule there for every user (a second, per-user one would run the check twice).
 */
async function firstStartDone(h: { env: Record<string, string | undefined>; platform: NodeJS.Platform } & ScheduleTestEnv): Promise<'earlier' | 'allUsers' | null> {
  const { dataDirOf } = await import('../../core/compose');
  const dir = await dataDirOf(h.env);
  if (await stat(join(dir, MARKER)).then(() => true, () => false)) return 'earlier';
  const machine = await runSchedule({ action: 'status', allUsers: true, checkTime: '10:00', atLogin: true, ...(h.program ? { program: h.program } : {}) }, {
    platform: h.platform, env: h.env, ...(h.run ? { run: h.run } : {}), ...(h.root ? { root: h.root } : {}), ...(h.systemd !== undefined ? { systemd: h.systemd } : {}),
  }).catch(() => null);
  if (!machine?.installed) return null;
  await markFirstStart(h);
  return 'allUsers';
}

async function markFirstStart(h: { env: Record<string, string | undefined> }): Promise<void> {
  const { dataDirOf } = await import('../../core/compose');
  const dir = await dataDirOf(h.env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(join(dir, MARKER), `${new Date().toISOString()}\n`, { mode: 0o600 });
}
