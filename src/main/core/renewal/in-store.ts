// Several stores: a store's failure is named with its store (message and detail.store) and
// each store's progress goes into the journal, so that the next start knows where to go on.
import { CoreError } from '../errors';
import type { CertificateStore } from '../store';
import type { Engine } from './engine';
import { killPoint, type JournalRecord, type StoreProgress } from './journal';
import type { ErrorCode } from '../../../shared/contract';

/**
 * With several stores, a store's failure names the store (message and detail.store), and the
 * others are said to be consistent: the journal is kept, so the next start finishes the job.
 * One store alone keeps its CoreErrors as they are. Anything else a store throws (a tool
 * wrapper's Error, a bug's TypeError) is named with its store whatever their number: INTERNAL
 * for a programming error, else STORE_WRITE_FAILED, the original kept as the cause.
 */
export async function inStore<T>(e: Engine, store: CertificateStore, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const name = store.describe();
    if (!(err instanceof CoreError)) throw unexpectedInStore(name, err);
    if (e.stores.length < 2 || err.code === 'CANCELLED') throw err;
    const message = err.message.includes(name) ? err.message : `${name}: ${err.message}`;
    throw new CoreError<ErrorCode>(err.code, message, { ...err.detail, store: name }, { cause: err });
  }
}

function unexpectedInStore(name: string, err: unknown): CoreError {
  const bug = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return bug
    ? new CoreError('INTERNAL', `${name}: unexpected failure (${what}).`, { store: name, reason: 'UNEXPECTED' }, { cause: err })
    : new CoreError('STORE_WRITE_FAILED', `${name} could not be written or read (${what}).`, { store: name, reason: 'UNEXPECTED' }, { cause: err });
}

/** Several stores: each one's progress goes into the journal (diagnostics, the next start's check); a kill point after each. */
export async function progress(e: Engine, rec: JournalRecord, store: CertificateStore, i: number, done: StoreProgress): Promise<void> {
  if (e.stores.length < 2) return;
  rec.storeProgress = { ...rec.storeProgress, [store.describe()]: done };
  await e.journal.write(rec);
  killPoint(`${rec.step}:store${i + 1}`);
}
