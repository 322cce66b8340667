// `certdesk renew`: 更新 inside the renewal window, authenticated by the current certificate.
import type { Command } from 'commander';
import { EXIT } from '../../../shared/error-policy';
import { fingerprintOption, pickCertificate } from '../choose';
import { printOutcome, succeed } from '../output';
import { pinAsker } from '../pin';
import { confirm } from '../prompt';
import { safe } from '../safe-text';
import { unwrap } from '../session';
import { Usage } from '../usage';
import { certificateState } from '../verdict';
import { outcomeCertificate } from '../record';
import { fingerprintHelp, summaryOf, type CommandKit } from './kit';

export function registerRenew(program: Command, { session: s, action }: CommandKit): void {
  program
    .command('renew')
    .description('電子証明書を更新 / renew the certificate (inside the renewal window)')
    .option('--fingerprint <sha256|sha1>', fingerprintHelp)
    .action(
      action('renew', async (o) => {
        const fp = fingerprintOption(s, o);
        if (!o.yes && !s.isTTY) throw new Usage(s.t().usage.needYes('renew'));
        const c = await s.context(o, { renew: true, pin: pinAsker(s.io, o, () => s.lang, (m) => new Usage(m)) });
        const target = await pickCertificate(s, c, fp, true);
        const before = s.overviewRead?.certificates.find((x) => x.fingerprint === target);
        if (before) s.note('renew', certificateState(before), { certificate: summaryOf(before) });
        if (!o.yes) {
          const holder = before?.holder ?? target;
          if (!(await confirm(s.io, safe(s.t().confirmRenew(safe(holder)))))) {
            s.err(s.t().declined);
            return EXIT.failed;
          }
        }
        const outcome = unwrap(await c.service.renew(target));
        s.note('renew', 'renewed', { certificate: outcomeCertificate(outcome) });
        return succeed(s, outcome, () => printOutcome(s, outcome));
      }),
    );
}
