// The pki module's surface (docs/core-modules.md); everything else in this folder is private.
export { pemToDer, derToPem, sha256Hex, sha1Hex } from './encoding';
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
