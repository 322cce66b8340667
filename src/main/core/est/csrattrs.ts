// What a bank's /csrattrs (RFC 7030 §4.5.2) asks of the request, in the terms CertDesk can
// honour: a key type, a signature hash, and the keyUsage / extKeyUsage extensions a client
// certificate carries. Everything else is named in `ignored`, for the log. `requestShapeOf`
// then decides, against the policy, what the request is made of.
import * as asn1js from 'asn1js';
import type { KeyType } from '../../../shared/policy';
import type { RequestNote } from '../../../shared/request-notes';
import { CoreError } from '../errors';

/** The signature hashes CertDesk signs requests with (every key custodian can). */
export type SignatureHash = 'SHA-256' | 'SHA-384';

/** Request extensions CertDesk can fill in itself for a client certificate. */
export type RequestedExtension = 'keyUsage' | 'extKeyUsage';

export interface CsrAttrsWishes {
  keyType?: KeyType;
  hash?: SignatureHash;
  /** Asked for in an extensionRequest (or as a bare OID): keyUsage digitalSignature, extKeyUsage clientAuth. */
  extensions?: RequestedExtension[];
  /** One line per attribute or OID CertDesk does not act on, with why. */
  ignored: string[];
  /** The same as codes with parameters, for the front ends' words. */
  ignoredNotes: RequestNote[];
}

const HASH_OF: Record<string, SignatureHash> = {
  '1.2.840.113549.1.1.11': 'SHA-256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.10045.4.3.2': 'SHA-256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'SHA-384',
};
const EXTENSION_OF: Record<string, RequestedExtension> = { '2.5.29.15': 'keyUsage', '2.5.29.37': 'extKeyUsage' };
const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const P256 = '1.2.840.10045.3.1.7';
const NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.14': 'extensionRequest',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.6.1.1.1.1.22': 'macAddress',
  '2.5.29.17': 'subjectAltName',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
};
const nameOf = (oid: string) => NAMES[oid] ?? oid;

function bad(what: string): CoreError {
  return new CoreError('BAD_RESPONSE', `The bank's csrattrs answer is not a CsrAttrs list (${what}). Send the diagnostics to the helpdesk.`, { reason: 'BAD_CSRATTRS' });
}

const oidText = (b: asn1js.AsnType): string | undefined => (b instanceof asn1js.ObjectIdentifier ? b.valueBlock.toString() : undefined);

/** Reads a CsrAttrs DER; a wrong shape is BAD_RESPONSE, a wish CertDesk cannot meet goes to `ignored`. */
export function readCsrAttrs(der: Uint8Array): CsrAttrsWishes {
  const r = asn1js.fromBER(der);
  if (r.offset === -1 || r.offset !== der.byteLength || !(r.result instanceof asn1js.Sequence)) throw bad('not one DER SEQUENCE');
  const out: CsrAttrsWishes = { ignored: [], ignoredNotes: [] };
  const ignore = (line: string, note: RequestNote) => {
    out.ignored.push(line);
    out.ignoredNotes.push(note);
  };
  const askExtension = (oid: string): boolean => {
    const ext = EXTENSION_OF[oid];
    if (!ext) return false;
    out.extensions = [...new Set([...(out.extensions ?? []), ext])];
    return true;
  };
  for (const item of r.result.valueBlock.value) {
    const oid = oidText(item);
    if (oid !== undefined) {
      const hash = HASH_OF[oid];
      if (hash) out.hash ??= hash;
      else if (askExtension(oid)) continue;
      else if (oid === CHALLENGE_PASSWORD) ignore(CHALLENGE_PASSWORD_IGNORED, { code: 'CHALLENGE_PASSWORD' });
      else if (/SHA512/i.test(nameOf(oid))) ignore(`${nameOf(oid)}: CertDesk signs with SHA-256 or SHA-384`, { code: 'HASH_UNSUPPORTED', name: nameOf(oid) });
      else ignore(`${nameOf(oid)}: CertDesk does not add it to the request`, { code: 'NOT_ADDED', name: nameOf(oid) });
      continue;
    }
    if (!(item instanceof asn1js.Sequence)) throw bad('an entry is neither an OID nor an attribute');
    const [type, values] = item.valueBlock.value;
    const attr = type ? oidText(type) : undefined;
    if (!attr || !(values instanceof asn1js.Set)) throw bad('an attribute without type or values');
    const first = values.valueBlock.value[0];
    if (attr === EC_PUBLIC_KEY) {
      const curve = first ? oidText(first) : undefined;
      if (curve === P256) out.keyType ??= 'ecdsaP256';
      else ignore(`ecPublicKey on ${curve ? nameOf(curve) : 'an unnamed curve'}: CertDesk makes P-256 keys only`, { code: 'EC_CURVE', curve: curve ? nameOf(curve) : '?' });
    } else if (attr === RSA_ENCRYPTION) {
      const bits = first instanceof asn1js.Integer ? first.valueBlock.valueDec : undefined;
      if (bits === 2048) out.keyType ??= 'rsa2048';
      else if (bits === 3072) out.keyType ??= 'rsa3072';
      else ignore(`rsaEncryption of ${bits ?? 'unstated'} bits: CertDesk makes 2048- or 3072-bit RSA keys`, { code: 'RSA_SIZE', bits: bits === undefined ? '?' : String(bits) });
    } else if (attr === EXTENSION_REQUEST) {
      // The extensions asked for by OID: those of a client certificate are filled in, the rest named.
      const inner = values.valueBlock.value.map(oidText).filter((o): o is string => o !== undefined);
      const unknown = inner.filter((o) => !askExtension(o)).map(nameOf);
      if (unknown.length > 0 || inner.length === 0) ignore(`extensionRequest (${unknown.join(', ') || 'no OID'}): CertDesk cannot fill it in`, { code: 'EXTENSION_UNKNOWN', names: unknown.join(', ') || '-' });
    } else if (attr === CHALLENGE_PASSWORD) {
      ignore(CHALLENGE_PASSWORD_IGNORED, { code: 'CHALLENGE_PASSWORD' });
    } else {
      const inner = values.valueBlock.value.map(oidText).filter((o): o is string => o !== undefined).map(nameOf);
      const name = `${nameOf(attr)}${inner.length > 0 ? ` (${inner.join(', ')})` : ''}`;
      ignore(`${name}: CertDesk does not add it to the request`, { code: 'NOT_ADDED', name });
    }
  }
  return out;
}

