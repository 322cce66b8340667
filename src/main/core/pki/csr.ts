// PKCS#10 requests: the subject copied byte-for-byte (renewal) or built one attribute per RDN (取得).
import * as pkijs from 'pkijs';
import { CoreError } from '../errors';
import { parseDer } from './asn1';
import { engine, type CryptoKeyPair } from './engine';
import { derToPem, u8 } from './encoding';
import { buildNameDer, readName, type SubjectAttribute } from './name';

export interface BuildCsrOptions {
  keys: CryptoKeyPair;
  /** The Name's exact DER, e.g. from subjectDerOf(current certificate). */
  subjectDer?: Uint8Array;
  subject?: SubjectAttribute[];
  /** The signature hash (default SHA-256; a bank's /csrattrs may ask for SHA-384). */
  hash?: 'SHA-256' | 'SHA-384';
  /** Extra attributes, each an Attribute SEQUENCE in DER (e.g. an extensionRequest). */
  attributesDer?: Uint8Array[];
}

export async function buildCsr(opts: BuildCsrOptions): Promise<{ der: Uint8Array; pem: string }> {
  const { keys, subjectDer, subject } = opts;
  if (!keys?.privateKey || !keys.publicKey) throw new CoreError('INVALID_INPUT', 'buildCsr needs a key pair.', { field: 'keys' });
  if ((subjectDer === undefined) === (subject === undefined)) {
    throw new CoreError('INVALID_INPUT', 'Give the request either subjectDer (renewal) or subject attributes (取得), exactly one.', { field: 'subject' });
  }
  const nameDer = subjectDer ?? buildNameDer(subject ?? []);
  const nameBlock = parseDer(nameDer, 'subject name', 'INVALID_INPUT');
  readName(nameBlock, 'subject', 'INVALID_INPUT'); // validates the structure before it goes into a request
  const csr = new pkijs.CertificationRequest();
  // Built from the parsed block, pkijs keeps the original bytes (valueBeforeDecode) on encode.
  csr.subject = new pkijs.RelativeDistinguishedNames({ schema: nameBlock });
  csr.attributes = (opts.attributesDer ?? []).map((d) => new pkijs.Attribute({ schema: parseDer(d, 'request attribute', 'INVALID_INPUT') }));
  try {
    await csr.subjectPublicKeyInfo.importKey(keys.publicKey as never, engine);
    await csr.sign(keys.privateKey as never, opts.hash ?? 'SHA-256', engine);
  } catch (e) {
    throw new CoreError('INVALID_INPUT', `The key pair cannot sign a request: ${(e as Error).message}`, { field: 'keys' }, { cause: e });
  }
  const der = u8(csr.toSchema().toBER(false));
  return { der, pem: derToPem(der, 'CERTIFICATE REQUEST') };
}
