// Finding and reading a token's objects over one open session (session.ts): certificates and
// key pairs by CKA_ID, as every target has them (the NSS db's softoken, softhsm2, tpm2-pkcs11,
// a smart card). Synchronous, like the session they run in. Objects are addressed by their
// exact bytes (certificate DER, key CKA_ID), never by a label alone: NSS files a renewed
// holder's certificates under one nickname (CKA_LABEL).
//
// Two token quirks are handled here for every target: an object another writer (a browser,
// certutil) deleted between the search and the read is skipped (CKR_OBJECT_HANDLE_INVALID is
// their change, not a broken token), and an attribute the object lacks reads as empty
// (tpm2-pkcs11 fails the whole C_GetAttributeValue when one named attribute is missing, as a
// CA certificate's CKA_ID is).
import type { ReasonOf } from '../../../../shared/contract';
import { CoreError } from '../../errors';
import { certificateObjectFields } from '../../pki';
import { CK, CKR } from './constants';
import { ckrOf, codeOf, type Handle, type P11Session } from './session';

export type Template = Array<{ type: number; value: number | boolean | Buffer | string }>;

/** Handles of the objects that match the template. */
export function find(s: P11Session, template: Template): Handle[] {
  s.p11.C_FindObjectsInit(s.session, template);
  const out: Handle[] = [];
  try {
    for (;;) {
      const batch = s.p11.C_FindObjects(s.session, 256);
      if (batch.length === 0) break;
      out.push(...batch);
    }
  } finally {
    s.p11.C_FindObjectsFinal(s.session);
  }
  return out;
}

/**
 * The attributes of each found object (empty where it lacks one), in one call per object where
 * the token allows it; an object gone since the search is left out.
 */
export function readEach(s: P11Session, handles: Handle[], types: number[]): Array<{ handle: Handle; values: Buffer[] }> {
  const out: Array<{ handle: Handle; values: Buffer[] }> = [];
  for (const handle of handles) {
    try {
      out.push({ handle, values: attributes(s, handle, types) });
    } catch (err) {
      if (codeOf(err) !== CKR.OBJECT_HANDLE_INVALID) throw err;
    }
  }
  return out;
}

function attributes(s: P11Session, h: Handle, types: number[]): Buffer[] {
  try {
    return s.p11.C_GetAttributeValue(s.session, h, types.map((type) => ({ type }))).map((a) => (Buffer.isBuffer(a.value) ? a.value : Buffer.alloc(0)));
  } catch (err) {
    if (codeOf(err) === CKR.OBJECT_HANDLE_INVALID) throw err;
    // One attribute the object lacks fails the whole call on some tokens: each one alone.
    return types.map((type) => {
      try {
        const v = s.p11.C_GetAttributeValue(s.session, h, [{ type }])[0]?.value;
        return Buffer.isBuffer(v) ? v : Buffer.alloc(0);
      } catch (one) {
        if (codeOf(one) === CKR.OBJECT_HANDLE_INVALID) throw one;
        return Buffer.alloc(0);
      }
    });
  }
}

/** One attribute that must be there (a key's public half): its absence is the token's error. */
export function attr(s: P11Session, h: Handle, type: number): Uint8Array {
  const v = s.p11.C_GetAttributeValue(s.session, h, [{ type }])[0]?.value;
  if (!Buffer.isBuffer(v)) throw tokenError(s, 'returned no public key', new Error(`attribute 0x${type.toString(16)} missing`), 'KEYGEN_FAILED');
  return new Uint8Array(v);
}

/** A number attribute (CK_ULONG, little-endian as the platform's long), 0 when empty. */
export function ulong(b: Buffer | undefined): number {
  return b && b.length >= 4 ? b.readUInt32LE(0) : 0;
}

/** CK_ULONG for a template: 8 bytes on 64-bit Linux, as the softoken reads it. */
export function ulongBytes(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

export interface TokenCertificate {
  handle: Handle;
  der: Uint8Array;
  /** CKA_ID, lowercase hex ('' for none): the private key of this certificate carries the same. */
  keyId: string;
  /** CKA_LABEL, the exact bytes as UTF-8 (NSS: the nickname). */
  label: string;
}

/** The token's certificate objects, all or those of one CKA_ID. */
export function certificates(s: P11Session, keyId?: string): TokenCertificate[] {
  const template: Template = [{ type: CK.CKA_CLASS, value: CK.CKO_CERTIFICATE }];
  if (keyId !== undefined) template.push({ type: CK.CKA_ID, value: Buffer.from(keyId, 'hex') });
  return readEach(s, find(s, template), [CK.CKA_VALUE, CK.CKA_ID, CK.CKA_LABEL]).map(({ handle, values: [value, id, label] }) => ({
    handle,
    der: new Uint8Array(value!),
    keyId: id!.toString('hex'),
    label: label!.toString('utf8'),
  }));
}

/** Object handles of the key pair with this CKA_ID. */
export function keyObjects(s: P11Session, keyId: string): { privateKeys: Handle[]; publicKeys: Handle[] } {
  const id = Buffer.from(keyId, 'hex');
  return {
    privateKeys: find(s, [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }, { type: CK.CKA_ID, value: id }]),
    publicKeys: find(s, [{ type: CK.CKA_CLASS, value: CK.CKO_PUBLIC_KEY }, { type: CK.CKA_ID, value: id }]),
  };
}

