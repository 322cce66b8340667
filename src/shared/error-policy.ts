// What each error code means for whoever meets it: the command line's exit code, the UI's
// buttons, the state it leaves the certificate in, the renewal's rollback, the pre-processing
// check it fails. One row per
// code, typed so that a code added to ERROR_CODES without a row does not compile: the rules
// were once five hand-kept lists that drifted apart. Pure data: no node, no DOM.
import type { ApiError, CheckId, ErrorCode, ReasonOf, StepId } from './contract';

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

/**
 * What a failure does to the renewal's journal (renewal/failure.ts), once the request is made
 * (before it, a failure always rolls back: nothing was asked of the bank). Rolling back clears
 * the journal and removes the request's key; keeping it lets the next start finish the job.
 * - `atSend`: rolls back when it ends the `send` step: the bank certainly issued nothing;
 * - `atVerify`: rolls back when it ends the `verify` step: the bank's answer is no certificate
 *   this request can use, and collecting it again changes nothing (at `send` it is kept);
 * - `always`: the journal holds nothing the next start could finish with (its sealed key no
 *   longer opens, the issued certificate's key is gone), and it must not block later runs;
 * - `never`: kept at every step from `send` on.
 */
export type Rollback = 'atSend' | 'atVerify' | 'always' | 'never';

/** The one cacerts exchange of 更新前処理 serves both: the error says which of the two failed. */
export type BlamedCheck = Extract<CheckId, 'endpoint' | 'cacerts'>;

export interface ErrorPolicy {
  /** `certdesk` exits with this. */
  readonly exit: ExitCode;
  /** The same action can reasonably be tried again (the UI offers もう一度試す). */
  readonly retry: boolean;
  /** What a failure from `send` on does to the renewal's journal. */
  readonly rollBack: Rollback;
  /**
   * After a failure at `send`, the bank may have issued the certificate: the journal (with
   * the request's sealed key) is kept so that the next run collects it. False only where the
   * bank certainly issued nothing (or the journal is of no use), so the renewal rolls back.
   * Derived from `rollBack`.
   */
  readonly keepsJournalAtSend: boolean;
  /**
   * A failure while the issued certificate goes into the store (install, verifyInStore) that
   * the next start makes good, the journal keeping the certificate and its key: the error says
   * so. True where trying again makes sense, and where the store lost what was written (the
   * resumed run installs it again); a cancel and a journal that cannot be written have words of
   * their own.
   */
  readonly resumesAtStart: boolean;
  /** 取得 (login ID and password) is the way out: the UI offers it. */
  readonly offersAcquire: boolean;
  /** The pre-processing check that fails when the cacerts exchange ends with this error. */
  readonly blames: BlamedCheck;
  /** The state it leaves the certificate in (the bank's dates among them). */
  readonly state: ErrorState;
}

type RowPolicy = Omit<ErrorPolicy, 'keepsJournalAtSend'>;

interface ErrorPolicyRow<C extends ErrorCode = ErrorCode> extends RowPolicy {
  /**
   * Where one `detail` fact changes the meaning: every fact of `detail` matches, `then` applies.
   * The reason is one of the code's (error-reasons.ts): a misspelt one does not compile.
   */
  readonly when?: ReadonlyArray<{ readonly detail: { readonly reason?: ReasonOf<C>; readonly usage?: true }; readonly then: Partial<RowPolicy> }>;
}

const row = <C extends ErrorCode>(exit: ExitCode, retry: boolean, rollBack: Rollback, blames: BlamedCheck, more: Partial<ErrorPolicyRow<C>> = {}): ErrorPolicyRow<C> => ({
  exit,
  retry,
  rollBack,
  resumesAtStart: retry,
  offersAcquire: false,
  blames,
  state: 'broken',
  ...more,
});
const { failed } = EXIT;
const KEEP = 'never';
const ROLL_BACK = 'atSend';
const ROLL_BACK_AT_VERIFY = 'atVerify';
const RETRY = true;
const FINAL = false;

