// The key of a new request, started before the bank's /csrattrs has answered (issue 29): the
// token generates it on the thread pool while cacerts and csrattrs are read, instead of after
// them. It is made of the policy's key type, which is what the request uses unless csrattrs
// asks for another type (and the policy leaves keyType to the bank): then the early key is
// removed from the token, the removal read back, and a key of the asked type is made.
import type { KeyType } from '../../../shared/policy';
import { toApiError } from '../errors';
import type { KeyCustodian } from '../store';
import { OrphanLedger } from './orphan-keys';

export interface EarlyKey {
  keyId: string;
  keyType: KeyType;
}

/**
 * Starts the key where the custodian can make one ahead of its request; undefined where it
 * cannot. Never rejects: a failed early key leaves the request to make its own (and to report
 * the token's error itself).
 */
export function startEarlyKey(custodian: KeyCustodian, keyType: KeyType, label: string): Promise<EarlyKey | undefined> {
  if (!custodian.generateKey) return Promise.resolve(undefined);
  return custodian.generateKey({ keyType, label }).catch(() => undefined);
}

/**
 * The ID of the early key when it is of the type the request needs. Otherwise it is removed
 * (custodian.removeKey reads the removal back) and undefined comes back: the request makes a
 * key of its own. A key the token keeps goes into the ledger of keys to remove (a later run
 * removes it), as a rolled-back request's key does; it does not stop this renewal.
 */
export async function earlyKeyFor(
  early: EarlyKey | undefined,
  keyType: KeyType,
  o: { custodian: KeyCustodian; journalDir: string; log?: (line: string) => void },
): Promise<string | undefined> {
  if (!early) return undefined;
  if (early.keyType === keyType) return early.keyId;
  try {
    await o.custodian.removeKey(early.keyId);
  } catch (err) {
    const reason = toApiError(err).message;
    await new OrphanLedger(o.journalDir).add({ keyStorage: o.custodian.storage, keyId: early.keyId, where: o.custodian.describe(), since: new Date().toISOString(), reason }).catch(() => undefined);
    o.log?.(`The ${early.keyType} key made while the bank's answer was awaited is still in ${o.custodian.describe()} (${reason}); CertDesk removes it at the next renewal.`);
  }
  return undefined;
}
