// The NSS softoken's trust objects (CKO_NSS_TRUST): the trust NSS gives one certificate per
// usage, found by that certificate's SHA-1. Only the softoken has them; the store reads them
// in its listing and takes back the one trust earlier versions of CertDesk set.
import { CK, NSS } from './constants';
import { find, readEach, ulong, ulongBytes } from './objects';
import type { Handle, P11Session } from './session';

/** One CKO_NSS_TRUST object: the trust NSS gives one certificate, per usage. */
export interface TrustObject {
  handle: Handle;
  /** SHA-1 of the certificate it belongs to, lowercase hex. */
  certSha1: string;
  serverAuth: number;
  clientAuth: number;
  emailProtection: number;
  codeSigning: number;
}

export function trustObjects(s: P11Session): TrustObject[] {
  const types = [NSS.CKA_CERT_SHA1_HASH, NSS.CKA_TRUST_SERVER_AUTH, NSS.CKA_TRUST_CLIENT_AUTH, NSS.CKA_TRUST_EMAIL_PROTECTION, NSS.CKA_TRUST_CODE_SIGNING];
  return readEach(s, find(s, [{ type: CK.CKA_CLASS, value: NSS.CKO_NSS_TRUST }]), types).map(({ handle, values: [sha1, server, client, email, code] }) => ({
    handle,
    certSha1: sha1!.toString('hex'),
    serverAuth: ulong(server),
    clientAuth: ulong(client),
    emailProtection: ulong(email),
    codeSigning: ulong(code),
  }));
}

/** Sets the server and client auth trust of one trust object (CK_ULONG values, CKT_NSS_*). */
export function setTrust(s: P11Session, handle: Handle, usage: { serverAuth: number; clientAuth: number }): void {
  s.p11.C_SetAttributeValue(s.session, handle, [
    { type: NSS.CKA_TRUST_SERVER_AUTH, value: ulongBytes(usage.serverAuth) },
    { type: NSS.CKA_TRUST_CLIENT_AUTH, value: ulongBytes(usage.clientAuth) },
  ]);
}
