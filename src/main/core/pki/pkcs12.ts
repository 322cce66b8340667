// PKCS#12 for the OS stores: two write profiles (modern AES / legacy 3DES, because older
// Windows and macOS import only the latter), and the PBES2 key decryption NSS's key bags need.
// No PKCS#12 reader: identities are read by OpenSSL, so a hand-written reader had no caller.
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, pbkdf2, pbkdf2Sync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import { CoreError } from '../errors';
import { children, isUniversal, oidOf, parseDer, type Asn1 } from './asn1';
import { parseCertificate } from './certificate';
import { bytesEqual, concat, der, sha1Hex, tlv } from './encoding';
import { KDF_IV, KDF_KEY, KDF_MAC, bmpPassword, pkcs12Kdf, type Pkcs12Hash } from './pkcs12-kdf';
import type { ReasonOf } from '../../../shared/contract';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbeSha3Des: '1.2.840.113549.1.12.1.3',
  hmacSha256: '1.2.840.113549.2.9',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const HMAC_PRF: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};
/** openssl's default; the file lives only for one import with a random password. */
const ITERATIONS = 2048;
/** Bounds what a hostile file can make us compute. */
const MAX_ITERATIONS = 1_000_000;

export type Pkcs12Profile = 'modern' | 'legacy';

export interface BuildPkcs12Options {
  privateKeyPkcs8: Uint8Array;
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
  friendlyName: string;
  password: string;
  profile: Pkcs12Profile;
}

const invalid = (reason: ReasonOf<'INVALID_INPUT'>, message: string, cause?: unknown) => new CoreError('INVALID_INPUT', message, { reason }, cause === undefined ? undefined : { cause });

function spkiOfPrivateKey(pkcs8: Uint8Array): Uint8Array {
  try {
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    return new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  } catch (e) {
    throw invalid('BAD_KEY', 'The private key (PKCS#8) could not be read; it is damaged.', e);
  }
}

// ---- encryption ----

function encrypt(profile: Pkcs12Profile, password: string, plain: Uint8Array): { algId: Uint8Array; ciphertext: Uint8Array } {
  if (profile === 'modern') {
    const salt = randomBytes(16);
    const iv = randomBytes(16);
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 32, 'sha256');
    const c = createCipheriv('aes-256-cbc', key, iv);
    const algId = der.seq(der.oid(OID.pbes2), der.seq(
      der.seq(der.oid(OID.pbkdf2), der.seq(der.octets(salt), der.int(ITERATIONS), der.seq(der.oid(OID.hmacSha256), der.null()))),
      der.seq(der.oid(OID.aes256cbc), der.octets(iv)),
    ));
    return { algId, ciphertext: concat([c.update(plain), c.final()]) };
  }
  const salt = randomBytes(8);
  const bmp = bmpPassword(password);
  const key = pkcs12Kdf('sha1', bmp, salt, KDF_KEY, ITERATIONS, 24);
  const iv = pkcs12Kdf('sha1', bmp, salt, KDF_IV, ITERATIONS, 8);
  const c = createCipheriv('des-ede3-cbc', key, iv);
  return { algId: der.seq(der.oid(OID.pbeSha3Des), der.seq(der.octets(salt), der.int(ITERATIONS))), ciphertext: concat([c.update(plain), c.final()]) };
}

function attrs(friendlyName: string | undefined, localKeyId: Uint8Array | undefined): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (friendlyName) out.push(der.seq(der.oid(OID.friendlyName), der.set(der.bmp(friendlyName))));
  if (localKeyId) out.push(der.seq(der.oid(OID.localKeyId), der.set(der.octets(localKeyId))));
  return out;
}

function safeBag(bagId: string, value: Uint8Array, attributes: Uint8Array[]): Uint8Array {
  return attributes.length > 0 ? der.seq(der.oid(bagId), der.ctx(0, value), der.set(...attributes)) : der.seq(der.oid(bagId), der.ctx(0, value));
}

export async function buildPkcs12(opts: BuildPkcs12Options): Promise<Uint8Array> {
  const { privateKeyPkcs8, certificateDer, chainDer, friendlyName, password, profile } = opts;
  if (profile !== 'modern' && profile !== 'legacy') throw new CoreError('INVALID_INPUT', `Unknown PKCS#12 profile "${String(profile)}"; use modern or legacy.`, { field: 'profile' });
  if (typeof password !== 'string' || password.length === 0) throw new CoreError('INVALID_INPUT', 'A PKCS#12 file needs a non-empty password.', { field: 'password' });
  if (typeof friendlyName !== 'string') throw new CoreError('INVALID_INPUT', 'The friendly name must be a string.', { field: 'friendlyName' });
  if (!Array.isArray(chainDer)) throw new CoreError('INVALID_INPUT', 'The chain must be a list of DER certificates.', { field: 'chainDer' });
  const leaf = parseCertificate(certificateDer, 'certificate', 'INVALID_INPUT');
  chainDer.forEach((c, i) => parseCertificate(c, `chain certificate #${i + 1}`, 'INVALID_INPUT'));
  parseDer(privateKeyPkcs8, 'private key (PKCS#8)', 'INVALID_INPUT');
  if (!bytesEqual(spkiOfPrivateKey(privateKeyPkcs8), leaf.spkiDer)) {
    throw invalid('KEY_MISMATCH', 'The private key does not belong to the certificate; refusing to pair them in a PKCS#12 file.');
  }
  const localKeyId = Buffer.from(sha1Hex(certificateDer), 'hex');
  const certBag = (c: Uint8Array) => der.seq(der.oid(OID.x509Certificate), der.ctx(0, der.octets(c)));
  const certContents = der.seq(
    safeBag(OID.certBag, certBag(certificateDer), attrs(friendlyName || undefined, localKeyId)),
    ...chainDer.map((c) => safeBag(OID.certBag, certBag(c), [])),
  );
  const enc = encrypt(profile, password, certContents);
  const certsInfo = der.seq(der.oid(OID.encryptedData), der.ctx(0, der.seq(der.int(0), der.seq(der.oid(OID.data), enc.algId, tlv(0x80, enc.ciphertext)))));
  const keyEnc = encrypt(profile, password, privateKeyPkcs8);
  const keyContents = der.seq(safeBag(OID.shroudedKeyBag, der.seq(keyEnc.algId, der.octets(keyEnc.ciphertext)), attrs(friendlyName || undefined, localKeyId)));
  const keyInfo = der.seq(der.oid(OID.data), der.ctx(0, der.octets(keyContents)));
  const authSafe = der.seq(certsInfo, keyInfo);

  const hash: Pkcs12Hash = profile === 'modern' ? 'sha256' : 'sha1';
  const macSalt = randomBytes(8);
  const macKey = pkcs12Kdf(hash, bmpPassword(password), macSalt, KDF_MAC, ITERATIONS, hash === 'sha256' ? 32 : 20);
  const mac = createHmac(hash, macKey).update(authSafe).digest();
  const macData = der.seq(der.seq(der.seq(der.oid(hash === 'sha256' ? OID.sha256 : OID.sha1), der.null()), der.octets(mac)), der.octets(macSalt), der.int(ITERATIONS));
  return der.seq(der.int(3), der.seq(der.oid(OID.data), der.ctx(0, der.octets(authSafe))), macData);
}

