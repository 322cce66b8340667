// The identity's key lent to Node for mutual TLS straight from the db's token: wrapped
// (C_WrapKey, AES-256-CBC-PAD) under a one-use session key and unwrapped here, in memory.
// Measured on NSS 3.87: 5–8 ms, where pk12util -o costs a process and 600,000-iteration
// PBKDF2 runs (~270 ms) and writes a PKCS#12 file. The softoken wraps even a key marked
// non-extractable (it is NSS's software tier, see nss/custody); a token that refuses gets
// null, and the caller falls back to pk12util.
import { createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { keyObjects } from '../pkcs11/objects';
import { withToken } from './token';

const CKM_AES_KEY_GEN = 0x1080;
const CKM_AES_CBC_PAD = 0x1085;
const CKO_SECRET_KEY = 4;
const CKK_AES = 0x1f;
const CKA_CLASS = 0x0;
const CKA_TOKEN = 0x1;
const CKA_VALUE = 0x11;
const CKA_KEY_TYPE = 0x100;
const CKA_SENSITIVE = 0x103;
const CKA_WRAP = 0x106;
const CKA_VALUE_LEN = 0x161;
const CKA_EXTRACTABLE = 0x162;

/** The private key with this CKA_ID, or null when the db has none or will not wrap it. */
export async function lendPrivateKey(dbDir: string, keyId: string): Promise<KeyObject | null> {
  let wrapped: { kek: Buffer; iv: Buffer; data: Buffer } | null;
  try {
    wrapped = await withToken(dbDir, 'read', (t) => {
      const s = t.raw();
      const [priv] = keyObjects(s, keyId).privateKeys;
      if (!priv) return null;
      // A session object: it lives in memory only and goes with the session.
      const kek = s.p11.C_GenerateKey(s.session, { mechanism: CKM_AES_KEY_GEN }, [
        { type: CKA_CLASS, value: CKO_SECRET_KEY },
        { type: CKA_KEY_TYPE, value: CKK_AES },
        { type: CKA_TOKEN, value: false },
        { type: CKA_VALUE_LEN, value: 32 },
        { type: CKA_WRAP, value: true },
        { type: CKA_SENSITIVE, value: false },
        { type: CKA_EXTRACTABLE, value: true },
      ]);
      try {
        const iv = randomBytes(16);
        const data = Buffer.from(s.p11.C_WrapKey(s.session, { mechanism: CKM_AES_CBC_PAD, parameter: iv }, kek, priv, Buffer.alloc(16_384)));
        const value = s.p11.C_GetAttributeValue(s.session, kek, [{ type: CKA_VALUE }])[0]?.value;
        return Buffer.isBuffer(value) ? { kek: Buffer.from(value), iv, data } : null;
      } finally {
        s.p11.C_DestroyObject(s.session, kek);
      }
    });
  } catch {
    return null;
  }
  if (!wrapped) return null;
  let pkcs8: Buffer | undefined;
  try {
    const d = createDecipheriv('aes-256-cbc', wrapped.kek, wrapped.iv);
    pkcs8 = Buffer.concat([d.update(wrapped.data), d.final()]);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    return null;
  } finally {
    wrapped.kek.fill(0);
    pkcs8?.fill(0);
  }
}
