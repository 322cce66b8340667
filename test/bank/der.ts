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

export interface CsrParts {
  /** CertificationRequestInfo: what the signature covers. */
  info: Uint8Array;
  subject: Uint8Array;
  spki: Uint8Array;
  /** signatureAlgorithm OID, as hex of its content bytes. */
  sigAlgOid: string;
  signature: Uint8Array;
}

function expect(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new Error(`${what}: unexpected tag 0x${t.tag.toString(16)}`);
  return t;
}

/** Splits a PKCS#10 request (RFC 2986) into the pieces the bank checks; throws on a wrong shape. */
export function csrParts(csr: Uint8Array): CsrParts {
  const outer = expect(tlv(csr, 0), 0x30, 'CertificationRequest');
  if (outer.end !== csr.length) throw new Error('trailing bytes after the request');
  const info = expect(tlv(csr, outer.start), 0x30, 'CertificationRequestInfo');
  const version = expect(tlv(csr, info.start), 0x02, 'version');
  const subject = expect(tlv(csr, version.end), 0x30, 'subject');
  const spki = expect(tlv(csr, subject.end), 0x30, 'subjectPKInfo');
  const alg = expect(tlv(csr, info.end), 0x30, 'signatureAlgorithm');
  const oid = expect(tlv(csr, alg.start), 0x06, 'algorithm');
  const sig = expect(tlv(csr, alg.end), 0x03, 'signature');
  if (sig.end !== outer.end || csr[sig.start] !== 0) throw new Error('bad signature BIT STRING');
  return {
    info: csr.subarray(outer.start, info.end),
    subject: csr.subarray(version.end, subject.end),
    spki: csr.subarray(subject.end, spki.end),
    sigAlgOid: Buffer.from(csr.subarray(oid.start, oid.end)).toString('hex'),
    signature: csr.subarray(sig.start + 1, sig.end),
  };
}

/** Signature algorithms a request may use: OID content hex → hash for node:crypto. */
export const CSR_SIG_ALGS: Record<string, { hash: string; key: 'rsa' | 'ec' }> = {
  '2a864886f70d01010b': { hash: 'sha256', key: 'rsa' },
  '2a864886f70d01010c': { hash: 'sha384', key: 'rsa' },
  '2a864886f70d01010d': { hash: 'sha512', key: 'rsa' },
  '2a8648ce3d040302': { hash: 'sha256', key: 'ec' },
  '2a8648ce3d040303': { hash: 'sha384', key: 'ec' },
  '2a8648ce3d040304': { hash: 'sha512', key: 'ec' },
};

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function derNode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag, ...derLength(body.length)]), body]);
}

const ID_SIGNED_DATA = Buffer.from('06092a864886f70d010702', 'hex');
const ID_DATA = Buffer.from('06092a864886f70d010701', 'hex');

/**
 * A certs-only CMS SignedData (RFC 5652 §5, RFC 7030 §4.1.3): version 1, no digest
 * algorithms, no content, the certificates, no signers. Assembled directly from the
 * certificates' DER, because re-encoding them through an ASN.1 schema cost more than the
 * whole rest of an enrolment under load.
 */
export function certsOnlyDer(certs: Uint8Array[]): Uint8Array {
  const signedData = derNode(0x30,
    Buffer.from([0x02, 0x01, 0x01]), // version 1
    Buffer.from([0x31, 0x00]), // digestAlgorithms: empty SET
    derNode(0x30, ID_DATA), // encapContentInfo without eContent
    derNode(0xa0, ...certs), // [0] IMPLICIT CertificateSet
    Buffer.from([0x31, 0x00])); // signerInfos: empty SET
  return derNode(0x30, ID_SIGNED_DATA, derNode(0xa0, signedData));
}

/** SubjectPublicKeyInfo → the subjectPublicKey bits (for the RFC 5280 §4.2.1.2 key identifier). */
export function spkiKeyBits(spki: Uint8Array): Uint8Array {
  const outer = tlv(spki, 0);
  const bits = tlv(spki, tlv(spki, outer.start).end);
  if (bits.tag !== 0x03) throw new Error('subjectPublicKey is not a BIT STRING');
  return spki.subarray(bits.start + 1, bits.end);
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

/**
 * A CsrAttrs as independent servers send it (RFC 7030 §4.5.2's example, with the key and hash
 * this bank accepts): challengePassword, an EC key on secp256r1, an extensionRequest asking
 * for a macAddress, and sha256WithRSAEncryption — more than one client could honour at once.
 */
export const CSR_ATTRS_RICH_DER = derNode(0x30,
  Buffer.from('06092a864886f70d010907', 'hex'), // challengePassword
  derNode(0x30, Buffer.from('06072a8648ce3d0201', 'hex'), derNode(0x31, Buffer.from('06082a8648ce3d030107', 'hex'))), // ecPublicKey, secp256r1
  derNode(0x30, Buffer.from('06092a864886f70d01090e', 'hex'), derNode(0x31, Buffer.from('06072b060101010116', 'hex'))), // extensionRequest: macAddress
  Buffer.from('06092a864886f70d01010b', 'hex')); // sha256WithRSAEncryption

/** CsrAttrs (RFC 7030 §4.5.2): the signature algorithms the bank accepts. */
export const CSR_ATTRS_DER = new Uint8Array([
  0x30, 0x15,
  0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, // sha256WithRSAEncryption
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02, // ecdsa-with-SHA256
]);
