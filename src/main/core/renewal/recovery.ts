// Recovery of an interrupted renewal: finishes or rolls back what the journal holds, before
// any other method runs. Cheap when there is nothing to do: no lock, no store, no network.
import type { Session } from './session';
import { OrphanLedger } from './orphan-keys';
import { newClient, type Credentials } from './engine';
import { onFailure } from './failure';
import { removeOrphanKey, sweepOrphanKeys } from './key-cleanup';
import { advance } from './steps';
import type { RecoveryOutcome, RenewalDeps } from './types';

export interface Recovery {
  recover(opts?: { credentials?: Credentials }): Promise<RecoveryOutcome | null>;
  /** The last outcome, for the overview of a later call. */
  last(): RecoveryOutcome | null;
}

export function createRecovery(session: Session): Recovery {
  const { deps, journal } = session;
  let lastRecovery: RecoveryOutcome | null = null;

  async function recoverLocked(signal: AbortSignal, credentials?: Credentials): Promise<RecoveryOutcome | null> {
    const rec = await journal.read();
    if (!rec) return null;
    const e = session.engine(signal);
    const op = rec.operation;
    if (rec.step === 'generateKey' || rec.step === 'buildRequest' || rec.step === 'done') {
      // Killed before the request went out: its key (if the token made it) is no one's. The
      // journal goes only once that key is gone or in the ledger of keys to remove.
      if (rec.step !== 'done' && !(await removeOrphanKey(e, rec))) {
        return { outcome: 'pending', operation: op, error: { code: 'JOURNAL_WRITE_FAILED', message: 'The interrupted renewal was not rolled back yet: its key could not be removed from the token nor recorded for later. Free some disk space, then run CertDesk again.' } };
      }
      await journal.clear();
      return { outcome: 'rolledBack', operation: op };
    }
    let transport: ReturnType<RenewalDeps['transportFor']> | undefined;
    try {
      const live: Parameters<typeof advance>[2] = { resuming: true };
      if (rec.step === 'send') {
        if (op === 'acquire') {
          if (!credentials) {
            return {
              outcome: 'pending',
              operation: op,
              error: { code: 'ACQUIRE_REQUIRED', message: 'An interrupted 取得 waits for your login ID and password: run 取得 again to finish it with the same request.' },
            };
          }
          live.credentials = credentials;
          transport = deps.transportFor();
        } else {
          const old = rec.oldFingerprint!;
          const listed = await deps.store.list(session.anchorsDer);
          if (!listed.some((s) => s.fingerprint === old && s.hasPrivateKey)) {
            // The authenticating certificate is gone: the request cannot be resent, and nothing was installed.
            if (await removeOrphanKey(e, rec)) await journal.clear();
            return {
              outcome: 'rolledBack',
              operation: op,
              error: {
                code: 'NO_CERTIFICATE',
                message: `The certificate of the interrupted renewal (sha256 ${old}) is no longer in ${deps.store.describe()} with its key, so its request cannot be sent again. Renew with the certificate you have, or obtain a new one (取得).`,
              },
            };
          }
          transport = deps.transportFor(await session.identityFor(old));
        }
        live.client = newClient(e, transport, op);
      }
      const out = await advance(e, rec, live);
      return { outcome: 'resumed', operation: op, fingerprint: out.certificate.sha256 };
    } catch (err) {
      const error = await onFailure(e, rec, err, 'send');
      const cleared = (await journal.read().catch(() => rec)) === null;
      return { outcome: cleared ? 'rolledBack' : 'pending', operation: op, error: error.toApiError() };
    } finally {
      transport?.close();
    }
  }

  return {
    async recover(opts = {}) {
      if (session.busy()) return null;
      const ledger = new OrphanLedger(journal.dir);
      const waiting = (await ledger.read().catch(() => [])).length > 0;
      if (!(await journal.read()) && !waiting) return null;
      const r = await session.exclusive(async (signal) => {
        const out = await recoverLocked(signal, opts.credentials);
        // Keys earlier runs could not remove: removed where this run can (it has the PIN), else kept in the ledger.
        await sweepOrphanKeys(session.engine(signal));
        return out;
      });
      if (r) lastRecovery = r;
      return r;
    },
    last: () => lastRecovery,
  };
}
