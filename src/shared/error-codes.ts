// The contract's errors: the stable codes, the error every method can answer with, and the
// Result that carries it across IPC. contract.ts re-exports all of it.
import { ERROR_REASONS, type PassedOnReasons } from './error-reasons';

/**
 * Stable error codes. What each means to the layers (exit code, retry, journal, 取得, blamed
 * check) is one row of ERROR_POLICY in error-policy.ts; the UI's and the CLI's words are keyed
 * by them too, so a code added here does not compile until each has its entry.
 */
export const ERROR_CODES = [
  'RENEWAL_NOT_OPEN', // too early: the renewal window has not opened yet
  'ACQUIRE_REQUIRED', // expired: renewal is over, 取得 with login ID + password
  'REISSUE_REQUIRED', // grace days over: 再発行 at the branch
  'AUTH_FAILED', // login ID or password rejected
  'SERVER_REJECTED', // the bank refused the request for another reason
  'SERVER_ERROR', // 5xx
  'BAD_RESPONSE', // the bank's answer could not be understood
  'PENDING_TIMEOUT', // the bank kept answering "pending" beyond the policy limit
  'TLS_UNTRUSTED', // the server is not the bank (anchor or hostname)
  'CLIENT_CERT_REJECTED', // the bank refused the current certificate in the TLS handshake
  'NETWORK', // DNS, refused, reset, timeout
  'PROXY_AUTH_REQUIRED', // the proxy wants credentials (407): the bank was not reached
  'PROXY_FAILED', // the proxy is down, or would not open the tunnel to the bank
  'CLOCK_SKEW', // the PC's clock differs from the bank's by more than allowed
  'NO_CERTIFICATE', // no certificate of the bank on this PC
  'KEY_MISSING', // the certificate is here but its private key is not
  'VERIFY_FAILED', // the issued certificate failed verification (detail.reason says why)
  'STORE_UNAVAILABLE', // the certificate store cannot be opened or its tools are missing
  'STORE_WRITE_FAILED', // writing into the certificate store failed
  'VAULT_UNAVAILABLE', // no OS keychain for the journal's key
  'JOURNAL_WRITE_FAILED', // the renewal journal could not be written (disk full, read-only)
  'POLICY_INVALID', // the machine-wide policy is missing a field or has a wrong one
  'BUSY', // another renewal is running
  'CANCELLED', // the user cancelled
  'INVALID_INPUT', // an argument failed validation at the boundary
  'INTERNAL', // a bug: the diagnostics export has the details
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** error-reasons.ts's lists, one per code: a code without its list does not compile here. */
export const REASONS_BY_CODE: { readonly [C in ErrorCode]: readonly string[] } = ERROR_REASONS;

/** The reasons an error of code C may carry. */
export type ReasonOf<C extends ErrorCode> =
  | (C extends keyof typeof ERROR_REASONS ? (typeof ERROR_REASONS)[C][number] : never)
  | (C extends keyof PassedOnReasons ? PassedOnReasons[C] : never);
/** Any error's reason. */
export type ErrorReason = ReasonOf<ErrorCode>;
export type { BankReason, Errno, NetErrorCode } from './error-reasons';

/** Facts the UI shows with an error of code C: e.g. `opensOn` (YYYY-MM-DD JST), `reason`, `field`. */
export interface ErrorDetail<C extends ErrorCode = ErrorCode> {
  reason?: ReasonOf<C>;
  [fact: string]: string | number | boolean | undefined;
}

export interface ApiError<C extends ErrorCode = ErrorCode> {
  code: C;
  /** Human message in English, for logs and the helpdesk; the UI uses its catalogs. */
  message: string;
  /** Facts the UI shows with the message: e.g. `opensOn` (YYYY-MM-DD JST), `reason` (one of the code's, error-reasons.ts), `field`. */
  detail?: ErrorDetail<C>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <C extends ErrorCode>(
  code: C,
  message: string,
  detail?: ErrorDetail<C>,
): Result<never> => ({ ok: false, error: detail ? { code, message, detail } : { code, message } });
