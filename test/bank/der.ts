// Just enough DER walking to take exact bytes out of a certificate or a request: the
// renewal rule compares subjects byte for byte, and a parse-and-re-encode could hide a
// difference in string types.

interface Tlv { tag: number; start: number; end: number }

function tlv(buf: Uint8Array, off: number): Tlv {
  const tag = buf[off];
  let len = buf[off + 1];
  if (tag === undefined || len === undefined) throw new Error('truncated DER');
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[start + i];
      if (b === undefined) throw new Error('truncated DER');
      len = len * 256 + b;
    }
    start += n;
  }
  const end = start + len;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, start, end };
}

/** The top-level element must fill the buffer exactly. */
export function checkWhole(der: Uint8Array): void {
  const t = tlv(der, 0);
  if (t.tag !== 0x30 || t.end !== der.length) throw new Error('not a single DER SEQUENCE');
}

/** Certificate → TBSCertificate → subject, as its exact DER bytes. */
export function certSubjectDer(cert: Uint8Array): Uint8Array {
  const tbs = tlv(cert, tlv(cert, 0).start);
  let p = tbs.start;
  if (tlv(cert, p).tag === 0xa0) p = tlv(cert, p).end; // version
  for (let i = 0; i < 4; i++) p = tlv(cert, p).end; // serial, signature, issuer, validity
  return cert.subarray(p, tlv(cert, p).end);
}

/** CertificationRequest → CertificationRequestInfo → subject, as exact DER bytes. */
export function csrSubjectDer(csr: Uint8Array): Uint8Array {
  const info = tlv(csr, tlv(csr, 0).start);
  const p = tlv(csr, info.start).end; // version
  return csr.subarray(p, tlv(csr, p).end);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;
}

/** RFC 7030 bodies: base64 with 64-column lines and a final newline. */
export function base64Body(der: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n'), 'ascii');
}

/** Strict base64: only the alphabet, line breaks and correct padding; anything else is refused. */
export function decodeBase64Strict(body: Buffer): Uint8Array | null {
  const text = body.toString('latin1').replace(/[\r\n]/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** CsrAttrs (RFC 7030 §4.5.2): the signature algorithms the bank accepts. */
export const CSR_ATTRS_DER = new Uint8Array([
  0x30, 0x15,
  0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, // sha256WithRSAEncryption
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, // ecdsa-with-SHA256
]);
