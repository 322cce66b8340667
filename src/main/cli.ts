// The `certdesk` command line (DESIGN, "Command line"): the same core as the app, for IT
// and the helpdesk. Exit codes: 0 done, 1 failed, 2 usage, 3 renewal not open yet,
// 4 expired (use acquire), 5 reissue at the branch. With --json, stdout holds exactly one
// JSON document: { ok, result } or { ok: false, error: { code, message } }.
import { Command, CommanderError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiError, CertificateDetails, Language, Overview, ProgressEvent, RenewalOutcome, Result } from '../shared/contract';
import { toApiError } from './core/errors';
// The core (pki, EST, store, vault) loads only when a command runs: --help, usage errors
// and bad arguments answer without it.
import type { Context, GlobalOptions } from './cli/context';
import type { CliIo } from './cli/io';
import type { ChromiumTransport } from './transport-choice';
import { catalogs, type Catalog } from './cli/messages';
import { askPassword, confirm } from './cli/prompt';

export type { CliIo };

const EXIT: Partial<Record<ApiError['code'], number>> = { RENEWAL_NOT_OPEN: 3, ACQUIRE_REQUIRED: 4, REISSUE_REQUIRED: 5 };
const exitOf = (e: ApiError) => EXIT[e.code] ?? (e.code === 'INVALID_INPUT' && e.detail?.usage ? 2 : 1);

class Usage extends Error {}

function normFingerprint(f: string): string {
  const hex = f.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Usage(`--fingerprint: expected a SHA-256 fingerprint (64 hex digits), got "${f}"`);
  return hex;
}

export interface CliOptions {
  /** The headless app's Chromium stack: renewal presents the OS store's certificate by fingerprint. */
  chromium?: ChromiumTransport;
}

