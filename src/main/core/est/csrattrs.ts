// What a bank's /csrattrs (RFC 7030 §4.5.2) asks of the request, in the terms CertDesk can
// honour: a key type and a signature hash. Everything else is named in `ignored`, for the log.
import * as asn1js from 'asn1js';
import type { KeyType } from '../../../shared/policy';
import { CoreError } from '../errors';

export type SignatureHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface CsrAttrsWishes {
  keyType?: KeyType;
  hash?: SignatureHash;
  /** One line per attribute or OID CertDesk does not act on, with why. */
  ignored: string[];
}

const HASH_OF: Record<string, SignatureHash> = {
  '1.2.840.113549.1.1.11': 'SHA-256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'SHA-384',
  '1.2.840.113549.1.1.13': 'SHA-512',
  '1.2.840.10045.4.3.2': 'SHA-256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'SHA-384',
  '1.2.840.10045.4.3.4': 'SHA-512',
};
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const P256 = '1.2.840.10045.3.1.7';
const NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.7': 'challengePassword',
  '1.2.840.113549.1.9.14': 'extensionRequest',
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
  const out: CsrAttrsWishes = { ignored: [] };
  for (const item of r.result.valueBlock.value) {
    const oid = oidText(item);
    if (oid !== undefined) {
      const hash = HASH_OF[oid];
      if (hash) out.hash ??= hash;
      else out.ignored.push(`${nameOf(oid)}: CertDesk does not add it to the request`);
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
      else out.ignored.push(`ecPublicKey on ${curve ? nameOf(curve) : 'an unnamed curve'}: CertDesk makes P-256 keys only`);
    } else if (attr === RSA_ENCRYPTION) {
      const bits = first instanceof asn1js.Integer ? first.valueBlock.valueDec : undefined;
      if (bits === 2048) out.keyType ??= 'rsa2048';
      else if (bits === 3072) out.keyType ??= 'rsa3072';
      else out.ignored.push(`rsaEncryption of ${bits ?? 'unstated'} bits: CertDesk makes 2048- or 3072-bit RSA keys`);
    } else {
      const inner = values.valueBlock.value.map(oidText).filter((o): o is string => o !== undefined).map(nameOf);
      out.ignored.push(`${nameOf(attr)}${inner.length > 0 ? ` (${inner.join(', ')})` : ''}: CertDesk does not add it to the request`);
    }
  }
  return out;
}
