// After a failure: what the renewal does with its journal (the error table's rollback rule,
// error-policy.ts `rollBack` and `resumesAtStart`), and what it tells the user about it.
import type { StepId } from '../../../shared/contract';
import { resumesAtStart as resumable, rollsBackAt } from '../../../shared/error-policy';
import { CoreError, toApiError } from '../errors';
import { custodianOf, emitStep, softwareKey, type Engine } from './engine';
import type { JournalRecord } from './journal';
import { removeOrphanKey } from './key-cleanup';

/**
 * After a failure: roll back (clear the journal) when nothing the bank issued can be
 * lost, keep it when the next start must finish the job, as the error's row says for the
 * step it ended (`rollsBackAt`). Returns the error to throw. `shown`: the step the user is
 * told failed when it is not the journal's (the bank failed while the key was made).
 */
export async function onFailure(e: Engine, rec: JournalRecord, err: unknown, fallbackStep: StepId, shown?: StepId): Promise<CoreError> {
  const error = err instanceof CoreError ? err : new CoreError('INTERNAL', `Unexpected failure: ${toApiError(err).message}`, undefined, { cause: err });
  const step = (rec.step === 'done' ? fallbackStep : rec.step) as StepId;
  const rollBack = rollsBackAt(error, step);
  const told = !rollBack && (await resumesAtStart(e, rec, step, error)) ? keptForNextStart(error) : error;
  if (told.code !== 'JOURNAL_WRITE_FAILED') emitStep(e, rec.operation, shown ?? step, 'failed', told.toApiError());
  // The journal goes only once the request's key is gone or recorded in the ledger: it may be the key's only record.
  if (rollBack && (await removeOrphanKey(e, rec))) await e.journal.clear().catch(() => undefined);
  return told;
}

/**
 * Whether the next start will finish what this failure left: the bank issued, the journal
 * keeps the certificate, the error is one the resumed run makes good (its row's
 * `resumesAtStart`), and its key is still to be had (sealed in the journal, or in the token
 * under the journal's ID).
 */
async function resumesAtStart(e: Engine, rec: JournalRecord, step: StepId, error: CoreError): Promise<boolean> {
  // At removeOld the new certificate is in and read back: the code's own words fit there.
  if (step !== 'install' && step !== 'verifyInStore') return false;
  // The resumed run installs again what the store lost (ensureInstalled); a verdict on what is
  // there (a chain the store rejects) would come back the same, so only a passing trouble counts.
  if (!rec.issuedDer || !resumable(error)) return false;
  if (softwareKey(rec)) return Boolean(rec.sealedKey);
  return Boolean(rec.keyId) && (await custodianOf(e, rec).hasKey(rec.keyId!).catch(() => false));
}

/**
 * A store's words say what it found ("the private key is not there"); only the renewal knows
 * that the journal is kept and what happens next, so it says so, and detail.resumesAtStart
 * lets the command line and the window lead with that instead of the code's generic advice.
 */
function keptForNextStart(error: CoreError): CoreError {
  const message = `${error.message} The certificate the bank issued is kept in CertDesk's renewal record: the next start of CertDesk (or certdesk status --recover) finishes the job with it. Nothing else is needed: run it again, or restart the app.`;
  return new CoreError(error.code, message, { ...error.detail, resumesAtStart: true }, { cause: error });
}
