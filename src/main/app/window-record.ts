// The window leaves the record the command line leaves (issue 25): after every renewal and
// 取得 done from the window, and after the app's daily check, the per-user status file and
// the OS log entry (Windows' event log, syslog elsewhere) — written by the CLI's own writer
// (cli/record.ts), so Intune/SCCM detection reads one format whoever renewed. A cancelled or
// refused call (nothing was done) leaves none; a record that cannot be written is a log line.
import type { ApiError, Overview, Result } from '../../shared/contract';
import { EXIT, exitCodeOf } from '../../shared/error-policy';
import { outcomeCertificate, recordRun, type Exec, type RunRecord } from '../cli/record';
import { certificateState, stateOfError, statusVerdict } from '../cli/verdict';
import type { CoreCalls } from './core-client';

export interface WindowRecordDeps {
  version: string;
  env: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  exec?: Exec;
  now?: () => Date;
  warn(line: string): void;
}

export interface WindowRecord {
  /** The core's calls, renew and acquire leaving their record. */
  wrap(core: CoreCalls): CoreCalls;
  /** The daily check's record, from its overview (as `certdesk status` judges it). */
  check(overview: Result<Overview>): Promise<void>;
}

/** Nothing was done: no record (the user cancelled, another renewal runs, a refused argument). */
const NOTHING_DONE = new Set<ApiError['code']>(['CANCELLED', 'BUSY', 'INVALID_INPUT']);

export function createWindowRecord(deps: WindowRecordDeps): WindowRecord {
  const now = deps.now ?? (() => new Date());
  const write = async (r: Omit<RunRecord, 'version' | 'time'>) => {
    const problems = await recordRun({ version: deps.version, time: now().toISOString(), ...r }, deps.env, deps.platform, deps.exec);
    for (const p of problems) deps.warn(`record: ${p}`);
  };
  const after = async (command: 'renew' | 'acquire', r: Awaited<ReturnType<CoreCalls['renew']>>) => {
    if (r.ok) await write({ command, exitCode: EXIT.done, state: command === 'renew' ? 'renewed' : 'acquired', certificate: outcomeCertificate(r.value) });
    // The state by the error table's row, as the command line's record says it (cli/verdict.ts).
    else if (!NOTHING_DONE.has(r.error.code)) await write({ command, exitCode: exitCodeOf(r.error), state: stateOfError(r.error), lastError: r.error.code });
  };
  return {
    wrap: (core) => ({
      ...core,
      renew: async (fp) => {
        const r = await core.renew(fp);
        await after('renew', r);
        return r;
      },
      acquire: async (request) => {
        const r = await core.acquire(request);
        await after('acquire', r);
        return r;
      },
    }),
    async check(overview) {
      if (!overview.ok) {
        await write({ command: 'check', exitCode: exitCodeOf(overview.error), state: 'broken', lastError: overview.error.code });
        return;
      }
      const v = statusVerdict(overview.value);
      // The certificate the state is about, as `certdesk status` picks it.
      const urgent = overview.value.certificates.find((s) => certificateState(s) === v.state) ?? overview.value.certificates[0];
      await write({
        command: 'check',
        exitCode: v.exit,
        state: v.state,
        certificateCount: overview.value.certificates.length,
        ...(urgent ? { certificate: { fingerprint: urgent.fingerprint, notAfter: urgent.notAfter, expiryDate: urgent.expiryDate, daysLeft: urgent.daysLeft, phase: urgent.phase } } : {}),
        ...(v.error ? { lastError: v.error.code } : {}),
      });
    },
  };
}
