// The private key out of a PKCS#12 file that pk12util has just written into our private temp
// folder. Only the shrouded key bag is decrypted, by OpenSSL (node:crypto): the MAC and the
// certificate bag are not read. NSS runs PBKDF2 with 600,000 iterations for each, and the
// file never left a 0700 folder; the certificate comes from the listing instead, and the TLS
// context that loads the pair checks that the key belongs to it.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CoreError } from '../../errors';
import { children, decryptPbes2PrivateKey, isContext, oidOf, parseDer, type Asn1 } from '../../pki';

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_X509 = '1.2.840.113549.1.9.22.1';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

export interface Bag { der: Uint8Array; localKeyId?: string }

/** The bag's localKeyId attribute (hex): how a PKCS#12 pairs a key with its certificate. */
function localKeyIdOf(attrs: Asn1 | undefined): string | undefined {
  for (const attr of children(attrs)) {
    const [oid, values] = children(attr);
    if (oidOf(oid) !== OID_LOCAL_KEY_ID) continue;
    const v = children(values)[0];
    return v ? Buffer.from(octets(v, 'localKeyId')).toString('hex') : undefined;
  }
  return undefined;
}

const bad = (why: string) =>
  new CoreError('STORE_UNAVAILABLE', `pk12util wrote a PKCS#12 file this program cannot read (${why}). Export the certificate with Firefox or Chromium and use it as a file identity.`, { reason: 'NOT_EXPORTABLE' });

/** The bytes of an OCTET STRING, primitive or (BER) constructed. */
function octets(block: Asn1 | undefined, what: string): Uint8Array {
  if (!block || block.idBlock.tagClass !== 1 || block.idBlock.tagNumber !== 4) throw bad(`${what} is not an OCTET STRING`);
  if (!block.idBlock.isConstructed) return (block.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView;
  return Buffer.concat(children(block).map((c) => octets(c, what)));
}

/** The content of a ContentInfo of type data, or undefined for another type (encryptedData). */
function dataContent(info: Asn1): Uint8Array | undefined {
  const [type, wrapped] = children(info);
  if (oidOf(type) !== OID_DATA) return undefined;
  return octets(wrapped && isContext(wrapped, 0) ? children(wrapped)[0] : undefined, 'data');
}

/**
 * The EncryptedPrivateKeyInfos (DER) of the file's shrouded key bags, and the certificates of
 * its unencrypted certificate bags (pk12util -C NONE: every certificate of the nickname, with
 * their keys, and the CAs').
 */
export function bagsOf(pkcs12: Uint8Array): { keys: Bag[]; certs: Bag[] } {
  const pfx = parseDer(pkcs12, 'PKCS#12 export', 'STORE_UNAVAILABLE');
  const authSafeInfo = children(pfx)[1];
  const authSafeBytes = authSafeInfo && dataContent(authSafeInfo);
  if (!authSafeBytes) throw bad('no password-integrity AuthenticatedSafe');
  const keys: Bag[] = [];
  const certs: Bag[] = [];
  for (const info of children(parseDer(authSafeBytes, 'AuthenticatedSafe', 'STORE_UNAVAILABLE'))) {
    const contents = dataContent(info);
    if (!contents) continue; // an encrypted certificate bag: nothing the key needs
    for (const bag of children(parseDer(contents, 'SafeContents', 'STORE_UNAVAILABLE'))) {
      const [id, value, attrs] = children(bag);
      const localKeyId = localKeyIdOf(attrs);
      if (oidOf(id) === OID_CERT_BAG) {
        const [certId, certValue] = children(value && isContext(value, 0) ? children(value)[0] : undefined);
        if (oidOf(certId) === OID_X509 && certValue && isContext(certValue, 0)) certs.push({ der: octets(children(certValue)[0], 'certificate'), localKeyId });
        continue;
      }
      if (oidOf(id) !== OID_SHROUDED_KEY_BAG) continue;
      const info = value && isContext(value, 0) ? children(value)[0] : undefined;
      if (!info) throw bad('empty key bag');
      keys.push({ der: info.valueBeforeDecodeView, localKeyId });
    }
  }
  return { keys, certs };
}

/** The key bag paired with the certificate `leafDer` (by localKeyId). */
export function keyBagFor(bags: { keys: Bag[]; certs: Bag[] }, leafDer: Uint8Array): Uint8Array {
  const leaf = bags.certs.find((c) => Buffer.from(c.der).equals(Buffer.from(leafDer)));
  if (!leaf) throw bad('the certificate is not in it');
  const key = leaf.localKeyId === undefined ? undefined : bags.keys.filter((k) => k.localKeyId === leaf.localKeyId);
  if (key?.length === 1) return key[0]!.der;
  if (bags.keys.length === 1 && bags.certs.filter((c) => c.localKeyId !== undefined).length <= 1) return bags.keys[0]!.der;
  throw bad(`no single key bag paired with the certificate (${bags.keys.length} key bags)`);
}

const undecryptable = (err: unknown) =>
  new CoreError('STORE_UNAVAILABLE', `The private key pk12util exported could not be decrypted (${(err as Error).message}). Export the certificate with Firefox or Chromium and use it as a file identity.`, { reason: 'NOT_EXPORTABLE' }, { cause: err });

/**
 * Decrypts the key bag with the export password. NSS writes PBES2 (PBKDF2, AES-CBC): its
 * 600,000 iterations run on libuv's thread pool, so the renewal's other work (the store's
 * CA edit, the keychain) goes on meanwhile. Any other scheme goes to OpenSSL in one call.
 */
export async function privateKeyOf(shroudedKey: Uint8Array, password: string): Promise<KeyObject> {
  let pkcs8: Uint8Array | null;
  try {
    pkcs8 = await decryptPbes2PrivateKey(shroudedKey, password);
  } catch (err) {
    throw undecryptable(err);
  }
  if (!pkcs8) return privateKeyOfSync(shroudedKey, password);
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8.buffer, pkcs8.byteOffset, pkcs8.byteLength), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw undecryptable(err);
  } finally {
    pkcs8.fill(0);
  }
}

function privateKeyOfSync(shroudedKey: Uint8Array, password: string): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(shroudedKey), format: 'der', type: 'pkcs8', passphrase: password });
  } catch (err) {
    throw undecryptable(err);
  }
}
