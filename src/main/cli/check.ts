// `certdesk check`: the scheduled background check (issue 27). Never asks: no prompt, no PIN
// dialog (a token's PIN only from --pin-env or the keychain when the policy remembers it), no
// confirmation; 取得 is never attempted. The core decides (src/main/core/renewal/check.ts);
// this file words the outcome, shows the notices through the OS and hands the verdict to the
// command line's one output and record.
import type { DueReminder } from '../core/compose';
import type { ApiError, Language, SupportView } from '../../shared/contract';
import type { CheckReport } from '../core/compose';
import type { Context, ContextIntent, GlobalOptions } from './context';
import type { CliIo } from './io';
import type { RunRecord } from './record';
import type { Verdict } from './verdict';
import { itemLine, noticeText } from './check-words';
import { notifyAll, type Spawner } from './notify';

export interface CheckCommandHooks {
  io: CliIo;
  lang(): Language;
  support(): SupportView | undefined;
  context(o: GlobalOptions, intent: ContextIntent): Promise<Context>;
  out(s: string): void;
  err(s: string): void;
  note(state: RunRecord['state'], extra: Partial<RunRecord>): void;
  report(v: Verdict, result: unknown, human: () => void): number;
  platform: NodeJS.Platform;
  /** Tests: runs the notifier (default: spawned, given up on after 5 s). */
  spawner?: Spawner;
  /** Tests: the waits for another renewal's lock. */
  busyWaitsMs?: number[];
}

export async function checkCommand(h: CheckCommandHooks, o: GlobalOptions & { notify?: boolean }): Promise<number> {
  const taken: DueReminder[] = [];
  // The PIN from --pin-env only; never a prompt, even on a terminal.
  const pin = async () => (o.pinEnv ? (h.io.env[o.pinEnv] ?? null) : null);
  const c = await h.context(o, { recoverOnRead: true, remind: (r) => taken.push(r), pin });
  const { runScheduledCheck } = await import('../core/compose');
  const report: CheckReport = await runScheduledCheck(c, { takenReminders: () => taken, ...(h.busyWaitsMs ? { busyWaitsMs: h.busyWaitsMs } : {}) });

  const lang = h.lang();
  const texts = report.notices.map((n) => noticeText(lang, n, h.support()));
  if (o.notify !== false && texts.length > 0) {
    for (const p of await notifyAll(texts, { platform: h.platform, env: h.io.env, ...(h.spawner ? { spawner: h.spawner } : {}) })) h.err(`certdesk: ${p}`);
  }
  if (report.ledgerProblem) h.err(`certdesk: ${report.ledgerProblem}`);

  const renewed = report.items.find((i) => i.reason === 'RENEWED');
  const worst = report.items.find((i) => i.state === report.state) ?? report.items[0];
  const error: ApiError | undefined = report.state === 'broken' ? (worst?.error ?? { code: 'INTERNAL', message: 'The check found a problem.' }) : undefined;
  const shown = renewed && report.state === 'ok' ? renewed : worst;
  h.note(renewed && report.state === 'ok' ? 'renewed' : report.state, {
    ...(shown ? { certificate: renewed && shown === renewed ? { fingerprint: renewed.renewed!.fingerprint, notAfter: renewed.renewed!.notAfter, expiryDate: renewed.renewed!.expiryDate, daysLeft: renewed.daysLeft, phase: 'valid' } : { fingerprint: shown.fingerprint, notAfter: shown.notAfter, expiryDate: shown.expiryDate, daysLeft: shown.daysLeft, phase: shown.phase } } : {}),
    certificateCount: report.items.length,
    ...(worst?.error ? { lastError: worst.error.code } : {}),
  });
  const verdict: Verdict = { state: report.state, exit: report.exitCode, ...(error ? { error } : {}) };
  return h.report(verdict, report, () => {
    for (const i of report.items) h.out(itemLine(lang, i));
    for (const t of texts) h.out(`【${t.title}】${t.body}`);
  });
}
