// The `certdesk` command line: the same core as the app, for IT and the helpdesk. Exit codes
// (the error policy's EXIT, the table in EXIT_TABLE and docs/it-guide.md): 0 done or healthy,
// 1 broken, 2 usage, 3 renewal not open yet (renew), 4 取得, 5 再発行, 6 renewal open,
// 7 new PC. With --json, stdout holds exactly one JSON document, usage errors included:
// { ok, result } or { ok: false, error: { code, message, … } }.
import { Command, CommanderError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiError, CertificateDetails, CertificateSummary, Language, Overview, PreflightRequest, ProgressEvent, RenewalOutcome, Result, SupportView } from '../shared/contract';
import { EXIT, exitCodeOf, validElsewhere, type ExitCode } from '../shared/error-policy';
import { jstDate, jstDayNumber } from '../shared/phase';
import { factLines } from '../shared/cert-facts';
import { errorDetailText } from '../shared/error-detail';
import { keyTypeName, requestNoteText } from '../shared/request-notes';
import { formatDay, formatInstant, groupHex } from '../shared/format';
import { CERTDESK_VERSION, toApiError } from './core/compose';
// The core (pki, EST, store, vault) loads only when a command runs: --help, usage errors
// and bad arguments answer without it.
import type { Context, ContextIntent, GlobalOptions } from './cli/context';
import type { CliIo } from './cli/io';
import type { ChromiumTransport } from './core/compose';
import { catalogs, errorHeadline, type Catalog } from './cli/messages';
import { describeChoice, parseFingerprint, type FingerprintArg } from './cli/fingerprint';
import { languageFromEnv, scanEarlyFlags } from './cli/lang';
import { askPassword, ask, confirm } from './cli/prompt';
import { pinAsker } from './cli/pin';
import { recordRun, stateFolderRefusal, type RunRecord } from './cli/record';
import { safe, safeJson, safeLines } from './cli/safe-text';
import { usageMessage } from './cli/usage';
import { certificateState, doctorVerdict, stateOfError, statusVerdict, type Verdict } from './cli/verdict';

export type { CliIo };

class Usage extends Error {}

/** The exit codes as `certdesk --help` lists them; docs/it-guide.md has the same table (a test compares them). */
export const EXIT_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.done, '完了・正常（更新は不要） done; status/doctor: healthy, nothing due'],
  [EXIT.failed, '問題あり（ネットワーク、プロキシ、信頼、ストア、鍵、ポリシー） broken: network, proxy, trust, store, key, policy'],
  [EXIT.usage, '使い方の誤り usage error'],
  [EXIT.renewalNotOpen, '更新期間前（renew のみ） renew: renewal not open yet'],
  [EXIT.useAcquire, '期限切れ・取得が必要 expired: 取得 (acquire) needed'],
  [EXIT.reissue, '再発行（お取引店） reissue at the branch'],
  [EXIT.renewalOpen, '更新期間中（renew してください） renewal is open: renew'],
  [EXIT.newPc, '証明書なし（新しいPC: 以前の証明書を失効してから取得） new PC: no certificate here; revoke the old one, then acquire'],
];

export interface CliOptions {
  /** The headless app's Chromium stack: renewal presents the OS store's certificate by fingerprint. */
  chromium?: ChromiumTransport;
  /** For tests: the OS whose record (status file path, event log) is written. */
  platform?: NodeJS.Platform;
  /** For tests: runs eventcreate. */
  exec?: (file: string, args: string[]) => Promise<void>;
  /** For tests: `check`'s notifier and lock waits. */
  checkHooks?: Partial<Pick<import('./cli/check').CheckCommandHooks, 'spawner' | 'busyWaitsMs'>>;
  /** For tests: `schedule`'s tool runner, file root, program and launchd offset. */
  scheduleEnv?: import('./cli/schedule/cli').ScheduleTestEnv;
}

type CommandName = RunRecord['command'];

