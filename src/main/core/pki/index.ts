// The pki module's surface (docs/core-modules.md); everything else in this folder is private.
export { pemToDer, derToPem, sha256Hex, sha1Hex, bytesEqual, decodeBase64 } from './encoding';
// DER reading for the stores' own formats (NSS key bags, certreq's files): the same parser, bounded as pki's.
export { children, isContext, isUniversal, oidOf, parseDer, rawOf, type Asn1 } from './asn1';
export { parseCertsOnly, buildCertsOnly } from './cms';
export { inspectCertificate, type CertificateInspection } from './inspect';
export { subjectDerOf } from './certificate';
export { subjectFromTemplate } from './name';
export { generateKeyPair, exportPkcs8, importPkcs8 } from './keys';
export { buildCsr } from './csr';
export { screenCaCertificates, verifyCaCertificate, verifyChain, verifyIssued } from './verify';
export { buildPkcs12, decryptPbes2PrivateKey } from './pkcs12';
export { csrToBeSigned, type RequestSigner, type RequestKeyAlgorithm, type RequestHash } from './csr-signer';
export { ecdsaRawToDer, ecPointOf, p256Spki, rsaSpki, digestInfo, certificateObjectFields } from './external-key';
