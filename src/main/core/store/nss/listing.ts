// What an NSS db holds, read from its token in one PKCS#11 session: every certificate object
// with its exact nickname bytes and CKA_ID, the private keys' CKA_IDs and the trust objects.
// Bytes only, no certificate parsing, so that the command line can start the listing
// before the PKI code has even loaded.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { withNssToken } from '../pkcs11/softoken';
import { certificates, privateKeyIds } from '../pkcs11/objects';
import { trustObjects, type TrustObject } from '../pkcs11/nss-trust';

export interface ListedCert {
  /** CKA_LABEL as NSS stores it: the nickname. */
  nickname: string;
  der: Uint8Array;
  /** CKA_ID, lowercase hex: the private key of this certificate carries the same. */
  keyId: string;
}
export type Trust = Omit<TrustObject, 'handle' | 'certSha1'>;

export interface Listing {
  certs: ListedCert[];
  /** CKA_IDs of the private keys, lowercase hex. */
  keyIds: Set<string>;
  /** Trust objects by the SHA-1 of their certificate (lowercase hex). */
  trust: Map<string, Trust>;
}

/** `fresh`: the db opened anew from its files (a removal's read-back), not the softoken kept initialised. */
export async function readListing(dbDir: string, o: { fresh?: boolean } = {}): Promise<Listing> {
  return withNssToken(dbDir, 'read', (s) => {
    const certs = certificates(s).map(({ label, der, keyId }) => ({ nickname: label, der, keyId }));
    const trust = new Map(trustObjects(s).map(({ certSha1, serverAuth, clientAuth, emailProtection, codeSigning }) => [certSha1, { serverAuth, clientAuth, emailProtection, codeSigning }]));
    return { certs, keyIds: privateKeyIds(s), trust };
  }, o);
}

export function sha1Of(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex');
}

/** Size, inode, modification and change time (ns) of the two files a listing reads; null if unreadable. */
export function dbStamp(dbDir: string): string | null {
  try {
    return ['cert9.db', 'key4.db']
      .map((f) => {
        const st = statSync(join(dbDir, f), { bigint: true });
        return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      })
      .join('|');
  } catch {
    return null;
  }
}