export async function runCli(argv: string[], io: CliIo, opts: CliOptions = {}): Promise<number> {
  const early = scanEarlyFlags(argv);
  let lang: Language = early.lang ?? languageFromEnv(io.env, opts.platform) ?? 'ja';
  let json = early.json;
  let support: SupportView | undefined;
  let newPcGuideUrl: string | undefined;
  const t = (): Catalog => catalogs[lang];
  // Every line goes through safeLines (a value from outside that was missed still cannot drive
  // the terminal); each value from outside goes through safe() (its line breaks are not ours).
  const out = (s: string) => io.stdout.write(safeLines(s.endsWith('\n') ? s : s + '\n'));
  const err = (s: string) => io.stderr.write(safeLines(s.endsWith('\n') ? s : s + '\n'));
  const isTTY = Boolean(io.stdin.isTTY);

  /**
   * No certificate of the bank here, or 取得 refused because the account's certificate is still
   * valid (on the old PC: RENEWAL_REQUIRED, or RENEWAL_NOT_OPEN before the window): the new-PC case.
   */
  const isNewPc = (e: ApiError, command?: string) => exitCodeOf(e) === EXIT.newPc || validElsewhere(e, command === 'acquire' ? 'acquire' : 'renew');
  const exitOf = (e: ApiError, command?: string): ExitCode => (isNewPc(e, command) ? EXIT.newPc : exitCodeOf(e));
  /** Every error names the helpdesk (the policy's `support`, else where the bank lists it); a new PC gets both ways out. */
  const errorDocument = (e: ApiError, result?: unknown, command?: string) => {
    const guidance = isNewPc(e, command) ? { guidance: t().newPc(newPcGuideUrl) } : {};
    // In Japanese the message is the headline and the detail in words; in English the core's sentence.
    const message = lang === 'en' ? e.message : `${errorHeadline(t(), e, Boolean(opts.chromium), command === 'acquire' && validElsewhere(e, 'acquire'))} ${detailOf(e, command)}`;
    const error = { code: e.code, message, ...(e.detail ? { detail: e.detail } : {}), ...guidance, support: { text: t().support(support), ...(support ? { contact: support } : {}) } };
    return { ok: false, ...(result !== undefined ? { result } : {}), exitCode: exitOf(e, command), error };
  };
  /**
   * The 詳細 line: the error's detail in the reader's language. 取得 refused because the
   * certificate is valid on another PC reads as the bank's refusal for that reason, not as
   * "renewal has not opened" (the bank's code for it before the window).
   */
  const detailOf = (e: ApiError, command?: string): string =>
    command === 'acquire' && validElsewhere(e, 'acquire') && e.code === 'RENEWAL_NOT_OPEN' ? errorDetailText({ ...e, code: 'SERVER_REJECTED', detail: { ...e.detail, reason: 'RENEWAL_REQUIRED' } }, lang) : errorDetailText(e, lang);
  const printErrorText = (e: ApiError, command?: string) => {
    err(`${errorHeadline(t(), e, Boolean(opts.chromium), command === 'acquire' && validElsewhere(e, 'acquire'))} [${safe(e.code)}]`);
    err(`  ${t().detail}: ${safe(detailOf(e, command))}`);
    if (isNewPc(e, command)) err(safeLines(t().newPc(newPcGuideUrl && safe(newPcGuideUrl))));
    err(safe(t().support(support)));
  };
  const printError = (e: ApiError, command?: string): ExitCode => {
    if (json) out(safeJson(errorDocument(e, undefined, command)));
    else printErrorText(e, command);
    return exitOf(e, command);
  };

  // The window's lines: its check names, its five step lines for the seven steps (a line already
  // printed is not printed again), a check that passed with a note says it.
  let lastStepLine = '';
  const onProgress = (p: ProgressEvent) => {
    if (json) return;
    const c = t();
    if (p.kind === 'check' && p.state !== 'running') {
      const mark = p.state === 'passed' ? '✓' : p.state === 'skipped' ? '-' : '✗';
      const why = p.note ? `: ${c.notYetDue(formatDay(p.note.opensOn, lang))}` : p.state === 'skipped' ? `（${c.skipped}）` : p.error ? ` [${safe(p.error.code)}]` : '';
      err(`  ${mark} ${c.check[p.check]}${why}`);
    }
    if (p.kind === 'step' && p.state !== 'running') {
      const line = `  ${p.state === 'done' ? '✓' : p.state === 'skipped' ? '-' : '✗'} ${c.step[p.step]}`;
      if (line !== lastStepLine) err(line);
      lastStepLine = line;
    }
    if (p.kind === 'pending') err(`  ${c.pending(p.attempt, p.waitSeconds, formatInstant(p.retryAt, lang))}`);
  };

  let ctx: Context | undefined;
  const context = async (o: GlobalOptions, intent: ContextIntent = {}): Promise<Context> => {
    json = Boolean(o.json);
    if (!ctx) {
      const { buildContext } = await import('./cli/context');
      // Each line escaped as a value from outside: a bank's answer may be quoted in it.
      ctx = await buildContext(o, io.env, { progress: onProgress, log: (line) => err(safe(line)) }, opts.chromium, intent);
    }
    // The policy's language when it sets one (any layer), unless --lang said otherwise.
    const origins = ctx.loaded.origins;
    if (!early.lang && (origins ? 'language' in origins : ctx.loaded.managed.includes('language'))) lang = ctx.loaded.policy.language;
    support = ctx.loaded.policy.support;
    newPcGuideUrl = ctx.loaded.policy.newPcGuideUrl;
    return ctx;
  };
  const unwrap = <T>(r: Result<T>): T => {
    if (!r.ok) throw Object.assign(new Error(r.error.message), { api: r.error });
    return r.value;
  };
  let overviewCache: Overview | undefined;
  const overviewOf = async (c: Context): Promise<Overview> => (overviewCache ??= unwrap(await c.service.getOverview()));
  const listing = (certs: CertificateSummary[]) => certs.map((s, i) => `  ${i + 1}. ${safe(describeChoice(s, t().phase[s.phase], lang))}`).join('\n');
  const noCertificate = (): never => {
    throw Object.assign(new Error(), { api: { code: 'NO_CERTIFICATE', message: 'No certificate of the bank is in the store.' } as ApiError });
  };
  /** The certificate --fingerprint names (SHA-256 or SHA-1), else the only one, else the only one due, else the user's choice. */
  const pickCertificate = async (c: Context, given: FingerprintArg | undefined, givenText: string | undefined, preferDue: boolean): Promise<string> => {
    const certs = (await overviewOf(c)).certificates;
    if (certs.length === 0) noCertificate();
    if (given) {
      let found = given.algorithm === 'sha256' ? certs.find((x) => x.fingerprint === given.hex) : undefined;
      if (given.algorithm === 'sha1') {
        for (const x of certs) {
          const d = unwrap(await c.service.getDetails(x.fingerprint));
          if (d.sha1.replace(/:/g, '').toLowerCase() === given.hex) found = x;
        }
      }
      if (!found) throw new Usage(t().usage.noSuchFingerprint(safe(givenText ?? given.hex), listing(certs)));
      return found.fingerprint;
    }
    if (certs.length === 1) return certs[0]!.fingerprint;
    // A superseded certificate (置き換え済み) is never the one meant: the newer one beside it is.
    const current = certs.filter((x) => !x.supersededBy);
    if (current.length === 1) return current[0]!.fingerprint;
    if (preferDue) {
      const due = current.filter((x) => x.phase === 'renewable');
      if (due.length === 1) return due[0]!.fingerprint;
    }
    if (isTTY && !json) {
      err(listing(certs));
      const answer = await ask(io, t().choosePrompt(certs.length));
      const n = Number(answer?.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
      if (Number.isInteger(n) && n >= 1 && n <= certs.length) return certs[n - 1]!.fingerprint;
    }
    throw new Usage(t().usage.chooseOne(listing(certs)));
  };
  const fingerprintOption = (o: Record<string, unknown>): { arg?: FingerprintArg; text?: string } => {
    if (o.fingerprint === undefined) return {};
    const text = String(o.fingerprint);
    const arg = parseFingerprint(text);
    if (!arg) throw new Usage(t().usage.badFingerprint(safe(text)));
    return { arg, text };
  };
  /** The status file and the Windows event log, after the command: a failure to write them is only a warning. */
  let record: Omit<RunRecord, 'version' | 'time' | 'exitCode'> | undefined;
  const summaryOf = (s: CertificateSummary): RunRecord['certificate'] => ({ fingerprint: s.fingerprint, notAfter: s.notAfter, expiryDate: s.expiryDate, daysLeft: s.daysLeft, phase: s.phase });
  const note = (command: CommandName, state: RunRecord['state'], extra: Partial<RunRecord> = {}) => {
    record = { command, state, ...(overviewCache ? { certificateCount: overviewCache.certificates.length } : {}), ...extra };
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
    for (const w of o.othersChanged ?? []) err(c.othersChanged(safe(w)));
    out(c.closeBrowser);
  };
  /** The certificate's facts as the window's details screen shows them (src/shared/cert-facts.ts). */
  const printDetails = (d: CertificateDetails) => {
    for (const line of factLines(d, lang)) out(safe(line));
  };
  /** doctor: what the next request will be made of (the bank's /csrattrs against the policy). */
  const printRequest = (q: PreflightRequest) => {
    const c = t().request;
    out(`${c.title}:`);
    out(`  ${c.keyType}: ${safe(keyTypeName(q.keyType))}  ${c.hash}: ${safe(q.hash)}`);
    // The notes in the reader's language; a core without them (an older app's process) gives its lines.
    const honoured = q.notes ? q.notes.honoured.map((n) => requestNoteText(n, lang)) : q.honoured;
    const ignored = q.notes ? q.notes.ignored.map((n) => requestNoteText(n, lang)) : q.ignored;
    for (const h of honoured) out(`  ${c.honoured}: ${safe(h)}`);
    for (const i of ignored) out(`  ${c.ignored}: ${safe(i)}`);
  };
  /** An interrupted renewal that waits in the journal, and what to do about it. */
  const unfinishedNotice = (u: NonNullable<Overview['unfinished']>): string => {
    const c = t();
    return c.unfinished(u.operation, c.step[u.step] ?? safe(u.step), formatInstant(safe(u.startedAt), lang), recovering);
  };
  const printOverview = (ov: Overview) => {
    const c = t();
    out(`${safe(ov.bankName)}（${c.today}: ${formatDay(safe(ov.today), lang)}）`);
    if (ov.recovered) out(c.recovered(ov.recovered.outcome));
    if (ov.unfinished) out(unfinishedNotice(ov.unfinished));
    for (const where of new Set((ov.keysToRemove ?? []).map((k) => k.where))) out(c.keysToRemove(ov.keysToRemove!.filter((k) => k.where === where).length, safe(where)));
    for (const fp of ov.removedSuperseded ?? []) out(c.removedSuperseded(groupHex(safe(fp))));
    if (ov.certificates.length === 0) out(c.none);
    for (const s of ov.certificates) {
      out('');
      out(`${c.holder}: ${safe(s.holder)}${s.organisation ? ` (${safe(s.organisation)})` : ''}`);
      out(`  ${c.expires}: ${formatDay(safe(s.expiryDate), lang)}（${c.daysLeft(s.daysLeft)}） — ${s.supersededBy ? c.superseded : c.phase[s.phase]}`);
      if (s.supersededBy) out(`  ${c.supersededHelp(groupHex(safe(s.supersededBy)))}`);
      out(`  ${c.opensOn}: ${formatDay(safe(s.renewalOpensOn), lang)}  ${c.graceEndsOn}: ${formatDay(safe(s.graceEndsOn), lang)}`);
      out(`  ${c.fingerprint}: ${groupHex(safe(s.fingerprint))}`);
      out(`  ${c.key(s.hasPrivateKey)}`);
      if (s.noticeDue) out(`  ${c.noticeLine}`);
    }
  };

  // Commander's own output is caught: its usage errors are re-worded in the chosen language
  // (usage.ts), and with --json its help becomes part of the one JSON document.
  let captured = '';
  const commanderOutput = {
    writeOut: (s: string) => {
      if (json) captured += s;
      else io.stdout.write(safeLines(s));
    },
    writeErr: (s: string) => void (captured += s),
    outputError: (s: string) => void (captured += s),
  };

  const program = new Command('certdesk')
    .description('銀行の電子証明書を確認・更新・取得します / Checks, renews and obtains your bank client certificate')
    .option('--json', '結果をJSONで出力 / one JSON document on stdout')
    .option('--lang <ja|en>', '表示言語（既定: ポリシー、なければ LANG など） / language (default: the policy\'s, else LANG/LC_ALL or the OS)')
    .option('--policy <file>', 'このポリシーだけを使う / use only this policy file (no built-in, machine, registry or user layers)')
    .option('--store <spec>', '証明書ストア os / firefox / nss:DIR（既定: ポリシーの stores） / certificate store: os, firefox or nss:DIR (default: the policy\'s stores)')
    .option('--identity <file.p12>', '更新に使う証明書 / renewal identity (PKCS#12) when the store cannot lend its key')
    .option('--identity-password-env <var>', '上記のパスワードの環境変数 / environment variable with its password')
    .option('--pin-env <var>', '鍵のトークン（TPM・ICカード）のPINの環境変数（省略時は端末で入力） / environment variable with the key token\'s PIN (else a hidden prompt)')
    .option('-y, --yes', '確認しない / do not ask for confirmation')
    .option('--verbose', '処理の記録を標準エラーに表示 / the core\'s log lines on stderr (what the bank\'s /csrattrs asked and what was done with it)')
    .option('-V, --version', 'バージョンを表示 / print the version')
    .addHelpText('after', `\n終了コード / Exit codes:\n${EXIT_TABLE.map(([n, m]) => `  ${n}  ${m}`).join('\n')}`)
    .exitOverride()
    .configureOutput(commanderOutput)
    .showHelpAfterError(false);

  let code: ExitCode = EXIT.done;
  let ran: CommandName | undefined;
  const action =
    (name: CommandName | 'inspect' | 'schedule', fn: (o: GlobalOptions & Record<string, unknown>) => Promise<ExitCode>) =>
    async (_a: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      if (name !== 'inspect' && name !== 'schedule') ran = name;
      try {
        // A status folder another user controls: refused before anything is done, not after a renewal.
        if (name !== 'inspect') await stateFolderRefusal(io.env, opts.platform);
        code = await fn(o);
      } catch (e) {
        if (e instanceof Usage) {
          code = printUsage(e.message);
          ran = undefined;
          return;
        }
        const api = (e as { api?: ApiError }).api ?? toApiError(e);
        code = printError(api, name);
        if (name !== 'inspect' && name !== 'schedule') note(name, isNewPc(api, name) ? 'newPc' : stateOfError(api), { lastError: api.code });
      } finally {
        // An identity export started early still has its temporary folder: let it finish and remove it.
        await ctx?.settle();
      }
    };
  const printUsage = (m: string): ExitCode => {
    if (json) out(safeJson({ ok: false, exitCode: EXIT.usage, error: { code: 'INVALID_INPUT', message: m, detail: { usage: true } } }));
    else err(`certdesk: ${safeLines(m)}`);
    return EXIT.usage;
  };

  // status and inspect only read: an interrupted renewal (it talks to the bank and writes the
  // store) is finished only when asked (--recover), by renew, acquire and doctor, or by the app.
  const recoverOption = new Option('--recover', '中断した更新を完了させる / finish an interrupted renewal first (network, store writes)');
  let recovering = false;
  const fingerprintHelp = '対象の証明書（SHA-256 または SHA-1、コロン可） / which certificate: SHA-256 or SHA-1, colons optional';

  program
    .command('status')
    .description('証明書の状態を表示（読み取りのみ） / show the bank certificates on this PC, their phase and days left (read-only)')
    .addOption(recoverOption)
    .action(
      action('status', async (o) => {
        recovering = Boolean(o.recover);
        const c = await context(o, { recoverOnRead: recovering });
        const ov = await overviewOf(c);
        const v = statusVerdict(ov);
        const worst = ov.certificates.find((s) => certificateState(s) === v.state) ?? ov.certificates[0];
        note('status', v.state, { ...(worst ? { certificate: summaryOf(worst) } : {}), ...(v.error ? { lastError: v.error.code } : {}) });
        return report(v, ov, () => printOverview(ov));
      }),
    );

  program
    .command('inspect')
    .description('証明書の詳細 / details of one certificate (for the helpdesk)')
    .option('--fingerprint <sha256|sha1>', fingerprintHelp)
    .option('--pem', 'PEMだけを出力 / print only the PEM')
    .addOption(new Option(recoverOption.flags, recoverOption.description))
    .action(
      action('inspect', async (o) => {
        const fp = fingerprintOption(o);
        recovering = Boolean(o.recover);
        const c = await context(o, { recoverOnRead: recovering });
        // The overview first: it finishes the interrupted renewal when asked, and says whether one waits.
        const ov = await overviewOf(c);
        if (ov.unfinished && !json) err(unfinishedNotice(ov.unfinished));
        const d = unwrap(await c.service.getDetails(await pickCertificate(c, fp.arg, fp.text, false)));
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
    .option('--fingerprint <sha256|sha1>', fingerprintHelp)
    .action(
      action('doctor', async (o) => {
        const fp = fingerprintOption(o);
        const c = await context(o);
        const target = await pickCertificate(c, fp.arg, fp.text, true);
        const r = unwrap(await c.service.runPreflight(target));
        const v = doctorVerdict(r);
        const s = overviewCache?.certificates.find((x) => x.fingerprint === target);
        note('doctor', v.state, { ...(s ? { certificate: summaryOf(s) } : {}), ...(v.error ? { lastError: v.error.code } : {}) });
        // Where each effective field came from: the built-in policy, the user's file, the machine's file or the registry.
        // The user's fields the bank's or IT's policy overrides, and keyStorage "store" that several stores make software: said, never silent.
        const { keyStorage, stores } = c.loaded.policy;
        const severalStores = keyStorage === 'store' && !o.store && stores.length > 1;
        // macOS keeps software keys (store/macos/custodian): its own store with "store" makes one.
        const macSoftware = keyStorage === 'store' && process.platform === 'darwin' && (o.store ?? (stores.length === 1 ? stores[0] : 'os')) === 'os';
        const softwareKey = severalStores || macSoftware;
        const policy = { source: c.loaded.source, managed: c.loaded.managed, origins: c.loaded.origins ?? {}, ignored: c.loaded.ignored ?? [], ...(softwareKey ? { keyStorageEffective: 'software' } : {}) };
        return report(v, { ...r, policy }, () => {
          out(`${t().policyOrigins}:`);
          for (const [field, from] of Object.entries(policy.origins)) out(`  ${safe(field)}: ${safe(from)}${policy.managed.includes(field) ? `（${t().managed}）` : ''}`);
          for (const i of policy.ignored) out(`  ${t().policyIgnored(safe(i.field), safe(i.file), safe(i.by), i.reason)}`);
          if (severalStores) out(t().keyStorageSoftware(stores.length));
          else if (macSoftware) out(t().keyStorageSoftwareMac);
          if (r.request) printRequest(r.request);
          for (const k of r.keysWithoutCertificate ?? []) out(t().keyWithoutCertificate(safe(k.label), safe(k.keyId), k.ours));
          out(r.passed ? t().passed : v.state === 'broken' ? t().failed : t().passed);
        });
      }),
    );

  program
    .command('renew')
    .description('電子証明書を更新 / renew the certificate (inside the renewal window)')
    .option('--fingerprint <sha256|sha1>', fingerprintHelp)
    .action(
      action('renew', async (o) => {
        const fp = fingerprintOption(o);
        if (!o.yes && !isTTY) throw new Usage(t().usage.needYes('renew'));
        const c = await context(o, { renew: true, pin: pinAsker(io, o, () => lang, (m) => new Usage(m)) });
        const target = await pickCertificate(c, fp.arg, fp.text, true);
        const before = overviewCache?.certificates.find((x) => x.fingerprint === target);
        if (before) note('renew', certificateState(before), { certificate: summaryOf(before) });
        if (!o.yes) {
          const holder = before?.holder ?? target;
          if (!(await confirm(io, safe(t().confirmRenew(safe(holder)))))) {
            err(t().declined);
            return EXIT.failed;
          }
        }
        const outcome = unwrap(await c.service.renew(target));
        note('renew', 'renewed', { certificate: certificateOf(outcome.certificate) });
        return succeed(outcome, () => printOutcome(outcome));
      }),
    );

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
          password = io.env[String(o.passwordEnv)];
          if (password === undefined) throw new Usage(`--password-env: ${t().usage.envUnset(safe(String(o.passwordEnv)))}`);
        } else if (!isTTY) {
          throw new Usage(t().usage.needPasswordEnv);
        }
        if (!o.yes && !isTTY) throw new Usage(t().usage.needYes('acquire'));
        const c = await context(o, { pin: pinAsker(io, o, () => lang, (m) => new Usage(m)) });
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
        note('acquire', 'acquired', { certificate: certificateOf(outcome.certificate) });
        return succeed(outcome, () => printOutcome(outcome));
      }),
    );

  // The scheduled check and its schedule (issue 27): the bulk is in cli/check.ts and cli/schedule/.
  program
    .command('check')
    .description('定期確認（スケジューラー用）：リマインダーと、ポリシーで許可されていれば自動更新。何も尋ねず、取得はしない / the scheduled check: reminders, and automatic renewal where the policy allows; never asks, never 取得')
    .option('--no-notify', 'OSの通知を出さない / no OS notification')
    .action(
      action('check', async (o) => {
        const { checkCommand } = await import('./cli/check');
        return (await checkCommand({
          io, lang: () => lang, support: () => support, context, out, err, report, platform: opts.platform ?? process.platform,
          note: (state, extra) => note('check', state, extra),
          ...(opts.checkHooks ?? {}),
        }, o)) as ExitCode;
      }),
    );
  const scheduleCmd = program.command('schedule').description('定期確認のスケジュール（タスク スケジューラー、LaunchAgent、systemd タイマー） / the scheduled check: Task Scheduler, LaunchAgent, systemd timer');
  for (const [sub, words] of [
    ['install', '登録（何度実行しても同じ） / install (idempotent)'],
    ['remove', '削除 / remove'],
    ['status', '登録状況 / what is installed'],
  ] as const) {
    scheduleCmd
      .command(sub)
      .description(words)
      .option('--all-users', 'このPCの全ユーザー（インストーラー用、管理者） / every user of this PC (installers, as administrator or root)')
      .addOption(new Option('--first-start', 'the app\'s first start: install once, not beside an all-users schedule').hideHelp())
      .action(
        action('schedule', async (o) => {
          json = Boolean(o.json);
          const { scheduleCommand } = await import('./cli/schedule/cli');
          return (await scheduleCommand(sub, o, { env: io.env, platform: opts.platform ?? process.platform, out, err, json, ja: () => lang === 'ja', ...(opts.scheduleEnv ?? {}) })) as ExitCode;
        }),
      );
    scheduleCmd.commands.at(-1)!.exitOverride().configureOutput(commanderOutput);
  }

  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput(commanderOutput);
  }

  /** status and doctor: the verdict's exit code, its state in words, and the broken thing as the error. */
  function report(v: Verdict, result: unknown, human: () => void): ExitCode {
    if (json) {
      if (v.error) out(safeJson({ ...errorDocument(v.error, result), exitCode: v.exit, state: v.state }));
      else out(safeJson({ ok: true, exitCode: v.exit, state: v.state, result, ...(v.state === 'newPc' ? { guidance: t().newPc(newPcGuideUrl) } : {}) }));
      return v.exit;
    }
    human();
    if (v.error) printErrorText(v.error);
    if (v.state === 'newPc') out(safeLines(t().newPc(newPcGuideUrl && safe(newPcGuideUrl))));
    else out(t().state[v.state]);
    return v.exit;
  }

  if (early.badLang !== undefined) return printUsage(t().usage.badLang(safe(early.badLang)));
  if (argv.includes('--version') || argv.includes('-V')) {
    if (json) out(safeJson({ ok: true, result: { version: CERTDESK_VERSION } }));
    else out(`certdesk ${CERTDESK_VERSION}`);
    return EXIT.done;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && argv[0] === 'help')) {
        if (json) out(safeJson({ ok: true, result: { help: captured } }));
        return EXIT.done;
      }
      // No command at all: the help, as a usage error.
      if (e.code === 'commander.help') {
        if (!json) io.stderr.write(safeLines(captured));
        return json ? printUsage(t().usage.noCommand) : EXIT.usage;
      }
      return printUsage(usageMessage(e.code, e.message, t()) ?? t().usage.other(safe(e.message.replace(/^error:\s*/, ''))));
    }
    return printError(toApiError(e));
  }
  if (ran && record) {
    const problems = await recordRun({ version: CERTDESK_VERSION, time: new Date().toISOString(), exitCode: code, ...record }, io.env, opts.platform, opts.exec);
    for (const p of problems) err(`certdesk: ${safe(p)}`);
  }
  return code;
}

function certificateOf(d: CertificateDetails): RunRecord['certificate'] {
  return { fingerprint: d.sha256.replace(/:/g, '').toLowerCase(), notAfter: d.notAfter, expiryDate: jstDate(new Date(d.notAfter)), daysLeft: jstDayNumber(new Date(d.notAfter)) - jstDayNumber(new Date()), phase: 'valid' };
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
  // A rejection nobody handled is a bug, but Node's own report would print its message raw
  // (a file name with control characters in it) and end the process mid-command: it is shown
  // escaped instead, and the command's own exit code stands.
  process.on('unhandledRejection', (e) => {
    process.stderr.write(safeLines(`certdesk: internal error (please report): ${safe(e instanceof Error ? e.message : String(e))}\n`));
  });
  // No top-level await: the bundle is also built as CommonJS, which V8's code cache loads (scripts/cli-loader.mjs).
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then((code) => {
    // Let stdout drain into a pipe before exiting; exit explicitly so no idle handle keeps us alive.
    process.stdout.write('', () => process.exit(code));
  });
}
