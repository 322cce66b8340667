// Key pairs and certificate objects inside a PKCS#11 token, over one open session: the
// operations every token custodian shares (the NSS db's softoken, softhsm2, tpm2-pkcs11, a
// smart card). Synchronous, like the session they run in, but for the key generation (generateKeyPair).
//
// The key's CKA_ID follows NSS's convention, SHA-1 of the RSA modulus or of the EC point:
// NSS (a browser with the module registered, certutil, pk12util) then pairs with the key
// any certificate of that public key, also one added later by another tool.
import { createHash, randomBytes } from 'node:crypto';
import type * as Pkcs11Module from 'pkcs11js';
import type { KeyType } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import { certificateObjectFields, digestInfo, ecdsaRawToDer, ecPointOf, p256Spki, rsaSpki, type RequestHash, type RequestKeyAlgorithm } from '../../pki';

export type Pkcs11 = InstanceType<typeof Pkcs11Module.PKCS11>;
export type Handle = Buffer;

export interface P11Session {
  p11: Pkcs11;
  session: Handle;
  /** For errors: "NSS db /home/u/.pki/nssdb", "token CertDesk in /usr/lib/softhsm/libsofthsm2.so". */
  where: string;
}

/** How a token wants its key templates (measured per token; see the tests). */
export interface TemplateProfile {
  /** CKA_EXTRACTABLE of the private key. */
  extractable: boolean;
  /** The CKA_ID is set after generation (it depends on the public key); false: a token that refuses keeps the random ID it was made with. */
  idMustFollowConvention: boolean;
}

// Standard PKCS#11 numbers (pkcs11t.h), so that the module need not be loaded to name them.
export const CK = {
  CKA_CLASS: 0x0,
  CKA_TOKEN: 0x1,
  CKA_PRIVATE: 0x2,
  CKA_LABEL: 0x3,
  CKA_VALUE: 0x11,
  CKA_CERTIFICATE_TYPE: 0x80,
  CKA_ISSUER: 0x81,
  CKA_SERIAL_NUMBER: 0x82,
  CKA_KEY_TYPE: 0x100,
  CKA_SUBJECT: 0x101,
  CKA_ID: 0x102,
  CKA_SENSITIVE: 0x103,
  CKA_SIGN: 0x108,
  CKA_VERIFY: 0x10a,
  CKA_MODULUS: 0x120,
  CKA_MODULUS_BITS: 0x121,
  CKA_PUBLIC_EXPONENT: 0x122,
  CKA_PRIVATE_EXPONENT: 0x123,
  CKA_EXTRACTABLE: 0x162,
  CKA_EC_PARAMS: 0x180,
  CKA_EC_POINT: 0x181,
  CKO_CERTIFICATE: 1,
  CKO_PUBLIC_KEY: 2,
  CKO_PRIVATE_KEY: 3,
  CKC_X_509: 0,
  CKM_RSA_PKCS_KEY_PAIR_GEN: 0x0,
  CKM_RSA_PKCS: 0x1,
  CKM_EC_KEY_PAIR_GEN: 0x1040,
  CKM_ECDSA: 0x1041,
} as const;

/** DER of the P-256 curve's OID (CKA_EC_PARAMS). */
const P256_PARAMS = Buffer.from('06082a8648ce3d030107', 'hex');

export interface GeneratedKey {
  /** CKA_ID, lowercase hex. */
  keyId: string;
  spkiDer: Uint8Array;
  algorithm: RequestKeyAlgorithm;
  privateKey: Handle;
}

/**
 * A key pair made inside the token: token objects, the private one private, sensitive, signing
 * only. The generation itself runs on Node's thread pool (C_GenerateKeyPairAsync): an RSA key
 * takes the softoken 30–200 ms, during which the bank's cacerts and csrattrs answers are read
 * (issue 29). The caller's session stays open, and no other call enters the token meanwhile
 * (the runners run one operation at a time).
 */
