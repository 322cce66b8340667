// The `certdesk` program: global options, the commands (one module each in commands/), commander's
// own output caught and re-worded, every command's errors and record handled in one place.
import { Command, CommanderError } from 'commander';
import type { ApiError } from '../../shared/contract';
import { EXIT } from '../../shared/error-policy';
import { CERTDESK_VERSION, toApiError } from '../core/compose';
import type { CliIo } from './io';
import { EXIT_TABLE } from './exit-table';
import { languageFromEnv, scanEarlyFlags } from './lang';
import { isNewPc, printError, printUsage } from './output';
import { recordRun, stateFolderRefusal } from './record';
import { safe, safeJson, safeLines } from './safe-text';
import type { CliOptions } from './options';
import { CliSession } from './session';
import { Usage, usageMessage } from './usage';
import { stateOfError } from './verdict';
import type { CommandKit } from './commands/kit';
import { registerStatus } from './commands/status';
import { registerInspect } from './commands/inspect';
import { registerDoctor } from './commands/doctor';
import { registerRenew } from './commands/renew';
import { registerAcquire } from './commands/acquire';
import { registerCheck } from './commands/check';
import { registerSchedule } from './commands/schedule';

/** In the order `certdesk --help` lists them. */
const COMMANDS = [registerStatus, registerInspect, registerDoctor, registerRenew, registerAcquire, registerCheck, registerSchedule];

export async function runCli(argv: string[], io: CliIo, opts: CliOptions = {}): Promise<number> {
  const early = scanEarlyFlags(argv);
  const s = new CliSession(io, opts, early, early.lang ?? languageFromEnv(io.env, opts.platform) ?? 'ja');

  // Commander's own output is caught: its usage errors are re-worded in the chosen language
  // (usage.ts), and with --json its help becomes part of the one JSON document.
  let captured = '';
  const commanderOutput = {
    writeOut: (x: string) => {
      if (s.json) captured += x;
      else io.stdout.write(safeLines(x));
    },
    writeErr: (x: string) => void (captured += x),
    outputError: (x: string) => void (captured += x),
  };
  const configure = (cmd: Command) => void cmd.exitOverride().configureOutput(commanderOutput);

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

  const action: CommandKit['action'] = (name, fn) => async (_a, cmd) => {
    const o = cmd.optsWithGlobals();
    if (name !== 'inspect' && name !== 'schedule') s.ran = name;
    try {
      // A status folder another user controls: refused before anything is done, not after a renewal.
      if (name !== 'inspect') await stateFolderRefusal(io.env, opts.platform);
      s.exitCode = await fn(o);
    } catch (e) {
      if (e instanceof Usage) {
        s.exitCode = printUsage(s, e.message);
        s.ran = undefined;
        return;
      }
      const api = (e as { api?: ApiError }).api ?? toApiError(e);
      s.exitCode = printError(s, api, name);
      if (name !== 'inspect' && name !== 'schedule') s.note(name, isNewPc(api, name) ? 'newPc' : stateOfError(api), { lastError: api.code });
    } finally {
      await s.settle();
    }
  };
  for (const register of COMMANDS) register(program, { session: s, action, configure });
  for (const cmd of program.commands) configure(cmd);

  if (early.badLang !== undefined) return printUsage(s, s.t().usage.badLang(safe(early.badLang)));
  if (argv.includes('--version') || argv.includes('-V')) {
    if (s.json) s.out(safeJson({ ok: true, result: { version: CERTDESK_VERSION } }));
    else s.out(`certdesk ${CERTDESK_VERSION}`);
    return EXIT.done;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && argv[0] === 'help')) {
        if (s.json) s.out(safeJson({ ok: true, result: { help: captured } }));
        return EXIT.done;
      }
      // No command at all: the help, as a usage error.
      if (e.code === 'commander.help') {
        if (!s.json) io.stderr.write(safeLines(captured));
        return s.json ? printUsage(s, s.t().usage.noCommand) : EXIT.usage;
      }
      return printUsage(s, usageMessage(e.code, e.message, s.t()) ?? s.t().usage.other(safe(e.message.replace(/^error:\s*/, ''))));
    }
    return printError(s, toApiError(e));
  }
  if (s.ran && s.record) {
    const problems = await recordRun({ version: CERTDESK_VERSION, time: new Date().toISOString(), exitCode: s.exitCode, ...s.record }, io.env, opts.platform, opts.exec);
    for (const p of problems) s.err(`certdesk: ${safe(p)}`);
  }
  return s.exitCode;
}

