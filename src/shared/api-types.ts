// The values the contract's methods take and answer, and its events' payloads. Pure data:
// contract.ts declares the methods over them and re-exports them all.

import type { CertificateDetails, CertificateSummary, ReminderThreshold } from './domain';
import type { KeyCustodyDecision } from './custody';
import type { ApiError } from './error-codes';

/** The bank's helpdesk as the policy's `support` names it (policy.ts's SupportContact has this shape). */
export interface SupportView {
  name: string;
  phone?: string;
  hours?: string;
  url?: string;
  email?: string;
}

export interface Overview {
  bankName: string;
  /** ISO instant the overview was computed at (the main process's clock). */
  now: string;
  /** Today's date in JST, YYYY-MM-DD. */
  today: string;
  certificates: CertificateSummary[];
  /** Present when a renewal was interrupted and recovery ran at start. */
  recovered?: { outcome: 'resumed' | 'rolledBack'; fingerprint?: string };
  /**
   * Present when an interrupted renewal waits in the journal and was not finished by this
   * call (a read-only overview, or a recovery that could not complete yet): the step it
   * stopped at and when it started.
   */
  unfinished?: { operation: 'renew' | 'acquire'; step: StepId; startedAt: string };
  /** The scheduled check (`certdesk check`, policy autoRenew) renewed this certificate by itself in the last 14 days. */
  autoRenewed?: { at: string; fingerprint: string; expiryDate: string };
  /**
   * Keys an interrupted or failed renewal left in a token that CertDesk could not remove yet
   * (no PIN at that run, a full disk): each with where it is. The next renewal (or start with
   * the PIN) removes them.
   */
  keysToRemove?: Array<{ label: string; where: string; since: string }>;
  /** Superseded certificates (置き換え済み) this call removed, where the policy says removeSuperseded. */
  removedSuperseded?: string[];
}

export type CheckId =
  | 'policy'
  | 'store'
  | 'identity'
  | 'endpoint'
  | 'cacerts'
  | 'clock';
export const CHECK_IDS: readonly CheckId[] = ['policy', 'store', 'identity', 'endpoint', 'cacerts', 'clock'];

export type CheckState = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  id: CheckId;
  state: CheckState;
  error?: ApiError;
  /** What a passed check found worth saying: the identity check of a certificate not yet due says when renewal opens. */
  note?: CheckNote;
}

/** A passed check's finding: nothing is wrong, nothing is due yet (dates are YYYY-MM-DD, JST). */
export interface CheckNote {
  code: 'NOT_YET_DUE';
  opensOn: string;
  expiryDate: string;
  daysLeft: number;
}

export interface PreflightReport {
  /**
   * True when no check failed: nothing is wrong on this PC or on the way to the bank. A
   * certificate not yet due passes (its identity check carries the `note` with the opening
   * date); one that has expired fails with ACQUIRE_REQUIRED or REISSUE_REQUIRED.
   */
  passed: boolean;
  checks: CheckResult[];
  /**
   * What the next request will be made of: the bank's /csrattrs (RFC 7030 §4.5) against the
   * policy; what CertDesk honoured and what it ignored, each in words. Absent when the bank
   * was not reached.
   */
  request?: PreflightRequest;
  /**
   * Private keys in the store that no certificate carries (the identity check's finding; it
   * does not fail the check, so the renewal that removes CertDesk's own is never blocked).
   * `ours`: left by CertDesk (its working label, or recorded to be removed): the next renewal
   * removes it. Others are the helpdesk's to judge (certutil -F -k <keyId>).
   */
  keysWithoutCertificate?: Array<{ keyId: string; label: string; ours: boolean }>;
  /** Where the renewal's key will be made and kept: the core's one decision (src/shared/custody.ts), reported as it is. */
  custody?: KeyCustodyDecision;
}