export async function generateKeyPair(s: P11Session, keyType: KeyType, label: string, profile: TemplateProfile): Promise<GeneratedKey> {
  const { p11, session } = s;
  const tempId = randomBytes(20);
  const common = [
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_LABEL, value: label },
    { type: CK.CKA_ID, value: tempId },
  ];
  const privateTemplate = [
    ...common,
    { type: CK.CKA_PRIVATE, value: true },
    { type: CK.CKA_SENSITIVE, value: true },
    { type: CK.CKA_EXTRACTABLE, value: profile.extractable },
    { type: CK.CKA_SIGN, value: true },
  ];
  const ec = keyType === 'ecdsaP256';
  const bits = keyType === 'rsa3072' ? 3072 : 2048;
  // No CKA_ENCRYPT/DECRYPT either way: tpm2-pkcs11 refuses an EC template that names them, even as false.
  const publicTemplate = ec
    ? [...common, { type: CK.CKA_PRIVATE, value: false }, { type: CK.CKA_VERIFY, value: true }, { type: CK.CKA_EC_PARAMS, value: P256_PARAMS }]
    : [...common, { type: CK.CKA_PRIVATE, value: false }, { type: CK.CKA_VERIFY, value: true }, { type: CK.CKA_MODULUS_BITS, value: bits }, { type: CK.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }];
  let pair: { publicKey: Handle; privateKey: Handle };
  try {
    pair = await p11.C_GenerateKeyPairAsync(session, { mechanism: ec ? CK.CKM_EC_KEY_PAIR_GEN : CK.CKM_RSA_PKCS_KEY_PAIR_GEN }, publicTemplate, privateTemplate);
  } catch (err) {
    throw tokenError(s, `could not make a ${keyType} key`, err, 'KEYGEN_FAILED');
  }
  let spkiDer: Uint8Array;
  let idSource: Uint8Array;
  if (ec) {
    const point = ecPointOf(attr(s, pair.publicKey, CK.CKA_EC_POINT));
    spkiDer = p256Spki(point);
    idSource = point;
  } else {
    const modulus = attr(s, pair.publicKey, CK.CKA_MODULUS);
    spkiDer = rsaSpki(modulus, attr(s, pair.publicKey, CK.CKA_PUBLIC_EXPONENT));
    idSource = stripZeros(modulus);
  }
  const id = createHash('sha1').update(idSource).digest();
  let keyId: string;
  try {
    p11.C_SetAttributeValue(session, pair.privateKey, [{ type: CK.CKA_ID, value: id }]);
    p11.C_SetAttributeValue(session, pair.publicKey, [{ type: CK.CKA_ID, value: id }]);
    keyId = id.toString('hex');
  } catch (err) {
    if (profile.idMustFollowConvention) {
      destroyQuietly(s, [pair.privateKey, pair.publicKey]);
      throw tokenError(s, 'refused the new key its ID', err, 'KEYGEN_FAILED');
    }
    // The token keeps the random ID (both halves still agree): the certificate gets the same.
    keyId = readId(s, pair.privateKey);
  }
  return { keyId, spkiDer, algorithm: ec ? 'ecdsa' : 'rsa', privateKey: pair.privateKey };
}

/**
 * Signs `data` with the hash (computed here) and the token's raw mechanism (CKM_RSA_PKCS over a DigestInfo,
 * CKM_ECDSA over the hash): every token has those, where the combined hash-and-sign
 * mechanisms are missing from many smart cards. ECDSA comes back as DER.
 */
export function signHashed(s: P11Session, privateKey: Handle, algorithm: RequestKeyAlgorithm, hashName: RequestHash, data: Uint8Array): Uint8Array {
  const hash = createHash(hashName === 'SHA-384' ? 'sha384' : 'sha256').update(data).digest();
  const input = Buffer.from(algorithm === 'rsa' ? digestInfo(hashName, hash) : hash);
  try {
    s.p11.C_SignInit(s.session, { mechanism: algorithm === 'rsa' ? CK.CKM_RSA_PKCS : CK.CKM_ECDSA }, privateKey);
    const out = s.p11.C_Sign(s.session, input, Buffer.alloc(1024));
    return algorithm === 'rsa' ? new Uint8Array(out) : ecdsaRawToDer(new Uint8Array(out));
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw tokenError(s, 'could not sign the request', err, 'SIGN_FAILED');
  }
}

/** SubjectPublicKeyInfo of the public key object with this CKA_ID, or null when the token keeps none. */
export function publicKeySpki(s: P11Session, keyId: string): Uint8Array | null {
  const [h] = keyObjects(s, keyId).publicKeys;
  if (!h) return null;
  const type = s.p11.C_GetAttributeValue(s.session, h, [{ type: CK.CKA_KEY_TYPE }])[0]?.value as Buffer | undefined;
  const keyType = type && type.length >= 4 ? type.readUInt32LE(0) : -1;
  if (keyType === CKK_EC) return p256Spki(ecPointOf(attr(s, h, CK.CKA_EC_POINT)));
  if (keyType === CKK_RSA) return rsaSpki(attr(s, h, CK.CKA_MODULUS), attr(s, h, CK.CKA_PUBLIC_EXPONENT));
  return null;
}

