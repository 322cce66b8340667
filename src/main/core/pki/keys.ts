// Key pairs on Node's WebCrypto: RSA-2048 by default, RSA-3072 and ECDSA P-256 by policy.
import type { KeyType } from '../../../shared/policy';
import { CoreError } from '../errors';
import { children, oidOf, parseDer } from './asn1';
import { subtle, type CryptoKey, type CryptoKeyPair } from './engine';
import { ab, u8 } from './encoding';

const RSA_E = new Uint8Array([1, 0, 1]);

function algorithmFor(type: KeyType): RsaHashedImportParams & { modulusLength?: number; publicExponent?: Uint8Array } | EcKeyImportParams {
  switch (type) {
    case 'rsa2048':
    case 'rsa3072':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: type === 'rsa2048' ? 2048 : 3072, publicExponent: RSA_E };
    case 'ecdsaP256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    default:
      throw new CoreError('INVALID_INPUT', `Unknown key type "${String(type)}"; use rsa2048, rsa3072 or ecdsaP256.`, { field: 'keyType' });
  }
}

type RsaHashedImportParams = { name: string; hash: string };
type EcKeyImportParams = { name: string; namedCurve: string };

/** A new key pair; the private key is extractable so the journal can keep it until installed. */
export async function generateKeyPair(type: KeyType): Promise<CryptoKeyPair> {
  const alg = algorithmFor(type);
  try {
    return (await subtle.generateKey(alg as never, true, ['sign', 'verify'])) as CryptoKeyPair;
  } catch (e) {
    throw new CoreError('INTERNAL', `Generating the ${type} key failed: ${(e as Error).message}`, undefined, { cause: e });
  }
}

export async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  if (!key || key.type !== 'private') throw new CoreError('INVALID_INPUT', 'Only a private key can be exported as PKCS#8.', { field: 'key' });
  if (!key.extractable) throw new CoreError('INVALID_INPUT', 'This private key is not extractable; it cannot be written as PKCS#8.', { field: 'key' });
  return u8(await subtle.exportKey('pkcs8', key));
}

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_EC = '1.2.840.10045.2.1';
const OID_P256 = '1.2.840.10045.3.1.7';

/** The algorithm of a PKCS#8 PrivateKeyInfo: 'rsa' | 'ec-p256' | other OID. */
export function pkcs8Algorithm(pkcs8: Uint8Array): string {
  const root = parseDer(pkcs8, 'private key (PKCS#8)', 'INVALID_INPUT');
  const alg = children(root)[1];
  const [oid, params] = alg ? children(alg) : [];
  const id = oidOf(oid);
  if (id === OID_RSA) return 'rsa';
  if (id === OID_EC) return oidOf(params) === OID_P256 ? 'ec-p256' : `ec:${oidOf(params) ?? '?'}`;
  return id ?? 'unknown';
}

/** Imports a PKCS#8 key for signing and says which policy key type it is. */
export async function importPkcs8(pkcs8: Uint8Array): Promise<{ privateKey: CryptoKey; type: KeyType }> {
  const kind = pkcs8Algorithm(pkcs8);
  let alg: RsaHashedImportParams | EcKeyImportParams;
  if (kind === 'rsa') alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  else if (kind === 'ec-p256') alg = { name: 'ECDSA', namedCurve: 'P-256' };
  else throw new CoreError('INVALID_INPUT', `The private key's algorithm (${kind}) is not supported; CertDesk uses RSA-2048/3072 or ECDSA P-256.`, { field: 'key', reason: 'UNSUPPORTED_KEY' });
  let privateKey: CryptoKey;
  try {
    privateKey = await subtle.importKey('pkcs8', ab(pkcs8), alg as never, true, ['sign']);
  } catch (e) {
    throw new CoreError('INVALID_INPUT', 'The private key (PKCS#8) could not be read; it is damaged.', { field: 'key', reason: 'BAD_KEY' }, { cause: e });
  }
  if (kind === 'ec-p256') return { privateKey, type: 'ecdsaP256' };
  const bits = (privateKey.algorithm as unknown as { modulusLength: number }).modulusLength;
  if (bits === 2048) return { privateKey, type: 'rsa2048' };
  if (bits === 3072) return { privateKey, type: 'rsa3072' };
  throw new CoreError('INVALID_INPUT', `RSA-${bits} keys are not supported; CertDesk uses RSA-2048 or RSA-3072.`, { field: 'key', reason: 'UNSUPPORTED_KEY' });
}
