// `certdesk status`: the bank's certificates here, their phase and days left (read-only unless --recover).
import type { Command } from 'commander';
import { printOverview, report } from '../output';
import { certificateState, statusVerdict } from '../verdict';
import { recoverOption, summaryOf, type CommandKit } from './kit';

export function registerStatus(program: Command, { session: s, action }: CommandKit): void {
  program
    .command('status')
    .description('証明書の状態を表示（読み取りのみ） / show the bank certificates on this PC, their phase and days left (read-only)')
    .addOption(recoverOption())
    .action(
      action('status', async (o) => {
        s.recovering = Boolean(o.recover);
        const c = await s.context(o, { recoverOnRead: s.recovering });
        const ov = await s.overviewOf(c);
        const v = statusVerdict(ov);
        const worst = ov.certificates.find((x) => certificateState(x) === v.state) ?? ov.certificates[0];
        s.note('status', v.state, { ...(worst ? { certificate: summaryOf(worst) } : {}), ...(v.error ? { lastError: v.error.code } : {}) });
        return report(s, v, ov, () => printOverview(s, ov));
      }),
    );
}
