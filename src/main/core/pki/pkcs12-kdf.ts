// The PKCS#12 key derivation (RFC 7292 appendix B.2), for the legacy 3DES encryption and the
// MAC key. WebCrypto and pkijs do not offer it for encryption keys; node:crypto hashes it.
import { createHash, hash as oneShotHash } from 'node:crypto';

export type Pkcs12Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const SIZES: Record<Pkcs12Hash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

export const KDF_KEY = 1;
export const KDF_IV = 2;
export const KDF_MAC = 3;

/** The password as PKCS#12 wants it: BMPString (UTF-16BE) with a two-byte terminator. */
export function bmpPassword(password: string): Uint8Array {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

function fill(src: Uint8Array, v: number): Uint8Array {
  if (src.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(v * Math.ceil(src.length / v));
  for (let i = 0; i < out.length; i++) out[i] = src[i % src.length]!;
  return out;
}

export function pkcs12Kdf(hash: Pkcs12Hash, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, n: number): Uint8Array {
  const { u, v } = SIZES[hash];
  const D = new Uint8Array(v).fill(id);
  const I = new Uint8Array([...fill(salt, v), ...fill(password, v)]);
  const out = new Uint8Array(Math.ceil(n / u) * u);
  for (let block = 0; block * u < n; block++) {
    let A: Uint8Array = createHash(hash).update(D).update(I).digest();
    // The one-shot hash is about twice as fast as createHash; NSS exports use 600,000 rounds.
    for (let r = 1; r < iterations; r++) A = oneShotHash(hash, A, 'buffer');
    out.set(A, block * u);
    if ((block + 1) * u >= n) break;
    // I_j = (I_j + B + 1) mod 2^(8v), with B = A repeated to v bytes.
    const B = fill(A, v).subarray(0, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + B[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.subarray(0, n);
}
