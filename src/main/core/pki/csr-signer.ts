// A PKCS#10 request signed by a key that CertDesk never holds (a PKCS#11 token, the NSS
// db's own softoken): the request's body is encoded here and handed to a callback that
// signs it where the key lives. Same shape as buildCsr (subject bytes kept, empty
// attribute set), so a bank sees no difference between a software key and a token key.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseDer } from './asn1';
import { derToPem, u8 } from './encoding';
import { readName } from './name';

export type RequestKeyAlgorithm = 'rsa' | 'ecdsa';
export type RequestHash = 'SHA-256' | 'SHA-384';

/**
 * Signs the DER of the request's body with the request's hash and returns the signature as X.509 wants
 * it: RSA PKCS#1 v1.5 bytes, or ECDSA as the DER SEQUENCE { r, s } (see ecdsaRawToDer).
 */
export type RequestSigner = (tbs: Uint8Array) => Promise<Uint8Array>;

export interface SignedCsrOptions {
  /** The Name's exact DER; kept byte for byte. */
  subjectDer: Uint8Array;
  /** SubjectPublicKeyInfo DER of the key that signs. */
  spkiDer: Uint8Array;
  algorithm: RequestKeyAlgorithm;
  /** Default SHA-256; a bank's /csrattrs may ask for SHA-384. */
  hash?: RequestHash;
  sign: RequestSigner;
  /** Attribute SEQUENCEs to carry in the request's attribute set, DER. */
  attributesDer?: Uint8Array[];
}

const SIGNATURE_OID: Record<RequestKeyAlgorithm, Record<RequestHash, string>> = {
  rsa: { 'SHA-256': '1.2.840.113549.1.1.11', 'SHA-384': '1.2.840.113549.1.1.12' },
  ecdsa: { 'SHA-256': '1.2.840.10045.4.3.2', 'SHA-384': '1.2.840.10045.4.3.3' },
};

/**
 * The request's body, encoded now, and the function that completes the request with its
 * signature: both synchronous, so that a token session can sign and close in one go.
 */
export function csrToBeSigned(opts: Omit<SignedCsrOptions, 'sign'>): { tbs: Uint8Array; complete(signature: Uint8Array): { der: Uint8Array; pem: string } } {
  const nameBlock = parseDer(opts.subjectDer, 'subject name', 'INVALID_INPUT');
  readName(nameBlock, 'subject', 'INVALID_INPUT');
  const csr = new pkijs.CertificationRequest();
  csr.subject = new pkijs.RelativeDistinguishedNames({ schema: nameBlock });
  csr.subjectPublicKeyInfo = new pkijs.PublicKeyInfo({ schema: parseDer(opts.spkiDer, 'public key', 'INVALID_INPUT') });
  csr.attributes = (opts.attributesDer ?? []).map((a) => new pkijs.Attribute({ schema: parseDer(a, 'request attribute', 'INVALID_INPUT') }));
  const algorithmId = SIGNATURE_OID[opts.algorithm][opts.hash ?? 'SHA-256'];
  // RSA's signature algorithms carry NULL parameters, ECDSA's none (RFC 4055, RFC 5758).
  csr.signatureAlgorithm = opts.algorithm === 'rsa' ? new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams: new asn1js.Null() }) : new pkijs.AlgorithmIdentifier({ algorithmId });
  // encodeTBS is what pkijs's own sign() encodes; it is protected only in the typings.
  const tbs = u8((csr as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false));
  csr.tbsView = tbs;
  return {
    tbs,
    complete(signature) {
      csr.signatureValue = new asn1js.BitString({ valueHex: signature.slice().buffer as ArrayBuffer });
      const der = u8(csr.toSchema().toBER(false));
      return { der, pem: derToPem(der, 'CERTIFICATE REQUEST') };
    },
  };
}
