// One parse of a certificate, shared by inspection, requests and verification.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ErrorCode } from '../../../shared/contract';
import { CoreError } from '../errors';
import { children, isContext, isUniversal, oidOf, parseDer, rawOf, tryParse, type Asn1 } from './asn1';
import './engine';

export interface ParsedCertificate {
  der: Uint8Array;
  cert: pkijs.Certificate;
  subjectBlock: Asn1;
  issuerBlock: Asn1;
  /** Exact bytes of the subject Name. */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  spkiDer: Uint8Array;
  extensions: Map<string, { critical: boolean; value: Uint8Array }>;
}

// A renewal meets the same few certificates again and again (cacerts checks each against the
// others, then the issued one, the store's listing, the read-back): a parse depends on the
// DER alone, so successful ones are kept by their bytes (bounded; failures are not kept, so
// each caller still gets its own message). The parse reads a private copy: asn1js's views
// point into the input, which a caller may reuse.
const parsedByDer = new Map<string, ParsedCertificate>();
const PARSED_KEPT = 128;

export function parseCertificate(der: Uint8Array, what = 'certificate', code: ErrorCode = 'BAD_RESPONSE'): ParsedCertificate {
  if (!(der instanceof Uint8Array)) return parseFresh(der, what, code);
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  const known = parsedByDer.get(key);
  if (known) return known;
  const parsed = parseFresh(der.slice(), what, code);
  if (parsedByDer.size >= PARSED_KEPT) parsedByDer.delete(parsedByDer.keys().next().value!);
  parsedByDer.set(key, parsed);
  return parsed;
}

function parseFresh(der: Uint8Array, what: string, code: ErrorCode): ParsedCertificate {
  const bad = (why: string) => new CoreError(code, `The ${what} is not a valid X.509 certificate (${why}).`, { reason: 'BAD_CERTIFICATE' });
  if (!(der instanceof Uint8Array)) throw bad('not bytes');
  let block: Asn1;
  try {
    block = parseDer(der, what, code);
  } catch (e) {
    if (e instanceof CoreError) throw new CoreError(code, e.message, { reason: 'BAD_CERTIFICATE', derError: String(e.detail?.reason ?? '') });
    throw e;
  }
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: block });
  } catch {
    throw bad('its structure does not match RFC 5280');
  }
  const tbs = children(block)[0];
  if (!tbs) throw bad('no tbsCertificate');
  const tbsParts = children(tbs);
  const off = tbsParts[0] && isContext(tbsParts[0], 0) ? 1 : 0;
  const issuerBlock = tbsParts[off + 2];
  const subjectBlock = tbsParts[off + 4];
  const spki = tbsParts[off + 5];
  if (!issuerBlock || !subjectBlock || !spki) throw bad('missing fields');
  const extensions = new Map<string, { critical: boolean; value: Uint8Array }>();
  for (const ext of cert.extensions ?? []) {
    if (extensions.has(ext.extnID)) throw bad(`extension ${ext.extnID} appears twice`);
    extensions.set(ext.extnID, { critical: ext.critical, value: ext.extnValue.valueBlock.valueHexView });
  }
  return {
    der,
    cert,
    subjectBlock,
    issuerBlock,
    subjectDer: rawOf(subjectBlock),
    issuerDer: rawOf(issuerBlock),
    spkiDer: rawOf(spki),
    extensions,
  };
}

/** The subject Name of a certificate, its exact bytes (for a renewal request). */
export function subjectDerOf(certDer: Uint8Array): Uint8Array {
  return parseCertificate(certDer, 'certificate', 'INVALID_INPUT').subjectDer.slice();
}

// ---- extensions, read leniently for display but never with an exception ----

export const OID_KU = '2.5.29.15';
export const OID_EKU = '2.5.29.37';
export const OID_SAN = '2.5.29.17';
export const OID_BC = '2.5.29.19';
export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const OID_ANY_EKU = '2.5.29.37.0';

const KU_NAMES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

function extBlock(p: ParsedCertificate, oid: string): Asn1 | undefined {
  const e = p.extensions.get(oid);
  if (!e) return undefined;
  const block = tryParse(e.value);
  if (!block) throw new CoreError('BAD_RESPONSE', `The certificate's extension ${oid} is malformed.`, { reason: 'BAD_CERTIFICATE' });
  return block;
}

/** Key usage names, or undefined when the extension is absent. */
export function keyUsageOf(p: ParsedCertificate): string[] | undefined {
  const b = extBlock(p, OID_KU);
  if (!b) return undefined;
  if (!(b instanceof asn1js.BitString)) throw new CoreError('BAD_RESPONSE', 'The certificate\'s key usage is not a BIT STRING.', { reason: 'BAD_CERTIFICATE' });
  const bits = b.valueBlock.valueHexView;
  return KU_NAMES.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

/** EKU OIDs, or undefined when the extension is absent. */
export function ekuOf(p: ParsedCertificate): string[] | undefined {
  const b = extBlock(p, OID_EKU);
  if (!b) return undefined;
  const oids = children(b).map(oidOf);
  if (!isUniversal(b, 16) || oids.some((o) => o === undefined)) {
    throw new CoreError('BAD_RESPONSE', 'The certificate\'s extended key usage is malformed.', { reason: 'BAD_CERTIFICATE' });
  }
  return oids as string[];
}

export function isCaOf(p: ParsedCertificate): boolean {
  const b = extBlock(p, OID_BC);
  if (!b) return false;
  const first = children(b)[0];
  return first instanceof asn1js.Boolean && first.valueBlock.value;
}

export function sanOf(p: ParsedCertificate): string[] {
  const b = extBlock(p, OID_SAN);
  if (!b) return [];
  return children(b).map((gn) => {
    const tag = gn.idBlock.tagNumber;
    const whole = gn.valueBeforeDecodeView;
    const content = whole.subarray(gn.idBlock.blockLength + gn.lenBlock.blockLength);
    const text = Buffer.from(content).toString('latin1');
    if (gn.idBlock.tagClass !== 3) return 'unknown';
    switch (tag) {
      case 1:
        return `email:${text}`;
      case 2:
        return `DNS:${text}`;
      case 6:
        return `URI:${text}`;
      case 7:
        return `IP:${ipText(content)}`;
      case 4:
        return 'DirName';
      default:
        return `othername:${tag}`;
    }
  });
}

function ipText(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
    return groups.join(':');
  }
  return Buffer.from(b).toString('hex');
}

export const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** TLS client auth needs clientAuth (or no EKU) and, where key usage is given, digitalSignature. */
export function clientAuthUsable(p: ParsedCertificate): boolean {
  const eku = ekuOf(p);
  const ku = keyUsageOf(p);
  const ekuOk = eku === undefined || eku.includes(OID_CLIENT_AUTH) || eku.includes(OID_ANY_EKU);
  return ekuOk && (ku === undefined || ku.includes('digitalSignature'));
}
