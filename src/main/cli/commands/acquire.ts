// `certdesk acquire`: 取得 after expiry or on a new PC, with the login ID and password.
import { Option, type Command } from 'commander';
import { EXIT } from '../../../shared/error-policy';
import { printOutcome, succeed } from '../output';
import { pinAsker } from '../pin';
import { askPassword, confirm } from '../prompt';
import { safe } from '../safe-text';
import { unwrap } from '../session';
import { Usage } from '../usage';
import { outcomeCertificate } from '../record';
import type { CommandKit } from './kit';

export function registerAcquire(program: Command, { session: s, action }: CommandKit): void {
  program
    .command('acquire')
    .description('期限切れ後・新しいPCで取得（ログインID＋パスワード） / obtain a certificate (after expiry, or on a new PC) with login ID and password')
    .requiredOption('--login-id <id>', 'ログインID / login ID')
    .addOption(new Option('--password-env <var>', 'パスワードの環境変数（省略時は端末で入力） / environment variable with the password (else a hidden prompt)'))
    .action(
      action('acquire', async (o) => {
        const loginId = String(o.loginId);
        let password: string | null | undefined;
        if (o.passwordEnv) {
          password = s.io.env[String(o.passwordEnv)];
          if (password === undefined) throw new Usage(`--password-env: ${s.t().usage.envUnset(safe(String(o.passwordEnv)))}`);
        } else if (!s.isTTY) {
          throw new Usage(s.t().usage.needPasswordEnv);
        }
        if (!o.yes && !s.isTTY) throw new Usage(s.t().usage.needYes('acquire'));
        const c = await s.context(o, { pin: pinAsker(s.io, o, () => s.lang, (m) => new Usage(m)) });
        if (password === undefined) {
          password = await askPassword(s.io, s.t().passwordPrompt);
          if (password === null) {
            s.err(s.t().declined);
            return EXIT.failed;
          }
        }
        if (!o.yes && !(await confirm(s.io, safe(s.t().confirmAcquire(safe(loginId)))))) {
          s.err(s.t().declined);
          return EXIT.failed;
        }
        const outcome = unwrap(await c.service.acquire({ loginId, password: password ?? '' }));
        s.note('acquire', 'acquired', { certificate: outcomeCertificate(outcome) });
        return succeed(s, outcome, () => printOutcome(s, outcome));
      }),
    );
}