// ---- reading ----

const malformed = (what: string) => invalid('MALFORMED', `The PKCS#12 file is damaged or not a PKCS#12 file (${what}).`);
const unsupported = (alg: string) =>
  invalid('UNSUPPORTED_ALGORITHM', `The encrypted key uses an encryption CertDesk does not read (${alg}).`);
const badPassword = () => invalid('BAD_PASSWORD', 'The PKCS#12 password is wrong.');

/** Content octets of a primitive or (BER) constructed string, implicit tags included. */
function contentBytes(block: Asn1): Uint8Array {
  if (block.idBlock.isConstructed) return concat(children(block).map(contentBytes));
  return block.valueBeforeDecodeView.subarray(block.idBlock.blockLength + block.lenBlock.blockLength);
}

function octets(block: Asn1 | undefined, what: string): Uint8Array {
  if (!block || !(isUniversal(block, 4) || block.idBlock.tagClass === 3)) throw malformed(what);
  return contentBytes(block);
}

function smallInt(block: Asn1 | undefined, what: string): number {
  if (!(block instanceof asn1js.Integer)) throw malformed(what);
  const v = block.valueBlock.valueDec;
  if (!Number.isSafeInteger(v) || v < 1 || v > MAX_ITERATIONS) throw malformed(`${what} out of range`);
  return v;
}

function inner(bytes: Uint8Array, what: string): Asn1 {
  try {
    return parseDer(bytes, what, 'INVALID_INPUT');
  } catch {
    throw malformed(what);
  }
}

interface Pbes2 { salt: Uint8Array; iterations: number; prf: string; cipher: string; keyLength: number; iv: Uint8Array }

/** The parameters of a PBES2 AlgorithmIdentifier (PBKDF2 with an HMAC PRF, then AES- or 3DES-CBC). */
function pbes2Of(params: Asn1 | undefined): Pbes2 {
  const [kdf, scheme] = params ? children(params) : [];
  const [kdfOid, kdfParams] = kdf ? children(kdf) : [];
  if (oidOf(kdfOid) !== OID.pbkdf2 || !kdfParams) throw unsupported(`PBES2 with ${oidOf(kdfOid) ?? '?'}`);
  const p = children(kdfParams);
  const salt = octets(p[0], 'PBKDF2 salt');
  const iterations = smallInt(p[1], 'PBKDF2 iterations');
  const prfBlock = p.slice(2).find((b) => isUniversal(b, 16));
  const prf = prfBlock ? HMAC_PRF[oidOf(children(prfBlock)[0]) ?? ''] : 'sha1';
  const [schemeOid, ivBlock] = scheme ? children(scheme) : [];
  const c = CIPHERS[oidOf(schemeOid) ?? ''];
  if (!prf || !c) throw unsupported(`PBES2 with ${c ? 'this PRF' : (oidOf(schemeOid) ?? '?')}`);
  return { salt, iterations, prf, cipher: c.name, keyLength: c.keyLength, iv: octets(ivBlock, 'IV') };
}

const pbkdf2Async = promisify(pbkdf2);

/**
 * A PBES2 EncryptedPrivateKeyInfo (what NSS writes into a key bag) decrypted to its PKCS#8,
 * PBKDF2 running on libuv's thread pool; null for any other scheme. A wrong password is
 * BAD_PASSWORD, a damaged structure MALFORMED.
 */
export async function decryptPbes2PrivateKey(encryptedKeyInfo: Uint8Array, password: string): Promise<Uint8Array | null> {
  const [algId, data] = children(inner(encryptedKeyInfo, 'EncryptedPrivateKeyInfo'));
  const [oidBlock, params] = algId ? children(algId) : [];
  if (oidOf(oidBlock) !== OID.pbes2) return null;
  const p = pbes2Of(params);
  const ciphertext = octets(data, 'encrypted key');
  const key = await pbkdf2Async(Buffer.from(password, 'utf8'), p.salt, p.iterations, p.keyLength, p.prf);
  try {
    const d = createDecipheriv(p.cipher, key, p.iv);
    return concat([d.update(ciphertext), d.final()]);
  } catch {
    throw badPassword();
  } finally {
    key.fill(0);
  }
}
