// `certdesk check`: the scheduled background check (issue 27). Never asks: no prompt, no PIN
// dialog (a token's PIN only from --pin-env or the keychain when the policy remembers it), no
// confirmation; 取得 is never attempted. The core decides (src/main/core/renewal/check.ts);
// this file words the outcome, shows the notices through the OS and hands the verdict to the
// command line's one output and record.
import type { Command } from 'commander';
import type { DueReminder } from '../../core/compose';
import type { ApiError } from '../../../shared/contract';
import type { CheckReport } from '../../core/compose';
import type { GlobalOptions } from '../context';
import type { CliSession } from '../session';
import type { Verdict } from '../verdict';
import { itemLine, ledgerProblemText, noticeText } from '../check-words';
import { notifyAll } from '../notify';
import type { CheckHooks } from '../options';
import { report as reportVerdict } from '../output';
import type { CommandKit } from './kit';

export function registerCheck(program: Command, { session: s, action }: CommandKit): void {
  program
    .command('check')
    .description('定期確認（スケジューラー用）：リマインダーと、ポリシーで許可されていれば自動更新。何も尋ねず、取得はしない / the scheduled check: reminders, and automatic renewal where the policy allows; never asks, never 取得')
    .option('--no-notify', 'OSの通知を出さない / no OS notification')
    .action(action('check', (o) => checkCommand(s, o, s.opts.checkHooks ?? {})));
}

async function checkCommand(s: CliSession, o: GlobalOptions & { notify?: boolean }, h: CheckHooks) {
  const taken: DueReminder[] = [];
  // The PIN from --pin-env only; never a prompt, even on a terminal.
  const pin = async () => (o.pinEnv ? (s.io.env[o.pinEnv] ?? null) : null);
  const c = await s.context(o, { recoverOnRead: true, remind: (r) => taken.push(r), pin });
  const { runScheduledCheck } = await import('../../core/compose');
  const report: CheckReport = await runScheduledCheck(c, { takenReminders: () => taken, ...(h.busyWaitsMs ? { busyWaitsMs: h.busyWaitsMs } : {}) });

  const lang = s.lang;
  const texts = report.notices.map((n) => noticeText(lang, n, s.support));
  if (o.notify !== false && texts.length > 0) {
    for (const p of await notifyAll(texts, { platform: s.opts.platform ?? process.platform, env: s.io.env, ...(h.spawner ? { spawner: h.spawner } : {}) })) s.err(`certdesk: ${p}`);
  }
  if (report.ledgerProblem) s.err(`certdesk: ${ledgerProblemText(lang, report.ledgerProblem)}`);

  const renewed = report.items.find((i) => i.reason === 'RENEWED');
  const worst = report.items.find((i) => i.state === report.state) ?? report.items[0];
  const error: ApiError | undefined = report.state === 'broken' ? (worst?.error ?? { code: 'INTERNAL', message: 'The check found a problem.' }) : undefined;
  const shown = renewed && report.state === 'ok' ? renewed : worst;
  s.note('check', renewed && report.state === 'ok' ? 'renewed' : report.state, {
    // The renewed item's own fields are the old certificate's: the new one is as the renewal judged it.
    ...(shown ? { certificate: renewed && shown === renewed ? renewed.renewed! : { fingerprint: shown.fingerprint, notAfter: shown.notAfter, expiryDate: shown.expiryDate, daysLeft: shown.daysLeft, phase: shown.phase } } : {}),
    certificateCount: report.items.length,
    ...(worst?.error ? { lastError: worst.error.code } : {}),
  });
  const verdict: Verdict = { state: report.state, exit: report.exitCode, ...(error ? { error } : {}) };
  return reportVerdict(s, verdict, report, () => {
    for (const i of report.items) s.out(itemLine(lang, i));
    for (const t of texts) s.out(`【${t.title}】${t.body}`);
  });
}
