// The reasons (`detail.reason`) each error code may carry: one list per code, so that a reason
// the code does not emit, or a misspelt one, does not compile where an error is made
// (`new CoreError(code, message, { reason })`), where a reason is matched
// (`detail?.reason === 'X'`) or worded (error-texts.ts), and in the error
// table's `when` facts. A reason added to the core is added here first. error-codes.ts types
// `detail` from it (ReasonOf) and checks there is a list per code (REASONS_BY_CODE: a code
// without one does not compile, test/shared/error-code-typecheck.test.ts). Pure data.

/**
 * The bank's own reasons: its 403 answer names one in JSON (`{ "reason": … }`) and the EST client
 * passes it on as it came (in the bank's spelling). The bank may send any word; these are the ones CertDesk knows (maps to
 * a code, words or a screen), the simulator's and real EST front-ends' among them.
 */
const BANK = [
  'RENEWAL_NOT_OPEN', 'NOT_OPEN', 'TOO_EARLY', 'ACQUIRE_REQUIRED', 'EXPIRED', 'REISSUE_REQUIRED', 'GRACE_OVER', 'REVOKED',
  'CLIENT_CERTIFICATE_REQUIRED', 'SUPERSEDED', 'UNKNOWN_CERTIFICATE', 'ACCOUNT_INACTIVE', 'RENEWAL_REQUIRED', 'SUBJECT_MISMATCH',
] as const;
/** A bank's reason as it came (`est/status-errors.ts` is where it enters). */
export type BankReason = (typeof BANK)[number];

/**
 * An OS error's code passed on as the reason (ENOSPC, EROFS, EACCES …: Node's `err.code`), where
 * the code itself is what the helpdesk needs. `errnoOf` is how it enters.
 */
export type Errno = `E${Uppercase<string>}`;
/** A TLS or Chromium net error passed on as the reason (ERR_SSL_…, ERR_BAD_SSL_CLIENT_AUTH_CERT …). */
export type NetErrorCode = `ERR_${Uppercase<string>}`;

/** The reasons that pass another system's code on as it came, per code: a pattern, not a list. */
export interface PassedOnReasons {
  JOURNAL_WRITE_FAILED: Errno;
  STORE_WRITE_FAILED: Errno;
  INVALID_INPUT: Errno;
  CLIENT_CERT_REJECTED: NetErrorCode;
}

/** An OS error's code as a reason, or undefined where the error has none of that shape. */
export function errnoOf(err: unknown): Errno | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code) ? (code as Errno) : undefined;
}

/** A DER element that does not parse (pki/asn1.ts), whatever the code of what it was. */
const DER = ['MALFORMED', 'TRUNCATED', 'TRAILING_DATA'] as const;