/** One thing the bank's /csrattrs asked and what CertDesk did with it, as a code with parameters (words: request-notes.ts). */
export type RequestNote =
  | { code: 'KEY_TYPE'; keyType: string; policyDefault?: boolean }
  | { code: 'HASH'; hash: string }
  | { code: 'EXTENSION'; extension: 'keyUsage' | 'extKeyUsage' }
  | { code: 'KEY_TYPE_SET_BY_POLICY'; asked: string; policy: string }
  | { code: 'CHALLENGE_PASSWORD' }
  | { code: 'HASH_UNSUPPORTED'; name: string }
  | { code: 'NOT_ADDED'; name: string }
  | { code: 'EC_CURVE'; curve: string }
  | { code: 'RSA_SIZE'; bits: string }
  | { code: 'EXTENSION_UNKNOWN'; names: string }
  | { code: 'CSRATTRS_UNREADABLE'; error: string };

export interface PreflightRequest {
  keyType: string;
  hash: string;
  /** For logs: the core's lines in English. */
  honoured: string[];
  ignored: string[];
  /** The same as codes with parameters: what the front ends show, in the reader's language. */
  notes?: { honoured: RequestNote[]; ignored: RequestNote[] };
}

export type StepId = 'generateKey' | 'buildRequest' | 'send' | 'verify' | 'install' | 'verifyInStore' | 'removeOld';
export const STEP_IDS: readonly StepId[] = [
  'generateKey',
  'buildRequest',
  'send',
  'verify',
  'install',
  'verifyInStore',
  'removeOld',
];

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface RenewalOutcome {
  /** The new certificate, as installed and read back from the store. */
  certificate: CertificateDetails;
  /**
   * The new certificate as the core judges it (shared/phase computePhase with the loaded policy,
   * at the core's clock): what the overview lists for it. A front end's record takes these,
   * never its own guess (a policy's window longer than the certificate's life makes it renewable).
   */
  standing: Pick<CertificateSummary, 'expiryDate' | 'daysLeft' | 'phase'>;
  /** SHA-256 fingerprint of the certificate it replaced, if any. */
  replaced?: string;
  /** Whether the replaced certificate was removed from the store. */
  removedOld: boolean;
  /**
   * A warning, not a failure: certificates another program (a browser, certutil) removed or
   * changed in the store while CertDesk removed the replaced one, each as "<store>: <what>".
   */
  othersChanged?: string[];
}

export type ProgressEvent =
  | { kind: 'check'; operation: 'preflight'; check: CheckId; state: CheckState; error?: ApiError; note?: CheckNote }
  | { kind: 'step'; operation: 'renew' | 'acquire'; step: StepId; state: StepState; error?: ApiError }
  | {
      kind: 'pending';
      operation: 'renew' | 'acquire';
      attempt: number;
      /** ISO instant of the next try. */
      retryAt: string;
      /** Seconds until then (the bank's Retry-After, at least 5, at most 600): what the user is told. */
      waitSeconds: number;
    };

export interface ReminderEvent {
  fingerprint: string;
  threshold: ReminderThreshold;
  daysLeft: number;
}

export type Language = 'ja' | 'en';

export interface SettingsView {
  language: Language;
  endpoint: string;
  bankName: string;
  remindersAtLogin: boolean;
  /** Fields set by the machine-wide policy: shown read-only, "managed by your organisation". */
  managed: ReadonlyArray<'language' | 'endpoint' | 'bankName' | 'remindersAtLogin'>;
  /** The bank's helpdesk from the policy; absent = the screens say it is in the bank's IB documents. */
  support?: SupportView;
  /** The bank pages the policy names, so a button for one appears only when openBankSite can open it. */
  bankPages?: BankPage[];
}

/**
 * Which of the bank's pages `openBankSite` opens: `login` the IB login (bankLoginUrl, else
 * bankSiteUrl), `newPc` the guide on revoking the old PC's certificate (newPcGuideUrl),
 * `site` the bank's site (bankSiteUrl). The renderer names a page, never a URL.
 */
export type BankPage = 'login' | 'newPc' | 'site';
export const BANK_PAGES: readonly BankPage[] = ['login', 'newPc', 'site'];

export interface SettingsPatch {
  language?: Language;
  remindersAtLogin?: boolean;
}

export interface AcquireRequest {
  loginId: string;
  password: string;
}

export interface DiagnosticsSaved {
  saved: boolean;
  /** The file name the user chose (not the full path). */
  fileName?: string;
}
