// The `certdesk` command line: the same core as the app, for IT and the helpdesk. Exit codes
// (the error policy's EXIT): 0 done, 1 failed, 2 usage, 3 renewal not open yet,
// 4 expired (use acquire), 5 reissue at the branch. With --json, stdout holds exactly one
// JSON document: { ok, result } or { ok: false, error: { code, message } }.
import { Command, CommanderError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiError, CertificateDetails, Language, Overview, ProgressEvent, RenewalOutcome, Result } from '../shared/contract';
import { EXIT, exitCodeOf, type ExitCode } from '../shared/error-policy';
import { toApiError } from './core/compose';
// The core (pki, EST, store, vault) loads only when a command runs: --help, usage errors
// and bad arguments answer without it.
import type { Context, ContextIntent, GlobalOptions } from './cli/context';
import type { CliIo } from './cli/io';
import type { ChromiumTransport } from './core/compose';
import { catalogs, type Catalog } from './cli/messages';
import { askPassword, confirm } from './cli/prompt';
import { safe, safeJson, safeLines } from './cli/safe-text';

export type { CliIo };

class Usage extends Error {}

function normFingerprint(f: string): string {
  const hex = f.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Usage(`--fingerprint: expected a SHA-256 fingerprint (64 hex digits), got "${safe(f)}"`);
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
  // Every line goes through safeLines (a value from outside that was missed still cannot drive
  // the terminal); each value from outside goes through safe() (its line breaks are not ours).
  const out = (s: string) => io.stdout.write(safeLines(s.endsWith('\n') ? s : s + '\n'));
  const err = (s: string) => io.stderr.write(safeLines(s.endsWith('\n') ? s : s + '\n'));
  const isTTY = Boolean(io.stdin.isTTY);
  // Commander's own messages echo the user's arguments (an unknown option, a bad value).
  const commanderOutput = { writeOut: (s: string) => io.stdout.write(safeLines(s)), writeErr: (s: string) => io.stderr.write(safeLines(s)) };

  const printError = (e: ApiError): ExitCode => {
    if (json) out(safeJson({ ok: false, error: e.detail ? { code: e.code, message: e.message, detail: e.detail } : { code: e.code, message: e.message } }));
    else {
      err(`${t().error[e.code]} [${safe(e.code)}]`);
      err(`  ${t().detail}: ${safe(e.message)}`);
    }
    return exitCodeOf(e);
  };

  const onProgress = (p: ProgressEvent) => {
    if (json) return;
    const c = t();
    if (p.kind === 'check' && p.state !== 'running') err(`  ${p.state === 'passed' ? '✓' : p.state === 'skipped' ? '-' : '✗'} ${c.check[p.check]}${p.error ? `: ${safe(p.error.message)}` : ''}`);
    if (p.kind === 'step' && p.state !== 'running') err(`  ${p.state === 'done' ? '✓' : p.state === 'skipped' ? '-' : '✗'} ${c.step[p.step]}`);
    if (p.kind === 'pending') err(`  … (${p.attempt}) ${safe(p.retryAt)}`);
  };

  let ctx: Context | undefined;
  const context = async (o: GlobalOptions, intent: ContextIntent = {}): Promise<Context> => {
    json = Boolean(o.json);
    if (!ctx) {
      const { buildContext } = await import('./cli/context');
      ctx = await buildContext(o, io.env, { progress: onProgress }, opts.chromium, intent);
    }
    lang = ctx.loaded.policy.language;
    return ctx;
  };
  const unwrap = <T>(r: Result<T>): T => {
    if (!r.ok) throw Object.assign(new Error(r.error.message), { api: r.error });
    return r.value;
  };
  const pickFingerprint = async (c: Context, given?: string, overview?: Overview): Promise<string> => {
    if (given) return normFingerprint(given);
    const ov = overview ?? unwrap(await c.service.getOverview());
    const first = ov.certificates[0];
    if (!first) throw Object.assign(new Error(), { api: { code: 'NO_CERTIFICATE', message: 'No certificate of the bank is in the store.' } as ApiError });
    return first.fingerprint;
  };
  const succeed = (result: unknown, human: () => void): ExitCode => {
    if (json) out(safeJson({ ok: true, result }));
    else human();
    return EXIT.done;
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
    out(`${c.holder}: ${safe(d.subject.text)}`);
    out(`Issuer: ${safe(d.issuer.text)}`);
    out(`Serial: ${safe(d.serialHex)}`);
    out(`${c.expires}: ${safe(d.notBefore)} – ${safe(d.notAfter)}`);
    out(`${c.fingerprint}: ${safe(d.sha256)}`);
    out(`SHA-1: ${safe(d.sha1)}`);
    out(`${safe(d.keyAlgorithm)} ${d.keySize}${d.curve ? ` ${safe(d.curve)}` : ''}; EKU: ${safe(d.extendedKeyUsage.join(', ')) || '-'}`);
    if (d.facts.hasPrivateKey !== undefined) out(c.key(d.facts.hasPrivateKey));
  };
  /** An interrupted renewal that waits in the journal, and what to do about it. */
  const unfinishedNotice = (u: NonNullable<Overview['unfinished']>): string => {
    const c = t();
    return c.unfinished(u.operation, c.step[u.step] ?? safe(u.step), safe(u.startedAt), recovering);
  };
  const printOverview = (ov: Overview) => {
    const c = t();
    out(`${safe(ov.bankName)} (${safe(ov.today)} JST)`);
    if (ov.recovered) out(c.recovered(ov.recovered.outcome));
    if (ov.unfinished) out(unfinishedNotice(ov.unfinished));
    if (ov.certificates.length === 0) out(c.none);
    for (const s of ov.certificates) {
      out('');
      out(`${c.holder}: ${safe(s.holder)}${s.organisation ? ` (${safe(s.organisation)})` : ''}`);
      out(`  ${c.expires}: ${safe(s.expiryDate)} (${c.daysLeft(s.daysLeft)}) — ${c.phase[s.phase]}`);
      out(`  ${c.opensOn}: ${safe(s.renewalOpensOn)}  ${c.graceEndsOn}: ${safe(s.graceEndsOn)}`);
      out(`  ${c.fingerprint}: ${safe(s.fingerprint)}`);
      out(`  ${c.key(s.hasPrivateKey)}`);
      if (s.noticeDue) out(`  【重要なお知らせ】${c.notice}`);
    }
  };

  const program = new Command('certdesk')
    .description('銀行の電子証明書を確認・更新・取得します / Checks, renews and obtains your bank client certificate')
    .option('--json', '結果をJSONで出力 / one JSON document on stdout')
    .option('--policy <file>', 'このポリシーを使う / use this policy file instead of the machine-wide one')
    .option('--store <spec>', '証明書ストア os / firefox / nss:DIR（既定: ポリシーの stores） / certificate store: os, firefox or nss:DIR (default: the policy\'s stores)')
    .option('--identity <file.p12>', '更新に使う証明書 / renewal identity (PKCS#12) when the store cannot lend its key')
    .option('--identity-password-env <var>', '上記のパスワードの環境変数 / environment variable with its password')
    .option('-y, --yes', '確認しない / do not ask for confirmation')
    .addHelpText(
      'after',
      '\n終了コード / Exit codes: 0 完了 done, 1 失敗 failed, 2 使い方 usage, 3 更新期間前 renewal not open yet, 4 期限切れ・取得へ expired: use acquire, 5 再発行 reissue at the branch',
    )
    .exitOverride()
    .configureOutput(commanderOutput)
    .showHelpAfterError(false);

  let code: ExitCode = EXIT.done;
  const action =
    (fn: (o: GlobalOptions & Record<string, unknown>) => Promise<ExitCode>) =>
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
  const printUsage = (m: string): ExitCode => {
    if (json) out(safeJson({ ok: false, error: { code: 'INVALID_INPUT', message: m } }));
    else err(`certdesk: ${safe(m)}`);
    return EXIT.usage;
  };

  // status and inspect only read: an interrupted renewal (it talks to the bank and writes the
  // store) is finished only when asked (--recover), by renew, acquire and doctor, or by the app.
  const recoverOption = new Option('--recover', '中断した更新を完了させる / finish an interrupted renewal first (network, store writes)');
  let recovering = false;

  program
    .command('status')
    .description('証明書の状態を表示（読み取りのみ） / show the bank certificates on this PC, their phase and days left (read-only)')
    .addOption(recoverOption)
    .action(
      action(async (o) => {
        recovering = Boolean(o.recover);
        const c = await context(o, { recoverOnRead: recovering });
        const ov = unwrap(await c.service.getOverview());
        return succeed(ov, () => printOverview(ov));
      }),
    );

  program
    .command('inspect')
    .description('証明書の詳細 / details of one certificate (for the helpdesk)')
    .option('--fingerprint <sha256>', '対象の証明書 / which certificate (default: the newest)')
    .option('--pem', 'PEMだけを出力 / print only the PEM')
    .addOption(new Option(recoverOption.flags, recoverOption.description))
    .action(
      action(async (o) => {
        const fp = o.fingerprint ? normFingerprint(String(o.fingerprint)) : undefined;
        recovering = Boolean(o.recover);
        const c = await context(o, { recoverOnRead: recovering });
        // The overview first: it finishes the interrupted renewal when asked, and says whether one waits.
        const ov = unwrap(await c.service.getOverview());
        if (ov.unfinished && !json) err(unfinishedNotice(ov.unfinished));
        const d = unwrap(await c.service.getDetails(await pickFingerprint(c, fp, ov)));
        if (o.pem && !json) {
          out(safeLines(d.pem));
          return EXIT.done;
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
        if (json) out(safeJson(report.passed ? { ok: true, result: report } : { ok: false, result: report, error: firstFail?.error }));
        else out(report.passed ? t().passed : t().failed);
        return report.passed ? EXIT.done : firstFail?.error ? exitCodeOf(firstFail.error) : EXIT.failed;
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
          if (!(await confirm(io, safe(t().confirmRenew(safe(holder)))))) {
            err(t().declined);
            return EXIT.failed;
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
          if (password === undefined) throw new Usage(`--password-env: the environment variable ${safe(String(o.passwordEnv))} is not set`);
        } else if (!isTTY) {
          throw new Usage('stdin is not a terminal: give the password with --password-env VAR');
        }
        if (!o.yes && !isTTY) throw new Usage('stdin is not a terminal: add --yes to acquire without confirmation');
        const c = await context(o);
        if (password === undefined) {
          password = await askPassword(io, t().passwordPrompt);
          if (password === null) {
            err(t().declined);
            return EXIT.failed;
          }
        }
        if (!o.yes && !(await confirm(io, safe(t().confirmAcquire(safe(loginId)))))) {
          err(t().declined);
          return EXIT.failed;
        }
        const outcome = unwrap(await c.service.acquire({ loginId, password: password ?? '' }));
        return succeed(outcome, () => printOutcome(outcome));
      }),
    );

  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput(commanderOutput);
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.done;
      return EXIT.usage;
    }
    return printError(toApiError(e));
  }
  if (program.args.length === 0 && argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
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
