// The PKCS#11 numbers CertDesk uses, in one place, so that no module has to be loaded to name
// them: the standard ones (pkcs11t.h) and NSS's vendor ones (nss/lib/util/pkcs11n.h) for the
// softoken's trust objects and its user-db slots.

export const CK = {
  // Attributes.
  CKA_CLASS: 0x0,
  CKA_TOKEN: 0x1,
  CKA_PRIVATE: 0x2,
  CKA_LABEL: 0x3,
  CKA_VALUE: 0x11,
  CKA_CERTIFICATE_TYPE: 0x80,
  CKA_ISSUER: 0x81,
  CKA_SERIAL_NUMBER: 0x82,
  CKA_KEY_TYPE: 0x100,
  CKA_SUBJECT: 0x101,
  CKA_ID: 0x102,
  CKA_SENSITIVE: 0x103,
  CKA_WRAP: 0x106,
  CKA_SIGN: 0x108,
  CKA_VERIFY: 0x10a,
  CKA_MODULUS: 0x120,
  CKA_MODULUS_BITS: 0x121,
  CKA_PUBLIC_EXPONENT: 0x122,
  CKA_PRIVATE_EXPONENT: 0x123,
  CKA_VALUE_LEN: 0x161,
  CKA_EXTRACTABLE: 0x162,
  CKA_EC_PARAMS: 0x180,
  CKA_EC_POINT: 0x181,
  // Object classes, certificate and key types.
  CKO_CERTIFICATE: 1,
  CKO_PUBLIC_KEY: 2,
  CKO_PRIVATE_KEY: 3,
  CKO_SECRET_KEY: 4,
  CKC_X_509: 0,
  CKK_RSA: 0,
  CKK_EC: 3,
  CKK_AES: 0x1f,
  // Mechanisms.
  CKM_RSA_PKCS_KEY_PAIR_GEN: 0x0,
  CKM_RSA_PKCS: 0x1,
  CKM_EC_KEY_PAIR_GEN: 0x1040,
  CKM_ECDSA: 0x1041,
  CKM_AES_KEY_GEN: 0x1080,
  CKM_AES_CBC_PAD: 0x1085,
} as const;

/** Session, token-info and user flags. */
export const CKF = {
  RW_SESSION: 0x2,
  SERIAL_SESSION: 0x4,
  LOGIN_REQUIRED: 0x4,
  USER_PIN_INITIALIZED: 0x8,
  TOKEN_INITIALIZED: 0x400,
  USER_PIN_COUNT_LOW: 0x10000,
  USER_PIN_FINAL_TRY: 0x20000,
  USER_PIN_LOCKED: 0x40000,
} as const;

export const CKU_USER = 1;

/** Return values CertDesk tells apart by number (pkcs11js's error `code`). */
export const CKR = {
  OBJECT_HANDLE_INVALID: 0x82,
  USER_ALREADY_LOGGED_IN: 0x100,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

/** NSS's vendor numbers: the softoken's trust objects and the objects that open and close a user db's slot. */
export const NSS = {
  CKO_NSS_TRUST: 0xce534353,
  CKO_NSS_NEWSLOT: 0xce534355,
  CKO_NSS_DELSLOT: 0xce534356,
  CKA_TRUST_SERVER_AUTH: 0xce536358,
  CKA_TRUST_CLIENT_AUTH: 0xce536359,
  CKA_TRUST_CODE_SIGNING: 0xce53635a,
  CKA_TRUST_EMAIL_PROTECTION: 0xce53635b,
  CKA_CERT_SHA1_HASH: 0xce5363b4,
  CKA_NSS_MODULE_SPEC: 0xce534368,
} as const;

/** CKT_NSS_TRUSTED_DELEGATOR: a trust anchor for that usage (certutil's C or T). */
export const TRUSTED_DELEGATOR = 0xce534352;
/** CKT_NSS_MUST_VERIFY_TRUST: no trust of its own, chain material only (certutil's empty field). */
export const MUST_VERIFY = 0xce534353;