export const ERROR_POLICY: { readonly [C in ErrorCode]: ErrorPolicyRow<C> } = {
  // The bank's answer about the dates: nothing was issued, trying again today changes nothing.
  RENEWAL_NOT_OPEN: row(EXIT.renewalNotOpen, FINAL, ROLL_BACK, 'cacerts', { state: 'renewalNotOpen' }),
  ACQUIRE_REQUIRED: row(EXIT.useAcquire, FINAL, ROLL_BACK, 'cacerts', { offersAcquire: true, state: 'acquireRequired' }),
  REISSUE_REQUIRED: row(EXIT.reissue, FINAL, ROLL_BACK, 'cacerts', { state: 'reissueRequired' }),
  AUTH_FAILED: row(failed, RETRY, ROLL_BACK, 'cacerts'),
  SERVER_REJECTED: row(failed, RETRY, ROLL_BACK, 'endpoint'),
  // The bank may have issued before failing or while it kept us waiting.
  SERVER_ERROR: row(failed, RETRY, KEEP, 'endpoint'),
  // At verify: the answer held no usable certificate, and collecting it again gets the same.
  BAD_RESPONSE: row(failed, RETRY, ROLL_BACK_AT_VERIFY, 'cacerts'),
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
  // The store lost the key or the certificate it was given: the resumed run installs it again.
  // The issued certificate's key gone (ISSUED_LOST): nothing left to finish.
  KEY_MISSING: row(failed, FINAL, KEEP, 'cacerts', {
    when: [
      { detail: { reason: 'KEY_NOT_LISTED' }, then: { resumesAtStart: true } },
      { detail: { reason: 'ISSUED_LOST' }, then: { rollBack: 'always' } },
    ],
  }),
  VERIFY_FAILED: row(failed, FINAL, ROLL_BACK_AT_VERIFY, 'cacerts', { when: [{ detail: { reason: 'NOT_IN_STORE' }, then: { resumesAtStart: true } }] }),
  STORE_UNAVAILABLE: row(failed, RETRY, KEEP, 'cacerts'),
  STORE_WRITE_FAILED: row(failed, RETRY, KEEP, 'cacerts'),
  // The journal's sealed key no longer opens (UNSEAL): the journal is of no use.
  VAULT_UNAVAILABLE: row(failed, RETRY, KEEP, 'cacerts', { when: [{ detail: { reason: 'UNSEAL' }, then: { rollBack: 'always' } }] }),
  JOURNAL_WRITE_FAILED: row(failed, RETRY, KEEP, 'cacerts', { resumesAtStart: false }),
  POLICY_INVALID: row(failed, FINAL, KEEP, 'cacerts'),
  BUSY: row(failed, RETRY, KEEP, 'cacerts'),
  // Cancelled before the request left: nothing issued. Cancelled while the bank was answering
  // (IN_FLIGHT): it may have issued, and the next run sends the same request again to collect it.
  CANCELLED: row(failed, RETRY, ROLL_BACK, 'endpoint', { resumesAtStart: false, when: [{ detail: { reason: 'IN_FLIGHT' }, then: { rollBack: KEEP } }] }),
  // A bad argument on the command line (detail.usage) is a usage error, not a failure.
  INVALID_INPUT: row(failed, RETRY, KEEP, 'cacerts', { when: [{ detail: { usage: true }, then: { exit: EXIT.usage } }] }),
  INTERNAL: row(failed, FINAL, KEEP, 'cacerts'),
};

/** The policy for this error, its `detail` taken into account; a bare code gets its row. */
export function errorPolicy(error: ErrorCode | Pick<ApiError, 'code' | 'detail'>): ErrorPolicy {
  const { code, detail } = typeof error === 'string' ? { code: error, detail: undefined } : error;
  const { when, ...base }: ErrorPolicyRow = ERROR_POLICY[code];
  let policy: RowPolicy = base;
  for (const w of when ?? []) {
    if (Object.entries(w.detail).every(([k, v]) => detail?.[k] === v)) policy = { ...policy, ...w.then };
  }
  return { ...policy, keepsJournalAtSend: policy.rollBack !== 'atSend' && policy.rollBack !== 'always' };
}

export const exitCodeOf = (error: Pick<ApiError, 'code' | 'detail'>): ExitCode => errorPolicy(error).exit;
export const keepsJournalAtSend = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).keepsJournalAtSend;
export const blamedCheck = (error: Pick<ApiError, 'code' | 'detail'>): BlamedCheck => errorPolicy(error).blames;
export const retryMakesSense = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).retry;
export const offersAcquire = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).offersAcquire;
/** Whether a failure that ends `step` rolls the renewal back (clears its journal): the row's `rollBack` at that step. */
export function rollsBackAt(error: Pick<ApiError, 'code' | 'detail'>, step: StepId): boolean {
  if (step === 'generateKey' || step === 'buildRequest') return true;
  const { rollBack } = errorPolicy(error);
  return rollBack === 'always' || (rollBack === 'atSend' && step === 'send') || (rollBack === 'atVerify' && step === 'verify');
}
export const resumesAtStart = (error: Pick<ApiError, 'code' | 'detail'>): boolean => errorPolicy(error).resumesAtStart;
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
