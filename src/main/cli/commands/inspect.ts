// `certdesk inspect`: one certificate's details for the helpdesk, or only its PEM.
import type { Command } from 'commander';
import { EXIT } from '../../../shared/error-policy';
import { fingerprintOption, pickCertificate } from '../choose';
import { printDetails, succeed, unfinishedNotice } from '../output';
import { safeLines } from '../safe-text';
import { unwrap } from '../session';
import { fingerprintHelp, recoverOption, type CommandKit } from './kit';

export function registerInspect(program: Command, { session: s, action }: CommandKit): void {
  program
    .command('inspect')
    .description('証明書の詳細 / details of one certificate (for the helpdesk)')
    .option('--fingerprint <sha256|sha1>', fingerprintHelp)
    .option('--pem', 'PEMだけを出力 / print only the PEM')
    .addOption(recoverOption())
    .action(
      action('inspect', async (o) => {
        const fp = fingerprintOption(s, o);
        s.recovering = Boolean(o.recover);
        const c = await s.context(o, { recoverOnRead: s.recovering });
        // The overview first: it finishes the interrupted renewal when asked, and says whether one waits.
        const ov = await s.overviewOf(c);
        if (ov.unfinished && !s.json) s.err(unfinishedNotice(s, ov.unfinished));
        const d = unwrap(await c.service.getDetails(await pickCertificate(s, c, fp, false)));
        if (o.pem && !s.json) {
          s.out(safeLines(d.pem));
          return EXIT.done;
        }
        return succeed(s, d, () => printDetails(s, d));
      }),
    );
}
