// What each error code means for whoever meets it: the command line's exit code, the UI's
// buttons, the renewal's rollback at `send`, the pre-processing check it fails. One row per
// code, typed so that a code added to ERROR_CODES without a row does not compile: the rules
// were once five hand-kept lists that drifted apart. Pure data: no node, no DOM.
import type { ApiError, CheckId, ErrorCode } from './contract';

/**
 * The command line's exit codes; docs/it-guide.md and `certdesk --help` have the same table.
 * `status` and `doctor` exit 0 when nothing is due (never 3), `renewalOpen` when renewal is
 * open, and `newPc` when no certificate of the bank is on this PC (issue 18's new PC).
 */
export const EXIT = { done: 0, failed: 1, usage: 2, renewalNotOpen: 3, useAcquire: 4, reissue: 5, renewalOpen: 6, newPc: 7 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The state an error leaves the certificate in, for whoever reports it (the command line's run
 * record and `doctor`, the window's pre-processing screen). The first three are the bank's
 * dates: not a fault of this PC but information with the next step (wait, 取得, 再発行 at the
 * branch). `newPc`: no certificate of the bank here. Anything else is `broken`.
 */
export type ErrorState = 'renewalNotOpen' | 'acquireRequired' | 'reissueRequired' | 'newPc' | 'broken';
const BANK_DATES: ReadonlySet<ErrorState> = new Set(['renewalNotOpen', 'acquireRequired', 'reissueRequired']);

/** The one cacerts exchange of 更新前処理 serves both: the error says which of the two failed. */
export type BlamedCheck = Extract<CheckId, 'endpoint' | 'cacerts'>;

export interface ErrorPolicy {
  /** `certdesk` exits with this. */
  readonly exit: ExitCode;
  /** The same action can reasonably be tried again (the UI offers もう一度試す). */
  readonly retry: boolean;
  /**
   * After a failure at `send`, the bank may have issued the certificate: the journal (with
   * the request's sealed key) is kept so that the next run collects it. False only where the
   * bank certainly issued nothing, so the renewal rolls back.
   */
  readonly keepsJournalAtSend: boolean;
  /** 取得 (login ID and password) is the way out: the UI offers it. */
  readonly offersAcquire: boolean;
  /** The pre-processing check that fails when the cacerts exchange ends with this error. */
  readonly blames: BlamedCheck;
  /** The state it leaves the certificate in (the bank's dates among them). */
  readonly state: ErrorState;
}

interface ErrorPolicyRow extends ErrorPolicy {
  /** Where one `detail` fact changes the meaning: every fact of `detail` matches, `then` applies. */
  readonly when?: ReadonlyArray<{ readonly detail: Readonly<Record<string, string | boolean>>; readonly then: Partial<ErrorPolicy> }>;
}

const row = (exit: ExitCode, retry: boolean, keepsJournalAtSend: boolean, blames: BlamedCheck, more: Partial<ErrorPolicyRow> = {}): ErrorPolicyRow => ({
  exit,
  retry,
  keepsJournalAtSend,
  offersAcquire: false,
  blames,
  state: 'broken',
  ...more,
});
const { failed } = EXIT;
const KEEP = true;
const ROLL_BACK = false;
const RETRY = true;
const FINAL = false;

export const ERROR_POLICY: { readonly [C in ErrorCode]: ErrorPolicyRow } = {
  // The bank's answer about the dates: nothing was issued, trying again today changes nothing.
  RENEWAL_NOT_OPEN: row(EXIT.renewalNotOpen, FINAL, ROLL_BACK, 'cacerts', { state: 'renewalNotOpen' }),
  ACQUIRE_REQUIRED: row(EXIT.useAcquire, FINAL, ROLL_BACK, 'cacerts', { offersAcquire: true, state: 'acquireRequired' }),
  REISSUE_REQUIRED: row(EXIT.reissue, FINAL, ROLL_BACK, 'cacerts', { state: 'reissueRequired' }),
  AUTH_FAILED: row(failed, RETRY, ROLL_BACK, 'cacerts'),
  SERVER_REJECTED: row(failed, RETRY, ROLL_BACK, 'endpoint'),
  // The bank may have issued before failing or while it kept us waiting.
  SERVER_ERROR: row(failed, RETRY, KEEP, 'endpoint'),
  BAD_RESPONSE: row(failed, RETRY, KEEP, 'cacerts'),
  PENDING_TIMEOUT: row(failed, RETRY, KEEP, 'cacerts'),
  TLS_UNTRUSTED: row(failed, FINAL, ROLL_BACK, 'endpoint', { when: [{ detail: { reason: 'CACERTS_NOT_ANCHORED' }, then: { blames: 'cacerts' } }] }),
  CLIENT_CERT_REJECTED: row(failed, FINAL, ROLL_BACK, 'endpoint', { offersAcquire: true }),
  NETWORK: row(failed, RETRY, KEEP, 'endpoint'),
  // The proxy's, not the bank's: retried once the credentials are given or the proxy is back.
  PROXY_AUTH_REQUIRED: row(failed, RETRY, KEEP, 'endpoint'),
  PROXY_FAILED: row(failed, RETRY, KEEP, 'endpoint'),
  CLOCK_SKEW: row(failed, RETRY, ROLL_BACK, 'cacerts'),
  // No certificate of the bank here: a new PC (revoke the old one, then 取得) or 取得 after expiry.
  NO_CERTIFICATE: row(EXIT.newPc, FINAL, KEEP, 'cacerts', { offersAcquire: true, state: 'newPc' }),
  KEY_MISSING: row(failed, FINAL, KEEP, 'cacerts'),
  VERIFY_FAILED: row(failed, FINAL, KEEP, 'cacerts'),
  STORE_UNAVAILABLE: row(failed, RETRY, KEEP, 'cacerts'),
  STORE_WRITE_FAILED: row(failed, RETRY, KEEP, 'cacerts'),
  VAULT_UNAVAILABLE: row(failed, RETRY, KEEP, 'cacerts'),
  JOURNAL_WRITE_FAILED: row(failed, RETRY, KEEP, 'cacerts'),
  POLICY_INVALID: row(failed, FINAL, KEEP, 'cacerts'),
  BUSY: row(failed, RETRY, KEEP, 'cacerts'),
  // Cancelled before the request left: nothing issued. Cancelled while the bank was answering
  // (IN_FLIGHT): it may have issued, and the next run sends the same request again to collect it.
  CANCELLED: row(failed, RETRY, ROLL_BACK, 'endpoint', { when: [{ detail: { reason: 'IN_FLIGHT' }, then: { keepsJournalAtSend: KEEP } }] }),
  // A bad argument on the command line (detail.usage) is a usage error, not a failure.
  INVALID_INPUT: row(failed, RETRY, KEEP, 'cacerts', { when: [{ detail: { usage: true }, then: { exit: EXIT.usage } }] }),
  INTERNAL: row(failed, FINAL, KEEP, 'cacerts'),
};

/** The policy for this error, its `detail` taken into account; a bare code gets its row. */
export function errorPolicy(error: ErrorCode | Pick<ApiError, 'code' | 'detail'>): ErrorPolicy {
  const { code, detail } = typeof error === 'string' ? { code: error, detail: undefined } : error;
  const { when, ...base } = ERROR_POLICY[code];
  let policy: ErrorPolicy = base;
  for (const w of when ?? []) {
    if (Object.entries(w.detail).every(([k, v]) => detail?.[k] === v)) policy = { ...policy, ...w.then };
  }
  return policy;
}

export const exitCodeOf = (error: Pick<ApiError, 'code' | 'detail'>): ExitCode => errorPolicy(error).exit;
export const keepsJournalAtSend = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).keepsJournalAtSend;
export const blamedCheck = (error: Pick<ApiError, 'code' | 'detail'>): BlamedCheck => errorPolicy(error).blames;
export const retryMakesSense = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).retry;
export const offersAcquire = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).offersAcquire;
export const errorState = (error: Pick<ApiError, 'code' | 'detail'>): ErrorState => errorPolicy(error).state;
/** The bank's dates (too early, expired, past the grace days): information with the next step, not a failed check. */
export const isBankDate = (error: Pick<ApiError, 'code' | 'detail'>): boolean => BANK_DATES.has(errorState(error));

/**
 * 取得 refused because the account's certificate is still valid, i.e. it lives on another PC
 * (a new or replaced PC): the bank answers RENEWAL_REQUIRED inside the renewal window and
 * RENEWAL_NOT_OPEN before it. Only a 取得 can mean this: for a renewal, RENEWAL_NOT_OPEN is just
 * "too early". The way out is the old certificate's revocation (the IB administrator) or a
 * renewal on the old PC, never a retry: the window shows its new-PC screen instead of the error
 * panel, and the command line its own exit code. (A function, not a `when` row: the bank's
 * reason reaches `detail` as data, and RENEWAL_NOT_OPEN needs the operation.)
 */
export function validElsewhere(error: Pick<ApiError, 'code' | 'detail'>, operation: 'renew' | 'acquire'): boolean {
  if (error.code === 'SERVER_REJECTED' && error.detail?.reason === 'RENEWAL_REQUIRED') return true;
  return operation === 'acquire' && error.code === 'RENEWAL_NOT_OPEN';
}
