// How each kind of token wants its key templates, measured per kind (the tests make keys in
// each): one profile per kind, chosen from the target, as webcrypto-local's template builder
// does it. A module CertDesk has not measured gets the strict profile of the tokens it has.

/** How a token wants its key templates. */
export interface TemplateProfile {
  /** CKA_EXTRACTABLE of the private key. */
  extractable: boolean;
  /** The CKA_ID is set after generation (it depends on the public key); false: a token that refuses keeps the random ID it was made with. */
  idMustFollowConvention: boolean;
}

export type TokenKind = 'nssSoftoken' | 'softhsm2' | 'tpm2' | 'other';

export const TEMPLATE_PROFILES: Readonly<Record<TokenKind, TemplateProfile>> = {
  /**
   * Debian 12's NSS 3.87: the softoken accepts the key's CKA_ID after generation, and marks the
   * key non-extractable as asked but does not enforce it against its own tools (NSS's software
   * tier): `pk12util -o` and C_WrapKey (nss/lend) still export it for the command line's mutual TLS.
   */
  nssSoftoken: { extractable: false, idMustFollowConvention: true },
  /**
   * softhsm2 2.6.1: takes the templates for RSA-2048/3072 and P-256, keeps the key
   * non-extractable (CKR_KEY_UNEXTRACTABLE on C_WrapKey, CKR_ATTRIBUTE_SENSITIVE on the secret)
   * and accepts NSS's CKA_ID after generation.
   */
  softhsm2: { extractable: false, idMustFollowConvention: false },
  /**
   * tpm2-pkcs11 1.9 over swtpm 0.7: the same, with no C_WrapKey at all and no secret attribute;
   * it refuses an EC template that names CKA_ENCRYPT/DECRYPT even as false (keys.ts names neither),
   * and a request for an attribute an object lacks fails whole (objects.ts reads each alone then).
   */
  tpm2: { extractable: false, idMustFollowConvention: false },
  /** A smart card's module: non-extractable; a card that refuses the ID keeps the random one, and the certificate gets that one. */
  other: { extractable: false, idMustFollowConvention: false },
};

/** The kind of a module by its file name (libsofthsm2.so, libtpm2_pkcs11.so); anything else is `other`. */
export function tokenKindOf(modulePath: string): TokenKind {
  const file = modulePath.slice(modulePath.lastIndexOf('/') + 1);
  if (/^libsofthsm2\b/.test(file)) return 'softhsm2';
  if (/^libtpm2_pkcs11\b/.test(file)) return 'tpm2';
  if (/^libsoftokn3\b/.test(file)) return 'nssSoftoken';
  return 'other';
}
