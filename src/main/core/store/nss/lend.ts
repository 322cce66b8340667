// The identity's key lent to Node for mutual TLS straight from the db's token: wrapped
// (C_WrapKey, AES-256-CBC-PAD) under a one-use session key and unwrapped here, in memory
// (pkcs11/keys wrapPrivateKey). Measured on NSS 3.87: 5–8 ms, where pk12util -o costs a process
// and 600,000-iteration PBKDF2 runs (~270 ms) and writes a PKCS#12 file. The softoken wraps
// even a key marked non-extractable (it is NSS's software tier, see pkcs11/profiles); a token
// that refuses gets null, and the caller falls back to pk12util.
import { createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { wrapPrivateKey } from '../pkcs11/keys';
import { withNssToken } from '../pkcs11/softoken';

/** The private key with this CKA_ID, or null when the db has none or will not wrap it. */
export async function lendPrivateKey(dbDir: string, keyId: string): Promise<KeyObject | null> {
  const iv = randomBytes(16);
  let wrapped: { kek: Buffer; data: Buffer } | null;
  try {
    wrapped = await withNssToken(dbDir, 'read', (s) => wrapPrivateKey(s, keyId, iv));
  } catch {
    return null;
  }
  if (!wrapped) return null;
  let pkcs8: Buffer | undefined;
  try {
    const d = createDecipheriv('aes-256-cbc', wrapped.kek, iv);
    pkcs8 = Buffer.concat([d.update(wrapped.data), d.final()]);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  } finally {
    wrapped.kek.fill(0);
    pkcs8?.fill(0);
  }
}
