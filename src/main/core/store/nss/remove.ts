// Removing one identity from an NSS db through its token (the store's `remove`): exactly this
// certificate object and its key, by their own bytes and CKA_ID, in two token sessions: the key
// first (and its public key object), then the trust object and the certificate. Any state a
// kill leaves in between is a certificate without its key, which the listing still shows and a
// second remove(fingerprint) finishes. A key whose CKA_ID another certificate of the db uses
// stays. No other object is touched.
//
// Every removal is read back from the db opened anew: on a full disk the softoken can accept a
// destroy that key4.db never records (issue 23). A key still there stops the removal before the
// certificate goes, so the pair stays usable and the renewal's journal (kept at removeOld)
// finishes the job on the next run.
//
// What else changed meanwhile is told apart from what this removal destroyed: another writer
// (a browser, certutil) adding or deleting certificates beside a renewal is reported in
// `changedByOthers`, never blamed on CertDesk; only a certificate or key this removal itself
// destroyed beyond its target is COLLATERAL.
import { CoreError } from '../../errors';
import { killPoint } from '../../kill-points';
import { certificates, destroy, destroyKeyPair, keyObjects } from '../pkcs11/objects';
import { trustObjects } from '../pkcs11/nss-trust';
import { withNssToken } from '../pkcs11/softoken';
import type { RemoveReport } from '../types';
import { entriesOf, type Entry } from './entries';
import { readListing } from './listing';

/** `entries`: the db's listing before; `target` one of them; `where`: how errors name the db. */
export async function removeEntry(dbDir: string, where: string, entries: Entry[], target: Entry): Promise<RemoveReport> {
  const fp = target.facts.sha256;
  const der = Buffer.from(target.facts.der);
  /** CKA_IDs whose key objects this removal destroyed, and the certificates (by SHA-256) it destroyed. */
  const destroyedKeys = new Set<string>();
  const destroyedCerts = new Set<string>();
  if (target.hasKey) {
    const destroyed = await withNssToken(dbDir, 'write', (s) => destroyKeyPair(s, target.keyId, (c) => der.equals(c.der)));
    if (destroyed) {
      destroyedKeys.add(target.keyId);
      // Read back from the files (fresh), not through the softoken this process keeps initialised.
      const left = await withNssToken(dbDir, 'read', (s) => keyObjects(s, target.keyId).privateKeys.length, { fresh: true });
      if (left > 0) throw keyNotRemoved(where, target.keyId, false);
    }
    killPoint('removeOld:keyGone');
    // A signal the process handles arrives between the two sessions, as it would in a real
    // kill at this point (promise callbacks alone never let it in).
    await new Promise((resolve) => setImmediate(resolve));
  }
  await withNssToken(dbDir, 'write', (s) => {
    const sha1 = target.facts.sha1;
    for (const tr of trustObjects(s)) if (tr.certSha1 === sha1) destroy(s, tr.handle);
    for (const c of certificates(s)) {
      if (!der.equals(c.der)) continue;
      destroy(s, c.handle);
      destroyedCerts.add(fp);
    }
  });
  const listing = await readListing(dbDir, { fresh: true });
  const after = entriesOf(listing);
  if (after.some((e) => e.facts.sha256 === fp)) throw new CoreError('STORE_WRITE_FAILED', `The certificate could not be removed from ${where}. Close all browsers and try again.`, { reason: 'STILL_LISTED' });
  // The key read back once more: a certificate gone with its key still there would be an orphan no listing shows.
  if (destroyedKeys.has(target.keyId) && listing.keyIds.has(target.keyId) && !after.some((e) => e.keyId === target.keyId)) throw keyNotRemoved(where, target.keyId, true);
  const changedByOthers: string[] = [];
  for (const e of entries) {
    if (e.facts.sha256 === fp) continue;
    const now = after.find((a) => a.facts.sha256 === e.facts.sha256);
    const lostKey = e.hasKey && now !== undefined && !now.hasKey;
    if (now && !lostKey) continue;
    // Ours only if this removal destroyed it: the target's certificate bytes or key ID.
    if (destroyedCerts.has(e.facts.sha256) || (lostKey && destroyedKeys.has(e.keyId))) {
      throw new CoreError('STORE_WRITE_FAILED', `Removing one certificate disturbed another in ${where} (${e.nickname}). Re-install it with CertDesk.`, { reason: 'COLLATERAL' });
    }
    changedByOthers.push(`"${e.nickname}" (sha256 ${e.facts.sha256.slice(0, 16)}…) ${now ? 'lost its private key' : 'was removed'}`);
  }
  return changedByOthers.length > 0 ? { changedByOthers } : {};
}

function keyNotRemoved(where: string, keyId: string, certificateGone: boolean): CoreError {
  const state = certificateGone
    ? 'The certificate is gone but its private key is still there; CertDesk removes that key at the next renewal.'
    : 'The certificate and its key were both left in place, and the next run removes them.';
  return new CoreError('STORE_WRITE_FAILED', `The private key (ID ${keyId.slice(0, 16)}…) could not be deleted from ${where}: the db did not record the deletion (is its disk full?). ${state} Free some disk space and run CertDesk again.`, { reason: 'KEY_NOT_REMOVED', keyId, certificateGone });
}
