// The keys a rolled-back or interrupted request left in a token: removed and read back where
// this run can, else recorded in the ledger of keys to remove (orphan-keys.ts) for the next run
// that can log in, so that no key is ever forgotten.
import { CoreError, toApiError } from '../errors';
import { custodianOf, keyLabel, softwareKey, type Engine } from './engine';
import { killPoint, type JournalRecord } from './journal';
import { OrphanLedger, sameKey, WORKING_LABEL, type OrphanKey } from './orphan-keys';

/**
 * A rolled-back request's key, where it lives in a token: nothing will ever use it. By its
 * ID when the journal has it, else by the working label (killed between the key's making
 * and the journal's next write). The removal is read back; a key still there (no PIN at
 * this run, a full disk) is recorded in the ledger of keys to remove (orphan-keys.ts) before
 * the caller clears the journal, and the next run that can log in removes it.
 * Resolves true when the journal may go (the key is gone or recorded), false when it must stay.
 */
export async function removeOrphanKey(e: Engine, rec: JournalRecord): Promise<boolean> {
  if (softwareKey(rec)) return true;
  const entry: OrphanKey = { keyStorage: rec.keyStorage!, ...(rec.keyId ? { keyId: rec.keyId } : {}), label: keyLabel(rec), where: '', since: new Date().toISOString(), reason: '' };
  try {
    await removeRecorded(e, entry);
    killPoint('orphanKeyRemoved');
    return true;
  } catch (err) {
    try {
      await new OrphanLedger(e.journal.dir).add({ ...entry, where: whereOf(e, entry), reason: toApiError(err).message });
      e.deps.log?.(`The key of the interrupted renewal ("${entry.label}") is still in ${whereOf(e, entry)} (${toApiError(err).message}); CertDesk removes it at the next renewal.`);
      return true;
    } catch {
      return false;
    }
  }
}

/** Removes one recorded key by its ID and working label, read back; throws while it is still there. */
async function removeRecorded(e: Engine, k: Pick<OrphanKey, 'keyStorage' | 'keyId' | 'label'>): Promise<void> {
  const custodian = custodianOf(e, { keyStorage: k.keyStorage } as JournalRecord);
  if (custodian.storage !== k.keyStorage || (k.label && !k.keyId && !custodian.removeKeysLabelled)) {
    throw new CoreError('STORE_UNAVAILABLE', `No way to reach the ${k.keyStorage} key store from this run.`, { reason: 'CUSTODIAN_UNAVAILABLE' });
  }
  if (k.keyId) await custodian.removeKey(k.keyId);
  if (k.label) await custodian.removeKeysLabelled?.(k.label);
}

function whereOf(e: Engine, k: Pick<OrphanKey, 'keyStorage'>): string {
  try {
    return custodianOf(e, { keyStorage: k.keyStorage } as JournalRecord).describe();
  } catch {
    return e.stores[0]!.describe();
  }
}

/**
 * The keys CertDesk still has to remove, removed where this run can (it has the PIN, the disk
 * has room): the ledger's, and with `scan` any key of the primary NSS db under a working label
 * ("CertDesk <uuid>", which only a request's key has before its certificate is attached) that
 * no certificate carries and no pending journal names. Resolves the ones still left (kept in
 * the ledger). Never throws: what cannot be removed now waits for the next run.
 */
export async function sweepOrphanKeys(e: Engine, o: { scan?: boolean } = {}): Promise<OrphanKey[]> {
  const ledger = new OrphanLedger(e.journal.dir);
  const listed = await ledger.read().catch(() => [] as OrphanKey[]);
  const pending = await e.journal.read().catch(() => null);
  const mine = (k: Pick<OrphanKey, 'keyId' | 'label'>) => pending !== null && ((k.keyId !== undefined && k.keyId === pending.keyId) || k.label === keyLabel(pending));
  const found = [...listed];
  if (o.scan) {
    const strays = (await e.deps.store.keysWithoutCertificate?.().catch(() => undefined)) ?? [];
    for (const k of strays) {
      const entry: OrphanKey = { keyStorage: 'store', keyId: k.keyId, label: k.label, where: e.deps.store.describe(), since: new Date().toISOString(), reason: 'a key under a working label without a certificate' };
      if (WORKING_LABEL.test(k.label) && !mine(k) && !found.some((f) => sameKey(f, entry))) found.push(entry);
    }
  }
  if (found.length === 0) return [];
  const left: OrphanKey[] = [];
  for (const k of found) {
    if (mine(k)) {
      left.push(k);
      continue;
    }
    try {
      await removeRecorded(e, k);
      e.deps.log?.(`Removed a key an interrupted renewal left (${k.label ?? k.keyId}) from ${k.where}.`);
    } catch (err) {
      left.push({ ...k, reason: toApiError(err).message });
    }
  }
  // Written only when something changed: a run without the PIN finds the same keys each time.
  if (JSON.stringify(left) !== JSON.stringify(listed)) await ledger.write(left).catch(() => undefined);
  return left;
}