// The request is kept in the journal in the clear, and TLS 1.3 has no tls-unique to put there
// (RFC 7030 §3.5): the password goes in the Basic header of 取得 only, never into the request.
const CHALLENGE_PASSWORD_IGNORED = 'challengePassword: CertDesk never puts a password into the request (取得 sends it in the HTTP Basic header only)';

/** What the request is made of; `honoured` and `ignored` say why, for the log, the preflight and doctor (no secret in either). */
export interface RequestShape {
  keyType: KeyType;
  hash: SignatureHash;
  /** Extra PKCS#10 attributes, each an Attribute SEQUENCE in DER (the key custody seam's KeyRequestSpec.attributesDer). */
  attributesDer: Uint8Array[];
  honoured: string[];
  ignored: string[];
  /** `honoured` and `ignored` as codes with parameters (the front ends' words). */
  notes: { honoured: RequestNote[]; ignored: RequestNote[] };
}

/** The request without /csrattrs (none, 404/501, empty): the policy's key type, SHA-256, nothing extra. */
export function defaultShape(keyType: KeyType): RequestShape {
  return { keyType, hash: 'SHA-256', attributesDer: [], honoured: [], ignored: [], notes: { honoured: [], ignored: [] } };
}

/**
 * The bank's wishes against the policy. The key type: a policy that sets keyType keeps it (the
 * bank's other wish is ignored, named); a policy that leaves it at its default takes the
 * supported type the bank asks for, since the bank's CA is what must accept it. The hash and
 * the client certificate's extensions are honoured as asked.
 */
export function requestShapeOf(wishes: CsrAttrsWishes | null, policy: { keyType: KeyType; keyTypeSet: boolean }): RequestShape {
  const shape = defaultShape(policy.keyType);
  if (!wishes) return shape;
  shape.ignored.push(...wishes.ignored);
  shape.notes.ignored.push(...(wishes.ignoredNotes ?? []));
  const honour = (line: string, note: RequestNote) => {
    shape.honoured.push(line);
    shape.notes.honoured.push(note);
  };
  if (wishes.keyType && wishes.keyType !== policy.keyType) {
    if (policy.keyTypeSet) {
      shape.ignored.push(`key type ${wishes.keyType}: the policy sets keyType ${policy.keyType}`);
      shape.notes.ignored.push({ code: 'KEY_TYPE_SET_BY_POLICY', asked: wishes.keyType, policy: policy.keyType });
    } else {
      shape.keyType = wishes.keyType;
      honour(`key type ${wishes.keyType} (the policy leaves keyType at its default)`, { code: 'KEY_TYPE', keyType: wishes.keyType, policyDefault: true });
    }
  } else if (wishes.keyType) honour(`key type ${wishes.keyType}`, { code: 'KEY_TYPE', keyType: wishes.keyType });
  if (wishes.hash) {
    shape.hash = wishes.hash;
    honour(`signature hash ${wishes.hash}`, { code: 'HASH', hash: wishes.hash });
  }
  if (wishes.extensions?.length) {
    shape.attributesDer.push(extensionRequestDer(wishes.extensions));
    for (const x of wishes.extensions) honour(x === 'keyUsage' ? 'keyUsage digitalSignature' : 'extKeyUsage clientAuth', { code: 'EXTENSION', extension: x });
  }
  return shape;
}

/** One extensionRequest attribute: keyUsage digitalSignature (critical), extKeyUsage clientAuth. */
function extensionRequestDer(extensions: RequestedExtension[]): Uint8Array {
  const ext = (oid: string, critical: boolean, value: asn1js.AsnType) =>
    new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: oid }), ...(critical ? [new asn1js.Boolean({ value: true })] : []), new asn1js.OctetString({ valueHex: value.toBER(false) })],
    });
  const list = extensions.map((x) =>
    x === 'keyUsage'
      ? ext('2.5.29.15', true, new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 }))
      : ext('2.5.29.37', false, new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '1.3.6.1.5.5.7.3.2' })] })),
  );
  const attr = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: EXTENSION_REQUEST }), new asn1js.Set({ value: [new asn1js.Sequence({ value: list })] })] });
  return new Uint8Array(attr.toBER(false));
}
