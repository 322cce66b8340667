// What a key kept outside CertDesk (a PKCS#11 token) needs from the PKI code: its public key
// as an SPKI from the token's attributes, its signatures in X.509's form, and the fields of
// a certificate that PKCS#11 stores as attributes beside its bytes.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CoreError } from '../errors';
import { parseDer } from './asn1';
import { parseCertificate } from './certificate';
import { u8 } from './encoding';

/** PKCS#11's ECDSA signature (r || s, each the curve's size) as X.509's DER SEQUENCE { INTEGER r, INTEGER s }. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (raw.byteLength === 0 || raw.byteLength % 2 !== 0) {
    throw new CoreError('INTERNAL', `The token returned an ECDSA signature of ${raw.byteLength} bytes, which is not r || s.`, { reason: 'BAD_SIGNATURE' });
  }
  const half = raw.byteLength / 2;
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    // A leading 1 bit would make the INTEGER negative: DER wants a zero byte before it.
    const body = v[0]! & 0x80 ? Uint8Array.from([0, ...v]) : v;
    return new asn1js.Integer({ valueHex: body.slice().buffer as ArrayBuffer });
  };
  return u8(new asn1js.Sequence({ value: [int(raw.subarray(0, half)), int(raw.subarray(half))] }).toBER(false));
}

/**
 * The raw EC point (04 || x || y) inside PKCS#11's CKA_EC_POINT: a DER OCTET STRING around
 * it per the standard (NSS, softhsm2, tpm2-pkcs11), or the bare point from a few older tokens.
 */
export function ecPointOf(ckaEcPoint: Uint8Array): Uint8Array {
  if (ckaEcPoint[0] === 0x04 && ckaEcPoint[1] === ckaEcPoint.byteLength - 2) {
    const block = parseDer(ckaEcPoint, 'EC point', 'INTERNAL');
    if (block instanceof asn1js.OctetString && block.valueBlock.valueHexView[0] === 0x04) return u8(block.valueBlock.valueHexView);
  }
  if (ckaEcPoint[0] === 0x04) return ckaEcPoint;
  throw new CoreError('INTERNAL', 'The token returned an EC point that is neither an uncompressed point nor an OCTET STRING around one.', { reason: 'BAD_EC_POINT' });
}

const P256_SPKI_PREFIX = '3059301306072a8648ce3d020106082a8648ce3d030107034200';

/** SubjectPublicKeyInfo DER of a P-256 point (04 || x || y, 65 bytes). */
export function p256Spki(point: Uint8Array): Uint8Array {
  if (point.byteLength !== 65 || point[0] !== 0x04) throw new CoreError('INTERNAL', `The token returned a P-256 point of ${point.byteLength} bytes; an uncompressed point has 65.`, { reason: 'BAD_EC_POINT' });
  return Uint8Array.from([...Buffer.from(P256_SPKI_PREFIX, 'hex'), ...point]);
}

/** SubjectPublicKeyInfo DER of an RSA key from its modulus and public exponent (unsigned big-endian bytes). */
export function rsaSpki(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  const positive = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.subarray(i);
    return new asn1js.Integer({ valueHex: (v[0]! & 0x80 ? Uint8Array.from([0, ...v]) : v.slice()).buffer as ArrayBuffer });
  };
  const rsaPublicKey = new asn1js.Sequence({ value: [positive(modulus), positive(exponent)] }).toBER(false);
  const spki = new pkijs.PublicKeyInfo();
  spki.algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.1', algorithmParams: new asn1js.Null() });
  spki.subjectPublicKey = new asn1js.BitString({ valueHex: rsaPublicKey });
  return u8(spki.toSchema().toBER(false));
}

const DIGEST_INFO_PREFIX = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
} as const;

/** DigestInfo around a hash: what CKM_RSA_PKCS signs to make a PKCS#1 v1.5 signature. */
export function digestInfo(hashName: keyof typeof DIGEST_INFO_PREFIX, hash: Uint8Array): Uint8Array {
  return Uint8Array.from([...Buffer.from(DIGEST_INFO_PREFIX[hashName], 'hex'), ...hash]);
}

/** The attributes PKCS#11 keeps beside a certificate's bytes: subject, issuer (exact DER) and the serial number as a DER INTEGER. */
export function certificateObjectFields(der: Uint8Array): { subjectDer: Uint8Array; issuerDer: Uint8Array; serialDer: Uint8Array; spkiDer: Uint8Array } {
  const p = parseCertificate(der, 'certificate', 'INVALID_INPUT');
  return { subjectDer: p.subjectDer, issuerDer: p.issuerDer, serialDer: u8(p.cert.serialNumber.toBER(false)), spkiDer: p.spkiDer };
}