export async function runCli(argv: string[], io: CliIo, opts: CliOptions = {}): Promise<number> {
  let lang: Language = 'ja';
  let json = false;
  const t = (): Catalog => catalogs[lang];
  const out = (s: string) => io.stdout.write(s.endsWith('\n') ? s : s + '\n');
  const err = (s: string) => io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  const isTTY = Boolean(io.stdin.isTTY);

  const printError = (e: ApiError): number => {
    if (json) out(JSON.stringify({ ok: false, error: e.detail ? { code: e.code, message: e.message, detail: e.detail } : { code: e.code, message: e.message } }));
    else {
      err(`${t().error[e.code] ?? t().error.default} [${e.code}]`);
      err(`  ${t().detail}: ${e.message}`);
    }
    return exitOf(e);
  };

  const onProgress = (p: ProgressEvent) => {
    if (json) return;
    const c = t();
    if (p.kind === 'check' && p.state !== 'running') err(`  ${p.state === 'passed' ? '✓' : p.state === 'skipped' ? '-' : '✗'} ${c.check[p.check]}${p.error ? `: ${p.error.message}` : ''}`);
    if (p.kind === 'step' && p.state !== 'running') err(`  ${p.state === 'done' ? '✓' : p.state === 'skipped' ? '-' : '✗'} ${c.step[p.step]}`);
    if (p.kind === 'pending') err(`  … (${p.attempt}) ${p.retryAt}`);
  };

  let ctx: Context | undefined;
  const context = async (o: GlobalOptions, intent: { renew?: boolean } = {}): Promise<Context> => {
    json = Boolean(o.json);
    if (!ctx) {
      const { buildContext } = await import('./cli/context');
      ctx = await buildContext(o, io.env, { progress: onProgress, reminder: () => undefined }, opts.chromium, intent);
    }
    lang = ctx.loaded.policy.language;
    return ctx;
  };
  const unwrap = <T>(r: Result<T>): T => {
    if (!r.ok) throw Object.assign(new Error(r.error.message), { api: r.error });
    return r.value;
  };
  const pickFingerprint = async (c: Context, given?: string): Promise<string> => {
    if (given) return normFingerprint(given);
    const ov = unwrap(await c.service.getOverview());
    const first = ov.certificates[0];
    if (!first) throw Object.assign(new Error(), { api: { code: 'NO_CERTIFICATE', message: 'No certificate of the bank is in the store.' } as ApiError });
    return first.fingerprint;
  };
  const succeed = (result: unknown, human: () => void): number => {
    if (json) out(JSON.stringify({ ok: true, result }));
    else human();
    return 0;
  };
  const printOutcome = (o: RenewalOutcome) => {
    const c = t();
    out(c.done);
    printDetails(o.certificate);
    if (o.replaced) out(c.replaced(o.removedOld));
    out(c.closeBrowser);
  };
  const printDetails = (d: CertificateDetails) => {
    const c = t();
    out(`${c.holder}: ${d.subject.text}`);
    out(`Issuer: ${d.issuer.text}`);
    out(`Serial: ${d.serialHex}`);
    out(`${c.expires}: ${d.notBefore} – ${d.notAfter}`);
    out(`${c.fingerprint}: ${d.sha256}`);
    out(`SHA-1: ${d.sha1}`);
    out(`${d.keyAlgorithm} ${d.keySize}${d.curve ? ` ${d.curve}` : ''}; EKU: ${d.extendedKeyUsage.join(', ') || '-'}`);
    if (d.facts.hasPrivateKey !== undefined) out(c.key(d.facts.hasPrivateKey));
  };
  const printOverview = (ov: Overview) => {
    const c = t();
    out(`${ov.bankName} (${ov.today} JST)`);
    if (ov.recovered) out(c.recovered(ov.recovered.outcome));
    if (ov.certificates.length === 0) out(c.none);
    for (const s of ov.certificates) {
      out('');
      out(`${c.holder}: ${s.holder}${s.organisation ? ` (${s.organisation})` : ''}`);
      out(`  ${c.expires}: ${s.expiryDate} (${c.daysLeft(s.daysLeft)}) — ${c.phase[s.phase]}`);
      out(`  ${c.opensOn}: ${s.renewalOpensOn}  ${c.graceEndsOn}: ${s.graceEndsOn}`);
      out(`  ${c.fingerprint}: ${s.fingerprint}`);
      out(`  ${c.key(s.hasPrivateKey)}`);
      if (s.noticeDue) out(`  【重要なお知らせ】${c.notice}`);
    }
  };

  const program = new Command('certdesk')
    .description('銀行の電子証明書を確認・更新・取得します / Checks, renews and obtains your bank client certificate')
    .option('--json', '結果をJSONで出力 / one JSON document on stdout')
    .option('--policy <file>', 'このポリシーを使う / use this policy file instead of the machine-wide one')
    .option('--store <spec>', '証明書ストア nss:DIR / certificate store (nss:DIR; default: the OS store)')
    .option('--identity <file.p12>', '更新に使う証明書 / renewal identity (PKCS#12) when the store cannot lend its key')
    .option('--identity-password-env <var>', '上記のパスワードの環境変数 / environment variable with its password')
    .option('-y, --yes', '確認しない / do not ask for confirmation')
    .addHelpText(
      'after',
      '\n終了コード / Exit codes: 0 完了 done, 1 失敗 failed, 2 使い方 usage, 3 更新期間前 renewal not open yet, 4 期限切れ・取得へ expired: use acquire, 5 再発行 reissue at the branch',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError(false);

  let code = 0;
  const action =
    (fn: (o: GlobalOptions & Record<string, unknown>) => Promise<number>) =>
    async (_a: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      json = Boolean(o.json);
      try {
        code = await fn(o);
      } catch (e) {
        if (e instanceof Usage) {
          code = printUsage(e.message);
          return;
        }
        const api = (e as { api?: ApiError }).api ?? toApiError(e);
        code = printError(api);
      } finally {
        // An identity export started early still has its temporary folder: let it finish and remove it.
        await ctx?.settle();
      }
    };
  const printUsage = (m: string): number => {
    if (json) out(JSON.stringify({ ok: false, error: { code: 'INVALID_INPUT', message: m } }));
    else err(`certdesk: ${m}`);
    return 2;
  };

  program
    .command('status')
    .description('証明書の状態を表示 / show the bank certificates on this PC, their phase and days left')
    .action(
      action(async (o) => {
        const c = await context(o);
        const ov = unwrap(await c.service.getOverview());
        return succeed(ov, () => printOverview(ov));
      }),
    );

  program
    .command('inspect')
    .description('証明書の詳細 / details of one certificate (for the helpdesk)')
    .option('--fingerprint <sha256>', '対象の証明書 / which certificate (default: the newest)')
    .option('--pem', 'PEMだけを出力 / print only the PEM')
    .action(
      action(async (o) => {
        const fp = o.fingerprint ? normFingerprint(String(o.fingerprint)) : undefined;
        const c = await context(o);
        const d = unwrap(await c.service.getDetails(await pickFingerprint(c, fp)));
        if (o.pem && !json) {
          out(d.pem);
          return 0;
        }
        return succeed(d, () => printDetails(d));
      }),
    );

  program
    .command('doctor')
    .description('更新前処理（確認のみ） / pre-processing checks only: policy, store, key, endpoint, CA, clock')
    .option('--fingerprint <sha256>', '対象の証明書 / which certificate (default: the newest)')
    .action(
      action(async (o) => {
        const fp = o.fingerprint ? normFingerprint(String(o.fingerprint)) : undefined;
        const c = await context(o);
        const report = unwrap(await c.service.runPreflight(await pickFingerprint(c, fp)));
        const firstFail = report.checks.find((x) => x.state === 'failed');
        if (json) out(JSON.stringify(report.passed ? { ok: true, result: report } : { ok: false, result: report, error: firstFail?.error }));
        else out(report.passed ? t().passed : t().failed);
        return report.passed ? 0 : firstFail?.error ? exitOf(firstFail.error) : 1;
      }),
    );

  program
    .command('renew')
    .description('電子証明書を更新 / renew the certificate (inside the renewal window)')
    .option('--fingerprint <sha256>', '対象の証明書 / which certificate (default: the newest)')
    .action(
      action(async (o) => {
        const fp = o.fingerprint ? normFingerprint(String(o.fingerprint)) : undefined;
        if (!o.yes && !isTTY) throw new Usage('stdin is not a terminal: add --yes to renew without confirmation');
        const c = await context(o, { renew: true });
        const target = await pickFingerprint(c, fp);
        if (!o.yes) {
          const ov = unwrap(await c.service.getOverview());
          const holder = ov.certificates.find((x) => x.fingerprint === target)?.holder ?? target;
          if (!(await confirm(io, t().confirmRenew(holder)))) {
            err(t().declined);
            return 1;
          }
        }
        const outcome = unwrap(await c.service.renew(target));
        return succeed(outcome, () => printOutcome(outcome));
      }),
    );

  program
    .command('acquire')
    .description('期限切れ後に取得（ログインID＋パスワード） / obtain a certificate after expiry with login ID and password')
    .requiredOption('--login-id <id>', 'ログインID / login ID')
    .addOption(new Option('--password-env <var>', 'パスワードの環境変数（省略時は端末で入力） / environment variable with the password (else a hidden prompt)'))
    .action(
      action(async (o) => {
        const loginId = String(o.loginId);
        let password: string | null | undefined;
        if (o.passwordEnv) {
          password = io.env[String(o.passwordEnv)];
          if (password === undefined) throw new Usage(`--password-env: the environment variable ${String(o.passwordEnv)} is not set`);
        } else if (!isTTY) {
          throw new Usage('stdin is not a terminal: give the password with --password-env VAR');
        }
        if (!o.yes && !isTTY) throw new Usage('stdin is not a terminal: add --yes to acquire without confirmation');
        const c = await context(o);
        if (password === undefined) {
          password = await askPassword(io, t().passwordPrompt);
          if (password === null) {
            err(t().declined);
            return 1;
          }
        }
        if (!o.yes && !(await confirm(io, t().confirmAcquire(loginId)))) {
          err(t().declined);
          return 1;
        }
        const outcome = unwrap(await c.service.acquire({ loginId, password: password ?? '' }));
        return succeed(outcome, () => printOutcome(outcome));
      }),
    );

  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    return printError(toApiError(e));
  }
  if (program.args.length === 0 && argv.length === 0) {
    program.outputHelp();
    return 2;
  }
  return code;
}

function isEntry(): boolean {
  // Inside Electron the headless mode calls runCli itself; argv[1] there is a user argument.
  if (process.versions.electron) return false;
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    const self = realpathSync(fileURLToPath(import.meta.url));
    const entry = realpathSync(argv1);
    return entry === self || /(?:^|[\\/])certdesk(?:\.js)?$/.test(entry) || /(?:^|[\\/])certdesk(?:\.js)?$/.test(argv1);
  } catch {
    return false;
  }
}

if (isEntry()) {
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
  // Let stdout drain into a pipe before exiting; exit explicitly so no idle handle keeps us alive.
  process.stdout.write('', () => process.exit(code));
}
