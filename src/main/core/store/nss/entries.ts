// The NSS store's view of a listing: each certificate parsed once, with its nickname, its key's
// CKA_ID, its trust object and whether the db holds that key.
import { tryCertFacts, type CertFacts } from '../certs';
import type { StoredIdentity } from '../types';
import type { Listing, Trust } from './listing';

export interface Entry {
  facts: CertFacts;
  nickname: string;
  /** CKA_ID of the certificate object: its private key carries the same. */
  keyId: string;
  /** The certificate's trust object, if NSS keeps one for it. */
  trust: Trust | undefined;
  hasKey: boolean;
}

/** One entry per distinct certificate (by SHA-256); objects that do not parse are left out. */
export function entriesOf({ certs, keyIds, trust }: Listing): Entry[] {
  const seen = new Map<string, Entry>();
  for (const c of certs) {
    const facts = tryCertFacts(c.der);
    if (!facts || seen.has(facts.sha256)) continue;
    seen.set(facts.sha256, { facts, nickname: c.nickname, keyId: c.keyId, trust: trust.get(facts.sha1), hasKey: c.keyId !== '' && keyIds.has(c.keyId) });
  }
  return [...seen.values()];
}

export function identity(e: Entry): StoredIdentity {
  return { fingerprint: e.facts.sha256, certificateDer: e.facts.der, hasPrivateKey: e.hasKey, nickname: e.nickname };
}
