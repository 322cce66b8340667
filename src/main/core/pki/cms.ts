// CMS certs-only (RFC 5652 degenerate SignedData), the body of EST cacerts/enroll answers.
import { CoreError } from '../errors';
import { children, isContext, isUniversal, oidOf, parseDer, rawOf, type Asn1 } from './asn1';
import { decodeBase64, der, pemToDer } from './encoding';
import type { ReasonOf } from '../../../shared/contract';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

const bad = (reason: ReasonOf<'BAD_RESPONSE'>, message: string) => new CoreError('BAD_RESPONSE', message, { reason });

/** Base64 text (any line breaks, CRLF, trailing newline), PEM, or DER → DER. */
function toDer(body: Uint8Array | string): Uint8Array {
  if (typeof body !== 'string') {
    if (!(body instanceof Uint8Array)) throw bad('MALFORMED', 'The certificate response must be text or bytes.');
    if (!looksLikeText(body)) return body;
    body = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  }
  if (body.includes('-----BEGIN')) {
    try {
      return pemToDer(body)[0]!;
    } catch {
      throw bad('BAD_BASE64', 'The certificate response is PEM with broken base64. The bank sent a damaged answer; try again later.');
    }
  }
  const decoded = decodeBase64(body);
  if (!decoded) throw bad('BAD_BASE64', 'The certificate response is not valid base64. The bank sent a damaged answer; try again later.');
  return decoded;
}

/** DER of a ContentInfo starts with 0x30 and holds an OID tag (0x06), never all-printable. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.byteLength === 0) return true;
  for (const b of bytes) {
    const printable = (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09;
    if (!printable) return false;
  }
  return true;
}

/**
 * The certificates of a certs-only CMS, each as its exact bytes in the message.
 * Rejects anything that is not exactly that: other content types, signers, no certificates.
 */
export function parseCertsOnly(body: Uint8Array | string): Uint8Array[] {
  const bytes = toDer(body);
  const root = parseDer(bytes, 'certificate response (CMS)');
  const [typeBlock, wrapped, ...rest] = children(root);
  if (!isUniversal(root, 16) || !typeBlock || !wrapped || rest.length > 0) {
    throw bad('MALFORMED', 'The certificate response is not a CMS ContentInfo.');
  }
  const contentType = oidOf(typeBlock);
  if (contentType !== OID_SIGNED_DATA) {
    throw bad('WRONG_CONTENT_TYPE', `The certificate response has content type ${contentType ?? '(none)'}, not signed-data (certs-only) as EST requires.`);
  }
  const [signedData] = children(wrapped);
  if (!isContext(wrapped, 0) || !signedData || !isUniversal(signedData, 16)) {
    throw bad('MALFORMED', 'The certificate response has no signed-data content.');
  }
  const parts = children(signedData);
  const [version, digestAlgs, encap] = parts;
  const signerInfos = parts[parts.length - 1];
  if (!version || !isUniversal(version, 2) || !digestAlgs || !isUniversal(digestAlgs, 17) || !encap || !isUniversal(encap, 16) || !signerInfos || !isUniversal(signerInfos, 17) || parts.length < 4) {
    throw bad('MALFORMED', 'The certificate response is not a well-formed signed-data.');
  }
  if (children(signerInfos).length > 0) {
    throw bad('HAS_SIGNERS', 'The certificate response is signed data with signers, not the certs-only message EST answers with.');
  }
  const certSet = parts.slice(3, -1).find((p) => isContext(p, 0));
  const certs = certSet ? children(certSet) : [];
  if (certs.length === 0) throw bad('NO_CERTIFICATES', 'The certificate response contains no certificate.');
  return certs.map(certificateBytes);
}

/**
 * The shape of an X.509 certificate (tbs, algorithm, signature). The full parse happens once,
 * where the certificate is used (verifyChain, inspectCertificate), not here as well.
 */
function certificateBytes(block: Asn1, index: number): Uint8Array {
  const [tbs, alg, sig, ...rest] = children(block);
  const shaped = isUniversal(block, 16) && block.idBlock.isConstructed && tbs && isUniversal(tbs, 16) && children(tbs).length >= 6 && alg && isUniversal(alg, 16) && sig && isUniversal(sig, 3) && rest.length === 0;
  if (!shaped) throw bad('BAD_CERTIFICATE', `Entry ${index + 1} of the certificate response is not an X.509 certificate.`);
  return rawOf(block).slice();
}

/** A certs-only CMS (DER) holding `certs` byte-for-byte, as an EST server sends it. */
export function buildCertsOnly(certs: Uint8Array[]): Uint8Array {
  return der.seq(
    der.oid(OID_SIGNED_DATA),
    der.ctx(0, der.seq(der.int(1), der.set(), der.seq(der.oid(OID_DATA)), der.ctx(0, ...certs), der.set())),
  );
}
