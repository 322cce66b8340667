// X.501 Names: read them with every RDN kept apart, write them one attribute per RDN.
import type { ErrorCode } from '../../../shared/contract';
import type { DistinguishedName, RdnAttribute } from '../../../shared/domain';
import { fillSubjectTemplate, NAME_ATTRIBUTES, parseSubjectTemplate } from '../../../shared/policy';
import { CoreError } from '../errors';
import { children, isUniversal, oidOf, type Asn1 } from './asn1';
import { der, tlv } from './encoding';

const SHORT: Record<string, string> = Object.fromEntries(Object.entries(NAME_ATTRIBUTES).map(([name, oid]) => [oid, name]));

const STRING_TYPES: Record<number, string> = {
  12: 'UTF8String',
  18: 'NumericString',
  19: 'PrintableString',
  20: 'TeletexString',
  22: 'IA5String',
  26: 'VisibleString',
  28: 'UniversalString',
  30: 'BMPString',
};

function decodeString(tag: number, bytes: Uint8Array): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (tag) {
    case 12:
      return new TextDecoder('utf-8').decode(bytes);
    case 30: {
      let s = '';
      for (let i = 0; i + 1 < buf.length; i += 2) s += String.fromCharCode(buf.readUInt16BE(i));
      return s;
    }
    case 28: {
      let s = '';
      for (let i = 0; i + 3 < buf.length; i += 4) {
        const cp = buf.readUInt32BE(i);
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default:
      return buf.toString('latin1');
  }
}

/** Reads a Name from its parsed block; `what` names it in errors ("subject", "issuer"). */
export function readName(block: Asn1 | undefined, what: string, code: ErrorCode = 'BAD_RESPONSE'): DistinguishedName {
  const fail = () => new CoreError(code, `The ${what} is not a valid X.501 name.`, { reason: code === 'BAD_RESPONSE' ? 'BAD_CERTIFICATE' : 'BAD_NAME' });
  if (!block || !isUniversal(block, 16)) throw fail();
  const rdns: RdnAttribute[][] = [];
  for (const set of children(block)) {
    if (!isUniversal(set, 17) || children(set).length === 0) throw fail();
    const rdn: RdnAttribute[] = [];
    for (const atv of children(set)) {
      const [type, value] = children(atv);
      const oid = oidOf(type);
      if (!isUniversal(atv, 16) || !oid || !value || children(atv).length !== 2) throw fail();
      const tag = value.idBlock.tagNumber;
      const encoding = value.idBlock.tagClass === 1 && !value.idBlock.isConstructed ? STRING_TYPES[tag] : undefined;
      const whole = value.valueBeforeDecodeView;
      const raw = whole.subarray(value.idBlock.blockLength + value.lenBlock.blockLength);
      rdn.push({
        oid,
        name: SHORT[oid] ?? oid,
        value: encoding ? decodeString(tag, raw) : `#${Buffer.from(value.valueBeforeDecodeView).toString('hex')}`,
        encoding: encoding ?? 'other',
      });
    }
    rdns.push(rdn);
  }
  return { rdns, text: nameText(rdns) };
}

function escapeValue(v: string): string {
  return v.replace(/([,+"\\<>;=])/g, '\\$1');
}

export function nameText(rdns: RdnAttribute[][]): string {
  return rdns.map((rdn) => rdn.map((a) => `${a.name}=${escapeValue(a.value)}`).join(' + ')).join(', ');
}

export interface SubjectAttribute {
  oid: string;
  value: string;
  encoding?: 'utf8' | 'printable';
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const OID_RE = /^[0-2](\.(0|[1-9][0-9]*))+$/;
// X.520: countryName, serialNumber and dnQualifier are PrintableString only.
const PRINTABLE_ONLY = new Set(['2.5.4.6', '2.5.4.5', '2.5.4.46']);

/** A Name with one attribute per RDN (pkijs would put them all in one multi-valued RDN). */
export function buildNameDer(attrs: SubjectAttribute[]): Uint8Array {
  const rdns = attrs.map((a) => {
    if (!OID_RE.test(a.oid)) throw new CoreError('INVALID_INPUT', `"${a.oid}" is not a dotted OID for a subject attribute.`, { field: 'subject' });
    if (a.value.length === 0) throw new CoreError('INVALID_INPUT', `The subject attribute ${SHORT[a.oid] ?? a.oid} is empty.`, { field: 'subject' });
    const encoding = a.encoding ?? (PRINTABLE_ONLY.has(a.oid) ? 'printable' : 'utf8');
    if (encoding === 'printable' && !PRINTABLE.test(a.value)) {
      throw new CoreError('INVALID_INPUT', `The subject attribute ${SHORT[a.oid] ?? a.oid} has characters a PrintableString cannot hold; use UTF8String.`, { field: 'subject' });
    }
    const value = encoding === 'printable' ? tlv(0x13, Buffer.from(a.value, 'latin1')) : tlv(0x0c, Buffer.from(a.value, 'utf8'));
    return der.set(der.seq(der.oid(a.oid), value));
  });
  return der.seq(...rdns);
}

/**
 * The policy's `acquireSubject` for this login ID, as a Name: UTF8String values (X.520's
 * PrintableString-only attributes, such as C, stay PrintableString), one attribute per RDN.
 */
export function subjectFromTemplate(template: string, loginId: string): Uint8Array {
  let attrs;
  try {
    attrs = parseSubjectTemplate(template);
  } catch (e) {
    throw new CoreError('POLICY_INVALID', `The policy's acquireSubject ${(e as Error).message}. Ask your IT department to correct it.`, { field: 'acquireSubject' });
  }
  return buildNameDer(fillSubjectTemplate(attrs, loginId));
}
