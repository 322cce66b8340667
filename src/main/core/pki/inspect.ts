// What a certificate says, for the UI, the CLI and the helpdesk; what a store or a renewal
// knows about it (its key, its chain) they add themselves (renewal/details).
import * as asn1js from 'asn1js';
import type { CertificateDetails } from '../../../shared/domain';
import { CoreError } from '../errors';
import { children, oidOf, tryParse } from './asn1';
import { EKU_NAMES, clientAuthUsable, ekuOf, isCaOf, keyUsageOf, parseCertificate, sanOf, type ParsedCertificate } from './certificate';
import { bytesEqual, derToPem, sha1Hex, sha256Hex, toHex } from './encoding';
import { readName } from './name';

/** CertificateDetails without the facts only the store knows. */
export type CertificateInspection = Omit<CertificateDetails, 'facts'> & { facts: Pick<CertificateDetails['facts'], 'clientAuthUsable' | 'selfSigned'> };

const CURVES: Record<string, { name: string; size: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', size: 256 },
  '1.3.132.0.34': { name: 'P-384', size: 384 },
  '1.3.132.0.35': { name: 'P-521', size: 521 },
};

function keyInfo(p: ParsedCertificate): Pick<CertificateDetails, 'keyAlgorithm' | 'keySize' | 'curve'> {
  const spki = p.cert.subjectPublicKeyInfo;
  const alg = spki.algorithm.algorithmId;
  if (alg === '1.2.840.113549.1.1.1') {
    const modulus = children(tryParse(spki.subjectPublicKey.valueBlock.valueHexView))[0];
    if (!(modulus instanceof asn1js.Integer)) {
      throw new CoreError('BAD_RESPONSE', 'The certificate\'s RSA public key is malformed.', { reason: 'BAD_CERTIFICATE' });
    }
    return { keyAlgorithm: 'RSA', keySize: bitLength(modulus.valueBlock.valueHexView) };
  }
  if (alg === '1.2.840.10045.2.1') {
    const curve = CURVES[oidOf(spki.algorithm.algorithmParams as asn1js.AsnType) ?? ''];
    return curve ? { keyAlgorithm: 'EC', keySize: curve.size, curve: curve.name } : { keyAlgorithm: 'EC', keySize: 0 };
  }
  return { keyAlgorithm: 'other', keySize: 0 };
}

function bitLength(unsigned: Uint8Array): number {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  if (i === unsigned.length) return 0;
  return (unsigned.length - i - 1) * 8 + (32 - Math.clz32(unsigned[i]!));
}

/**
 * The serial as `openssl x509 -serial` prints it, in lower case: the magnitude in whole bytes
 * (`00`, `01`, `86eb`, `0100`), `-` before a negative one. A DER INTEGER is signed: RFC 5280
 * wants positive serials but asks users to tolerate others, and CAs have issued negative
 * ones (content 86 eb is -7915, not 86eb). A padded encoding (00 01), which openssl refuses
 * to read, shows its value.
 */
function serialHex(p: ParsedCertificate): string {
  const bytes = p.cert.serialNumber.valueBlock.valueHexView;
  const raw = bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
  const negative = bytes.length > 0 && bytes[0]! >= 0x80;
  const magnitude = negative ? (1n << BigInt(bytes.length * 8)) - raw : raw;
  const hex = magnitude.toString(16);
  return `${negative ? '-' : ''}${hex.length % 2 === 0 ? hex : `0${hex}`}`;
}

export function inspectParsed(p: ParsedCertificate): CertificateInspection {
  const subject = readName(p.subjectBlock, 'certificate subject');
  const issuer = readName(p.issuerBlock, 'certificate issuer');
  const eku = ekuOf(p) ?? [];
  const details: CertificateInspection = {
    subject,
    issuer,
    serialHex: serialHex(p),
    notBefore: isoOf(p.cert.notBefore.value),
    notAfter: isoOf(p.cert.notAfter.value),
    sha256: sha256Hex(p.der),
    sha1: sha1Hex(p.der),
    ...keyInfo(p),
    keyUsage: keyUsageOf(p) ?? [],
    extendedKeyUsage: eku.map((o) => EKU_NAMES[o] ?? o),
    subjectAltNames: sanOf(p),
    isCA: isCaOf(p),
    facts: {
      clientAuthUsable: clientAuthUsable(p),
      selfSigned: bytesEqual(p.subjectDer, p.issuerDer),
    },
    pem: derToPem(p.der, 'CERTIFICATE'),
  };
  return details;
}

function isoOf(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new CoreError('BAD_RESPONSE', 'The certificate has an invalid validity date.', { reason: 'BAD_CERTIFICATE' });
  return d.toISOString();
}

/** Everything the helpdesk asks about one certificate (DER). `selfSigned` compares names only. */
export function inspectCertificate(der: Uint8Array): CertificateInspection {
  return inspectParsed(parseCertificate(der));
}
