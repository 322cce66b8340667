// Reading back the request certreq wrote: base64 between "NEW CERTIFICATE REQUEST" lines
// (certreq's own header; plain "CERTIFICATE REQUEST" and bare base64 are read too), then
// checked: well-formed, signed by the key it carries, the key type the policy asked for.
import { X509Certificate, createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyType } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import { children, decodeBase64, parseDer, rawOf } from '../../pki';

export interface ParsedRequest {
  der: Uint8Array;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
}

const bad = (what: string) =>
  new CoreError('STORE_WRITE_FAILED', `The request Windows' certreq wrote could not be read (${what}). Export diagnostics and contact support.`, { reason: 'BAD_REQUEST_FILE' });

export function readRequestFile(text: string): ParsedRequest {
  const body = text
    .replace(/^\uFEFF/, '')
    .replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, '')
    .trim();
  const der = decodeBase64(body);
  if (!der) throw bad('not base64');
  let root;
  try {
    root = parseDer(der, 'certificate request', 'STORE_WRITE_FAILED');
  } catch {
    throw bad('not DER');
  }
  const [info, alg, sig] = children(root);
  const [, subject, spki] = children(info);
  if (!info || !alg || !sig || !subject || !spki) throw bad('not a PKCS#10 request');
  const spkiDer = rawOf(spki);
  const sigBytes = Buffer.from(sig.valueBeforeDecodeView.subarray(sig.idBlock.blockLength + sig.lenBlock.blockLength + 1));
  let signed: boolean;
  try {
    signed = verify('sha256', rawOf(info), { key: createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }), dsaEncoding: 'der' }, sigBytes);
  } catch {
    signed = false;
  }
  if (!signed) throw bad('its signature does not verify with its own key');
  return { der, subjectDer: rawOf(subject), spkiDer };
}

/** The policy key type of a SubjectPublicKeyInfo, or null for anything else. */
export function keyTypeOf(spkiDer: Uint8Array): KeyType | null {
  try {
    const key = createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
    const d = key.asymmetricKeyDetails;
    if (key.asymmetricKeyType === 'ec') return d?.namedCurve === 'prime256v1' ? 'ecdsaP256' : null;
    if (key.asymmetricKeyType === 'rsa') return d?.modulusLength === 2048 ? 'rsa2048' : d?.modulusLength === 3072 ? 'rsa3072' : null;
    return null;
  } catch {
    return null;
  }
}

/** The custodian's key ID: SHA-256 of the SubjectPublicKeyInfo, lowercase hex. */
export function spkiKeyId(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}

/** The key ID of the key a certificate carries (the REQUEST store's placeholder or the issued one). */
export function certKeyId(certDer: Uint8Array): string | null {
  try {
    const spki = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
    return spkiKeyId(new Uint8Array(spki));
  } catch {
    return null;
  }
}
