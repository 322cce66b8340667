// Key pairs inside a token, over one open session: made (by the target's template profile),
// used to sign, their public half read, and (the NSS softoken only) wrapped out for lending.
//
// The key's CKA_ID follows NSS's convention, SHA-1 of the RSA modulus or of the EC point:
// NSS (a browser with the module registered, certutil, pk12util) then pairs with the key
// any certificate of that public key, also one added later by another tool.
import { createHash, randomBytes } from 'node:crypto';
import type { KeyType } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import { digestInfo, ecdsaRawToDer, ecPointOf, p256Spki, rsaSpki, type RequestHash, type RequestKeyAlgorithm } from '../../pki';
import { CK } from './constants';
import { attr, destroyQuietly, keyObjects, tokenError } from './objects';
import type { TemplateProfile } from './profiles';
import type { Handle, P11Session } from './session';

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
 * (issue 29). The caller's session stays open, and no other call enters any token meanwhile
 * (session.ts runs one operation at a time).
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
    keyId = Buffer.from(attr(s, pair.privateKey, CK.CKA_ID)).toString('hex');
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
  if (keyType === CK.CKK_EC) return p256Spki(ecPointOf(attr(s, h, CK.CKA_EC_POINT)));
  if (keyType === CK.CKK_RSA) return rsaSpki(attr(s, h, CK.CKA_MODULUS), attr(s, h, CK.CKA_PUBLIC_EXPONENT));
  return null;
}

/**
 * The private key of this CKA_ID wrapped (C_WrapKey, AES-256-CBC-PAD) under a one-use session
 * key made for it, with that key's bytes: the caller unwraps in memory (nss/lend). Null when
 * the token has no such key; a token that refuses to wrap throws (the caller falls back).
 */
export function wrapPrivateKey(s: P11Session, keyId: string, iv: Buffer): { kek: Buffer; data: Buffer } | null {
  const [priv] = keyObjects(s, keyId).privateKeys;
  if (!priv) return null;
  // A session object: it lives in memory only and goes with the session.
  const kek = s.p11.C_GenerateKey(s.session, { mechanism: CK.CKM_AES_KEY_GEN }, [
    { type: CK.CKA_CLASS, value: CK.CKO_SECRET_KEY },
    { type: CK.CKA_KEY_TYPE, value: CK.CKK_AES },
    { type: CK.CKA_TOKEN, value: false },
    { type: CK.CKA_VALUE_LEN, value: 32 },
    { type: CK.CKA_WRAP, value: true },
    { type: CK.CKA_SENSITIVE, value: false },
    { type: CK.CKA_EXTRACTABLE, value: true },
  ]);
  try {
    const data = Buffer.from(s.p11.C_WrapKey(s.session, { mechanism: CK.CKM_AES_CBC_PAD, parameter: iv }, kek, priv, Buffer.alloc(16_384)));
    const value = s.p11.C_GetAttributeValue(s.session, kek, [{ type: CK.CKA_VALUE }])[0]?.value;
    return Buffer.isBuffer(value) ? { kek: Buffer.from(value), data } : null;
  } finally {
    s.p11.C_DestroyObject(s.session, kek);
  }
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}
