// What every part of the renewal shares: the engine (deps, journal, stores, the key's
// custodian), its progress events and journal writes, the EST client it talks to the bank with,
// and which custodian holds a journal's key.
import type { ApiError, StepId } from '../../../shared/contract';
import { CoreError } from '../errors';
import { EstClient, type EstTransport } from '../est';
import type { CertificateStore, Custody, KeyCustodian } from '../store';
import { killPoint, type Journal, type JournalRecord } from './journal';
import type { RenewalDeps } from './types';
import { mark } from '../timing';

export interface Engine {
  deps: RenewalDeps;
  journal: Journal;
  /** Every store the renewal writes, the primary (deps.store) first. */
  stores: CertificateStore[];
  /** Where the key of a new request is made and kept, decided once for the run (store/custody-decision). */
  custody: Custody;
  anchorsDer: Uint8Array[];
  signal: AbortSignal;
}

export interface Credentials {
  loginId: string;
  password: string;
}

export const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
export const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export function emitStep(e: Engine, op: JournalRecord['operation'], step: StepId, state: 'running' | 'done' | 'failed' | 'skipped', error?: ApiError): void {
  mark(`${step}:${state}`);
  e.deps.emit('progress', error ? { kind: 'step', operation: op, step, state, error } : { kind: 'step', operation: op, step, state });
}

export async function record(e: Engine, rec: JournalRecord, step: JournalRecord['step']): Promise<void> {
  rec.step = step;
  await e.journal.write(rec);
  killPoint(step);
}

export function newClient(e: Engine, transport: EstTransport, op: JournalRecord['operation']): EstClient {
  return new EstClient({
    baseUrl: e.deps.policy.endpoint,
    transport,
    anchorsDer: e.anchorsDer,
    pendingMaxAttempts: e.deps.policy.pendingMaxAttempts,
    onPending: (p) => e.deps.emit('progress', { kind: 'pending', operation: op, attempt: p.attempt, retryAt: p.retryAt.toISOString(), waitSeconds: Math.ceil(p.waitMs / 1000) }),
    ...(e.deps.sleep ? { sleep: e.deps.sleep } : {}),
  });
}

export function checkClock(e: Engine, serverDate: Date | undefined): void {
  if (!serverDate) return;
  const now = (e.deps.now ?? (() => new Date()))();
  const skew = Math.round(Math.abs(now.getTime() - serverDate.getTime()) / 1000);
  if (skew > e.deps.policy.maxClockSkewSeconds) {
    throw new CoreError(
      'CLOCK_SKEW',
      `This PC's clock differs from the bank's by ${skew} seconds (allowed: ${e.deps.policy.maxClockSkewSeconds}). Set the clock to the correct time, then try again.`,
      { skewSeconds: skew, serverDate: serverDate.toISOString() },
    );
  }
}

/** Whether the journal's key is a software one (made in CertDesk, sealed in the journal); earlier versions knew no other. */
export function softwareKey(rec: JournalRecord): boolean {
  return (rec.keyStorage ?? 'software') === 'software';
}

/** The custodian of the journal's key, as the custody decision names it for the key's kind (the policy may have changed since). */
export function custodianOf(e: Engine, rec: JournalRecord): KeyCustodian {
  return e.custody.of(rec.keyStorage ?? 'software').custodian();
}

/** The working label of the key a journal's request makes: it names the key before the journal has its ID. */
export function keyLabel(rec: JournalRecord): string {
  return `CertDesk ${rec.id}`;
}

export function cancelled(): CoreError {
  return new CoreError('CANCELLED', 'The renewal was cancelled. Nothing was changed.');
}