export const ERROR_REASONS = {
  RENEWAL_NOT_OPEN: BANK,
  ACQUIRE_REQUIRED: BANK,
  REISSUE_REQUIRED: BANK,
  AUTH_FAILED: ['CLIENT_CERT_ONLY', 'NO_BASIC_CHALLENGE', 'REJECTED'],
  SERVER_REJECTED: [...BANK, 'SUBJECT_REQUIRED'],
  SERVER_ERROR: ['SUBJECT_REQUIRED'],
  BAD_RESPONSE: [...DER, 'BAD_BASE64', 'BAD_CERTIFICATE', 'BAD_CMS', 'BAD_CSRATTRS', 'CACERTS_NOT_CA', 'CHANNEL', 'NO_CERTIFICATES', 'NO_DATE', 'TOO_LARGE', 'UNEXPECTED_REDIRECT', 'UNEXPECTED_STATUS', 'WRONG_CONTENT_TYPE', 'HAS_SIGNERS'],
  PENDING_TIMEOUT: ['DEADLINE', 'MAX_ATTEMPTS'],
  TLS_UNTRUSTED: ['ANCHOR', 'CACERTS_NOT_ANCHORED', 'HANDSHAKE', 'HOSTNAME', 'SERVER_CERT_DATES'],
  CLIENT_CERT_REJECTED: [...BANK, 'HTTP_401'],
  NETWORK: ['DNS', 'REFUSED', 'RESET', 'UNREACHABLE', 'TIMEOUT', 'CONNECT_TIMEOUT', 'OTHER'],
  PROXY_AUTH_REQUIRED: ['PROXY_AUTH'],
  PROXY_FAILED: ['DNS', 'REFUSED', 'RESET', 'UNREACHABLE', 'TIMEOUT', 'OTHER', 'CONNECT_TIMEOUT', 'CONNECT_REFUSED', 'PROXY_TLS', 'PAC'],
  CLOCK_SKEW: [],
  NO_CERTIFICATE: ['NOT_IN_STORE'],
  KEY_MISSING: ['ISSUED_LOST', 'KEY_GONE', 'KEY_NOT_LISTED', 'KEY_NOT_PAIRED', 'NO_NET_TRANSPORT', 'NO_SOFTWARE_KEY', 'PENDING_REQUEST_GONE'],
  VERIFY_FAILED: ['KEY_EXPORTABLE', 'KEY_MISMATCH', 'MODULE_NOT_REGISTERED', 'NOT_IN_STORE', 'NSS_REJECTED', 'UNTRUSTED_CHAIN', 'WRONG_PROVIDER', 'CA_EXPIRED', 'VALIDITY', 'CA_NOT_YET_VALID', 'CA_NOT_KEYCERTSIGN', 'NOT_A_CA', 'SUBJECT_MISMATCH', 'NOT_CLIENT_AUTH'],
  STORE_UNAVAILABLE: [...DER, 
    'BAD_LISTING', 'BAD_PAIR_CHECK', 'CUSTODIAN_UNAVAILABLE', 'DB_CORRUPT', 'DB_MISSING', 'DB_PASSWORD', 'ENGINE_KEY', 'ENGINE_MISSING', 'FIREFOX_NO_PROFILE',
    'FIREFOX_PROFILE_AMBIGUOUS', 'FIREFOX_RUNNING', 'KEY_NOT_PORTABLE', 'MODULE_MISSING', 'NOT_EXPORTABLE', 'PIN_INCORRECT', 'PIN_LOCKED', 'PIN_NOT_SET', 'PIN_REQUIRED',
    'PIN_TOO_LONG', 'PKCS11_MISSING', 'SOFTOKN_MISSING', 'SOFTOKN_REFUSED', 'TOKEN_AMBIGUOUS', 'TOKEN_MISSING', 'TOOL_FAILED', 'TOOL_MISSING', 'TOOL_NOT_EXECUTABLE', 'TOOL_TIMEOUT', 'KEYCHAIN_LOCKED', 'KEYCHAIN_MISSING', 'TOOL_ERROR', 'MODULE_INIT', 'TOKEN_ERROR', 'LOGIN_FAILED', 'TPM_UNAVAILABLE', 'TPM_LOCKOUT', 'PROVIDER_MISSING', 'BAD_NAME'],
  STORE_WRITE_FAILED: [...DER, 
    'BAD_REQUEST_FILE', 'COLLATERAL', 'ID_CONFLICT', 'KEY_NOT_REMOVED', 'KEY_TYPE_MISMATCH', 'MODULE_REGISTRATION', 'NOT_LISTED', 'NO_REQUEST_FILE', 'PENDING_NOT_IDENTIFIED',
    'READ_ONLY', 'STILL_LISTED', 'TEMP_DIR', 'TOKEN_ERROR', 'UNEXPECTED', 'UNTRUSTED_ROOT_RESTRICTED', 'PKCS12_REJECTED', 'BAD_DER', 'TOOL_ERROR', 'BAD_PASSWORD', 'UNSUPPORTED_PKCS12', 'DISK_FULL', 'KEYGEN_FAILED', 'SIGN_FAILED', 'CERT_REFUSED', 'ACCESS_DENIED', 'UNTRUSTED_ROOT', 'SELF_SIGNED', 'BAD_NAME', 'error'],
  VAULT_UNAVAILABLE: ['BAD_SECRET', 'NOT_STORED', 'NO_KEYCHAIN', 'UNSEAL'],
  JOURNAL_WRITE_FAILED: ['DAMAGED', 'LEDGER_DAMAGED', 'LEDGER_UNREADABLE', 'SETTINGS', 'WRITE', 'error'],
  POLICY_INVALID: ['BUILTIN_MODIFIED', 'KEY_TYPE_UNSUPPORTED', 'NOT_INSTALLED', 'NOT_JSON', 'REGISTRY_UNREADABLE', 'USER_FIELD_NOT_ALLOWED', 'PERMISSIONS_UNREADABLE', 'WRITABLE_BY_USERS', 'MISSING', 'UNREADABLE', 'NOT_A_FILE', 'TOO_LARGE', 'TIMEOUT', 'NOT_UTF8', 'PROVIDER_MISSING'],
  BUSY: [],
  CANCELLED: ['IN_FLIGHT', 'CANCELLED'],
  INVALID_INPUT: [...DER, 
    'ATTRIBUTES_UNSUPPORTED', 'BAD_ANCHOR', 'BAD_BASE64', 'BAD_CERTIFICATE', 'BAD_CSR', 'BAD_IDENTITY', 'BAD_KEY', 'BAD_PASSWORD', 'BAD_REQUEST', 'ENDPOINT_URL', 'KEY_MISMATCH',
    'LOGIN_ID', 'NOT_CA', 'NOT_HTTPS', 'NO_ANCHOR', 'NO_PEM', 'PENDING_MAX_ATTEMPTS', 'PROXY_URL', 'NOT_SUPERSEDED', 'STATE_FOLDER_NOT_OWNED', 'SUBJECT_NOT_KEPT', 'SUBJECT_NOT_REPRODUCIBLE',
    'TIMEOUTS', 'UNSUPPORTED_KEY', 'UNSUPPORTED_PKCS12', 'UNSUPPORTED_ALGORITHM', 'BAD_NAME', 'error'],
  INTERNAL: [...DER, 'BAD_EC_POINT', 'BAD_SIGNATURE', 'CHANNEL', 'CORE_STOPPED', 'NO_KEY', 'UNEXPECTED', 'BAD_NAME'],
} as const;