/** The private keys (CKA_ID hex, CKA_LABEL), all or those with this label. */
export function privateKeys(s: P11Session, label?: string): Array<{ keyId: string; label: string }> {
  const template: Template = [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }];
  if (label !== undefined) template.push({ type: CK.CKA_LABEL, value: Buffer.from(label, 'utf8') });
  return readEach(s, find(s, template), [CK.CKA_ID, CK.CKA_LABEL]).map(({ values: [id, l] }) => ({ keyId: id!.toString('hex'), label: l!.toString('utf8') }));
}

/** CKA_IDs (hex) of all private keys: the listing's (one attribute each, no label). */
export function privateKeyIds(s: P11Session): Set<string> {
  return new Set(readEach(s, find(s, [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }]), [CK.CKA_ID]).map(({ values: [id] }) => id!.toString('hex')));
}

/** CKA_IDs (hex) of the private keys with this CKA_LABEL. */
export function keyIdsLabelled(s: P11Session, label: string): string[] {
  return privateKeys(s, label).map((k) => k.keyId);
}

/**
 * Destroys the key pair (private and public objects) of this CKA_ID, unless a certificate
 * other than those `goes` accepts still carries that ID: a key a certificate uses is no orphan.
 * True when it was destroyed (or there was none to keep).
 */
export function destroyKeyPair(s: P11Session, keyId: string, goes: (c: TokenCertificate) => boolean = () => false): boolean {
  if (!keyId || certificates(s, keyId).some((c) => !goes(c))) return false;
  const k = keyObjects(s, keyId);
  for (const h of [...k.privateKeys, ...k.publicKeys]) s.p11.C_DestroyObject(s.session, h);
  return true;
}

/** Destroys one object (a certificate, a trust object). */
export function destroy(s: P11Session, handle: Handle): void {
  s.p11.C_DestroyObject(s.session, handle);
}

export function destroyQuietly(s: P11Session, handles: Handle[]): void {
  for (const h of handles) {
    try {
      s.p11.C_DestroyObject(s.session, h);
    } catch {
      // Already gone, or the token refuses: the caller reads back what is left.
    }
  }
}

/** Sets CKA_LABEL on the key pair of this CKA_ID; a token that keeps labels fixed still pairs by ID. */
export function relabelKeyPair(s: P11Session, keyId: string, label: string): void {
  const k = keyObjects(s, keyId);
  for (const h of [...k.privateKeys, ...k.publicKeys]) {
    try {
      s.p11.C_SetAttributeValue(s.session, h, [{ type: CK.CKA_LABEL, value: label }]);
    } catch {
      // Only the name shown differs.
    }
  }
}

/**
 * A certificate object beside its key (same CKA_ID), as NSS's own import makes one. `keyId`
 * empty: chain material (a CA certificate), no key and no trust object: trust stays the
 * store's business.
 */
export function putCertificate(s: P11Session, der: Uint8Array, keyId: string, label: string): Handle {
  const f = certificateObjectFields(der);
  const template: Template = [
    { type: CK.CKA_CLASS, value: CK.CKO_CERTIFICATE },
    { type: CK.CKA_CERTIFICATE_TYPE, value: CK.CKC_X_509 },
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_PRIVATE, value: false },
    { type: CK.CKA_LABEL, value: label },
    { type: CK.CKA_SUBJECT, value: Buffer.from(f.subjectDer) },
    { type: CK.CKA_ISSUER, value: Buffer.from(f.issuerDer) },
    { type: CK.CKA_SERIAL_NUMBER, value: Buffer.from(f.serialDer) },
    { type: CK.CKA_VALUE, value: Buffer.from(der) },
  ];
  if (keyId) template.push({ type: CK.CKA_ID, value: Buffer.from(keyId, 'hex') });
  try {
    return s.p11.C_CreateObject(s.session, template);
  } catch (err) {
    throw tokenError(s, 'refused the certificate', err, 'CERT_REFUSED');
  }
}

export function tokenError(s: Pick<P11Session, 'where'>, what: string, err: unknown, reason: ReasonOf<'STORE_WRITE_FAILED'>): CoreError {
  return new CoreError('STORE_WRITE_FAILED', `The token (${s.where}) ${what} (${ckrOf(err)}). Check that the token is present and not full, then try again.`, { reason }, { cause: err });
}