const CKK_RSA = 0;
const CKK_EC = 3;

/** Object handles of the key pair with this CKA_ID. */
export function keyObjects(s: P11Session, keyId: string): { privateKeys: Handle[]; publicKeys: Handle[] } {
  const id = Buffer.from(keyId, 'hex');
  return {
    privateKeys: find(s, [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }, { type: CK.CKA_ID, value: id }]),
    publicKeys: find(s, [{ type: CK.CKA_CLASS, value: CK.CKO_PUBLIC_KEY }, { type: CK.CKA_ID, value: id }]),
  };
}

/** CKA_IDs (hex) of the private keys with this CKA_LABEL. */
export function keyIdsLabelled(s: P11Session, label: string): string[] {
  return find(s, [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }, { type: CK.CKA_LABEL, value: Buffer.from(label, 'utf8') }]).map((h) => optionalAttr(s, h, CK.CKA_ID).toString('hex'));
}

export interface TokenCertificate {
  handle: Handle;
  der: Uint8Array;
  keyId: string;
  label: string;
}

export function certificates(s: P11Session, keyId?: string): TokenCertificate[] {
  const template: Array<{ type: number; value: number | Buffer }> = [{ type: CK.CKA_CLASS, value: CK.CKO_CERTIFICATE }];
  if (keyId !== undefined) template.push({ type: CK.CKA_ID, value: Buffer.from(keyId, 'hex') });
  return find(s, template).map((handle) => {
    const [value, id, label] = [CK.CKA_VALUE, CK.CKA_ID, CK.CKA_LABEL].map((type) => optionalAttr(s, handle, type));
    return { handle, der: new Uint8Array(value!), keyId: id!.toString('hex'), label: label!.toString('utf8') };
  });
}

/**
 * One attribute, empty when the object has none: tpm2-pkcs11 answers a request that names an
 * attribute the object lacks (a CA certificate's CKA_ID) with an error for the whole call.
 */
function optionalAttr(s: P11Session, h: Handle, type: number): Buffer {
  try {
    const v = s.p11.C_GetAttributeValue(s.session, h, [{ type }])[0]?.value;
    return Buffer.isBuffer(v) ? v : Buffer.alloc(0);
  } catch {
    return Buffer.alloc(0);
  }
}

/**
 * A certificate object beside its key (same CKA_ID), as NSS's own import makes one. `keyId`
 * empty: chain material (a CA certificate), no key and no trust object: trust stays the
 * store's business.
 */
export function putCertificate(s: P11Session, der: Uint8Array, keyId: string, label: string): Handle {
  const f = certificateObjectFields(der);
  const template: Array<{ type: number; value: number | boolean | Buffer | string }> = [
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

export function destroyQuietly(s: P11Session, handles: Handle[]): void {
  for (const h of handles) {
    try {
      s.p11.C_DestroyObject(s.session, h);
    } catch {
      // Already gone, or the token refuses: the caller reads back what is left.
    }
  }
}

function find(s: P11Session, template: Array<{ type: number; value: number | Buffer }>): Handle[] {
  s.p11.C_FindObjectsInit(s.session, template);
  const out: Handle[] = [];
  try {
    for (;;) {
      const batch = s.p11.C_FindObjects(s.session, 64);
      if (batch.length === 0) break;
      out.push(...batch);
    }
  } finally {
    s.p11.C_FindObjectsFinal(s.session);
  }
  return out;
}

function attr(s: P11Session, h: Handle, type: number): Uint8Array {
  const v = s.p11.C_GetAttributeValue(s.session, h, [{ type }])[0]?.value;
  if (!Buffer.isBuffer(v)) throw tokenError(s, 'returned no public key', new Error(`attribute 0x${type.toString(16)} missing`), 'KEYGEN_FAILED');
  return new Uint8Array(v);
}

function readId(s: P11Session, h: Handle): string {
  return Buffer.from(attr(s, h, CK.CKA_ID)).toString('hex');
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/** The PKCS#11 return value's name (pkcs11js puts it first in the message, e.g. "CKR_PIN_INCORRECT:160"). */
export function ckrOf(err: unknown): string {
  return /CKR_[A-Z_]+/.exec((err as Error)?.message ?? '')?.[0] ?? 'error';
}

export function tokenError(s: Pick<P11Session, 'where'>, what: string, err: unknown, reason: string): CoreError {
  return new CoreError('STORE_WRITE_FAILED', `The token (${s.where}) ${what} (${ckrOf(err)}). Check that the token is present and not full, then try again.`, { reason }, { cause: err });
}
