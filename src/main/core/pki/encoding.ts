// Byte encodings: PEM, strict base64, hex digests, and a tiny DER writer.
import { createHash } from 'node:crypto';
import { CoreError } from '../errors';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A view as a Uint8Array that is not a Buffer subclass quirk; no copy. */
export function u8(bytes: ArrayBuffer | Uint8Array): Uint8Array {
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
}

/** Exact-size ArrayBuffer copy: WebCrypto and asn1js want a buffer, not a view into a pool. */
export function ab(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Strict base64: whitespace (any line breaks, CRLF) is ignored, anything else outside the
 * alphabet is an error. Buffer.from(…, 'base64') silently skips junk, which would hide a
 * corrupted EST body.
 */
export function decodeBase64(text: string): Uint8Array | null {
  const compact = text.replace(/[\s]+/g, '');
  if (compact.length === 0 || !B64.test(compact) || compact.length % 4 === 1) return null;
  if (compact.includes('=') && compact.length % 4 !== 0) return null;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

export function encodeBase64Lines(der: Uint8Array, width = 64): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += width) lines.push(b64.slice(i, i + width));
  return lines.join('\n') + '\n';
}

export function derToPem(der: Uint8Array, label: string): string {
  return `-----BEGIN ${label}-----\n${encodeBase64Lines(der)}-----END ${label}-----\n`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block (of `label`, when given) in order; a block with bad base64 is an error. */
export function pemToDer(pem: string, label?: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (label !== undefined && m[1] !== label) continue;
    const body = (m[2] ?? '').replace(/^[A-Za-z-]+:.*$/gm, ''); // RFC 1421 headers (Proc-Type…)
    const der = decodeBase64(body);
    if (!der) {
      throw new CoreError('INVALID_INPUT', `The PEM block "${m[1]}" does not contain valid base64. Check that the file is complete.`, { reason: 'BAD_BASE64' });
    }
    out.push(der);
  }
  if (out.length === 0) {
    throw new CoreError('INVALID_INPUT', `No PEM block${label ? ` "${label}"` : ''} found. Give a PEM file (-----BEGIN …-----).`, { reason: 'NO_PEM' });
  }
  return out;
}

// ---- DER writer: exact bytes where copying matters (certificates inside CMS, PKCS#12) ----

function lengthBytes(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), lengthBytes(body.byteLength), body]);
}

export const der = {
  seq: (...c: Uint8Array[]) => tlv(0x30, ...c),
  set: (...c: Uint8Array[]) => tlv(0x31, ...c),
  octets: (b: Uint8Array) => tlv(0x04, b),
  /** [n] EXPLICIT / constructed context tag. */
  ctx: (n: number, ...c: Uint8Array[]) => tlv(0xa0 | n, ...c),
  int: (n: number) => {
    const bytes: number[] = [];
    let v = n;
    do {
      bytes.unshift(v & 0xff);
      v = Math.floor(v / 256);
    } while (v > 0);
    if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
    return tlv(0x02, Uint8Array.from(bytes));
  },
  oid: (dotted: string) => {
    const arcs = dotted.split('.').map(Number);
    const out: number[] = [];
    const push = (v: number) => {
      const chunk: number[] = [v & 0x7f];
      for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift(0x80 | (x & 0x7f));
      out.push(...chunk);
    };
    push((arcs[0] ?? 0) * 40 + (arcs[1] ?? 0));
    for (const a of arcs.slice(2)) push(a);
    return tlv(0x06, Uint8Array.from(out));
  },
  null: () => Uint8Array.of(0x05, 0x00),
  bmp: (s: string) => {
    const b = Buffer.alloc(s.length * 2);
    for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), i * 2);
    return tlv(0x1e, b);
  },
};
