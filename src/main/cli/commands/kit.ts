// What every command's module gets from the program: the run's session, the wrapper that turns
// a command's body into commander's action (state folder check, errors, record, settle), and the
// options several commands share.
import { Option, type Command } from 'commander';
import type { CertificateSummary } from '../../../shared/contract';
import type { ExitCode } from '../../../shared/error-policy';
import type { GlobalOptions } from '../context';
import type { RunRecord } from '../record';
import type { CliSession, CommandName } from '../session';

export type CommandOptions = GlobalOptions & Record<string, unknown>;

export interface CommandKit {
  session: CliSession;
  /** The command's body as commander's action; `name` is what the record and the errors call it. */
  action(name: CommandName | 'inspect' | 'schedule', fn: (o: CommandOptions) => Promise<ExitCode>): (_args: unknown, cmd: Command) => Promise<void>;
  /** Commander's own output for a subcommand: caught, as the program's is. */
  configure(cmd: Command): void;
}

export const fingerprintHelp = '対象の証明書（SHA-256 または SHA-1、コロン可） / which certificate: SHA-256 or SHA-1, colons optional';

/**
 * status and inspect only read: an interrupted renewal (it talks to the bank and writes the
 * store) is finished only when asked (--recover), by renew, acquire and doctor, or by the app.
 */
export const recoverOption = (): Option => new Option('--recover', '中断した更新を完了させる / finish an interrupted renewal first (network, store writes)');

/** The record's view of a certificate: the core's overview's own fields. */
export const summaryOf = (s: CertificateSummary): RunRecord['certificate'] => ({ fingerprint: s.fingerprint, notAfter: s.notAfter, expiryDate: s.expiryDate, daysLeft: s.daysLeft, phase: s.phase });

