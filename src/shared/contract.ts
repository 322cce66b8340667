// The one API contract between the renderer and the main process.
// The main process implements `CertDeskApi`, the preload exposes exactly it, the renderer
// calls it. Channel names derive from the method and event names below; nothing else
// defines a channel. Every method answers a `Result` so that typed errors survive IPC
// (Electron keeps only the message of a thrown Error).

import type {
  CertificateDetails,
  CertificateSummary,
  Phase,
  ReminderThreshold,
} from './domain';

export type { CertificateDetails, CertificateSummary, Phase, ReminderThreshold };

/** The bank's helpdesk as the policy's `support` names it (policy.ts's SupportContact, which imports this file). */
export interface SupportView {
  name: string;
  phone?: string;
  hours?: string;
  url?: string;
  email?: string;
}

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

export interface ApiError {
  code: ErrorCode;
  /** Human message in English, for logs and the helpdesk; the UI uses its catalogs. */
  message: string;
  /** Facts the UI shows with the message: e.g. `opensOn` (YYYY-MM-DD JST), `reason`, `field`. */
  detail?: Record<string, string | number | boolean>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (
  code: ErrorCode,
  message: string,
  detail?: ApiError['detail'],
): Result<never> => ({ ok: false, error: detail ? { code, message, detail } : { code, message } });

// ---- values ----

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

// ---- the contract ----

export interface CertDeskApi {
  getOverview(): Promise<Result<Overview>>;
  getDetails(fingerprint: string): Promise<Result<CertificateDetails>>;
  runPreflight(fingerprint: string): Promise<Result<PreflightReport>>;
  renew(fingerprint: string): Promise<Result<RenewalOutcome>>;
  acquire(request: AcquireRequest): Promise<Result<RenewalOutcome>>;
  cancel(): Promise<Result<{ cancelled: boolean }>>;
  getDiagnostics(): Promise<Result<{ text: string }>>;
  saveDiagnostics(): Promise<Result<DiagnosticsSaved>>;
  getSettings(): Promise<Result<SettingsView>>;
  updateSettings(patch: SettingsPatch): Promise<Result<SettingsView>>;
  /** No argument = `site`. */
  openBankSite(page?: BankPage): Promise<Result<{ opened: boolean }>>;
}

export type ApiMethod = keyof CertDeskApi;

export interface CertDeskEvents {
  progress: ProgressEvent;
  reminder: ReminderEvent;
  /** A proxy wants a user name and password (the shell's sign-in dialog). */
  proxyAuth: ProxyAuthRequest;
  /** That sign-in request ended on main's side (answered, cancelled, timed out): its dialog closes. */
  proxyAuthClosed: ProxyAuthClosed;
  /** A certdesk: link asked for something: confirm with the user first. */
  launch: LaunchRequest;
  /** A renewal or 取得 needs the PIN of the key's token (the shell's PIN dialog). */
  pinRequest: PinRequest;
  /** That PIN request ended on main's side (answered, cancelled, timed out): its dialog closes. */
  pinClosed: PinClosed;
}
export type ApiEvent = keyof CertDeskEvents;

/** What the preload exposes on `window.certdesk`: the methods plus one subscriber per event. */
export type CertDeskBridge = CertDeskApi & {
  on<E extends ApiEvent>(event: E, listener: (payload: CertDeskEvents[E]) => void): () => void;
  /** The proxy sign-in dialog's answer (the preload has it; a bridge without it has no dialog). */
  answerProxyAuth?(id: string, answer: ProxyAuthAnswer | null): Promise<Result<{ accepted: boolean }>>;
  /** The PIN dialog's answer (the preload has it; a bridge without it has no dialog). */
  answerPin?(id: string, answer: PinAnswer | null): Promise<Result<{ accepted: boolean }>>;
};

/** Every method, once. `satisfies` makes a missing or extra name a type error. */
export const API_METHODS = [
  'getOverview',
  'getDetails',
  'runPreflight',
  'renew',
  'acquire',
  'cancel',
  'getDiagnostics',
  'saveDiagnostics',
  'getSettings',
  'updateSettings',
  'openBankSite',
] as const satisfies readonly ApiMethod[];
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allMethodsListed: Missing extends never ? true : Missing = true;
void _allMethodsListed;

export const API_EVENTS = ['progress', 'reminder', 'proxyAuth', 'proxyAuthClosed', 'launch', 'pinRequest', 'pinClosed'] as const satisfies readonly ApiEvent[];

export const channelOf = (method: ApiMethod): string => `certdesk:call:${method}`;
export const eventChannelOf = (event: ApiEvent): string => `certdesk:event:${event}`;

// ---- validation at the boundary ----

const FINGERPRINT = /^[0-9a-f]{64}$/;
const LOGIN_ID = /^[A-Za-z0-9._@-]{1,64}$/;

export type ArgsOf<M extends ApiMethod> = Parameters<CertDeskApi[M]>;

function invalid(field: string, message: string): ApiError {
  return { code: 'INVALID_INPUT', message, detail: { field } };
}

function fingerprintArg(args: unknown[]): ApiError | null {
  if (args.length !== 1 || typeof args[0] !== 'string' || !FINGERPRINT.test(args[0])) {
    return invalid('fingerprint', 'Expected one SHA-256 fingerprint: 64 lowercase hex digits.');
  }
  return null;
}

function noArgs(args: unknown[]): ApiError | null {
  return args.length === 0 ? null : invalid('arguments', 'This method takes no arguments.');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export function validateLoginId(loginId: unknown): ApiError | null {
  if (typeof loginId !== 'string' || !LOGIN_ID.test(loginId)) {
    return invalid('loginId', 'The login ID is 1–64 letters, digits or . _ @ -.');
  }
  return null;
}

export function validatePassword(password: unknown): ApiError | null {
  if (typeof password !== 'string' || password.length < 1 || password.length > 128) {
    return invalid('password', 'The password is 1–128 characters.');
  }
  return null;
}

/**
 * Checks the raw arguments of a call as they arrive from the renderer.
 * Returns null when they are what the contract says, or the error to answer with.
 */
export const validateArgs: { [M in ApiMethod]: (args: unknown[]) => ApiError | null } = {
  getOverview: noArgs,
  getDetails: fingerprintArg,
  runPreflight: fingerprintArg,
  renew: fingerprintArg,
  acquire: (args) => {
    const [req] = args;
    if (args.length !== 1 || !isPlainObject(req)) return invalid('request', 'Expected { loginId, password }.');
    const extra = Object.keys(req).filter((k) => k !== 'loginId' && k !== 'password');
    if (extra.length > 0) return invalid(extra[0]!, `Unexpected field ${extra[0]}.`);
    return validateLoginId(req.loginId) ?? validatePassword(req.password);
  },
  cancel: noArgs,
  getDiagnostics: noArgs,
  saveDiagnostics: noArgs,
  getSettings: noArgs,
  updateSettings: (args) => {
    const [patch] = args;
    if (args.length !== 1 || !isPlainObject(patch)) return invalid('patch', 'Expected a settings object.');
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'language') {
        if (v !== 'ja' && v !== 'en') return invalid('language', 'Language is "ja" or "en".');
      } else if (k === 'remindersAtLogin') {
        if (typeof v !== 'boolean') return invalid('remindersAtLogin', 'remindersAtLogin is true or false.');
      } else {
        return invalid(k, `Unexpected field ${k}.`);
      }
    }
    return null;
  },
  openBankSite: (args) => {
    if (args.length === 0) return null;
    if (args.length === 1 && (BANK_PAGES as readonly unknown[]).includes(args[0])) return null;
    return invalid('page', 'Expected no argument or one of "login", "newPc", "site".');
  },
};

// ---- the shell's own messages (not the core's: no method of CertDeskApi) ----

/** A proxy asks for a user name and password: the window shows CertDesk's sign-in dialog. */
export interface ProxyAuthRequest {
  /** Answer with this id (answerProxyAuth); unguessable, one per dialog. */
  id: string;
  host: string;
  port: number;
  realm: string;
  /** The credentials given before were refused. */
  retry: boolean;
}

export interface ProxyAuthClosed {
  /** The ProxyAuthRequest's id. */
  id: string;
}

/** The dialog's answer; null = cancelled (the request fails with PROXY_AUTH_REQUIRED). Kept in memory only. */
export interface ProxyAuthAnswer {
  username: string;
  password: string;
  /** Keep them until CertDesk quits (never on disk); else for this operation only. */
  remember: boolean;
}

/**
 * What a certdesk: link asked for (the bank's 「証明書発行アプリの起動」 button). The window
 * asks the user before doing anything; nothing happens without that confirmation.
 */
export type LaunchRequest = { action: 'open' } | { action: 'renew' } | { action: 'acquire'; loginId?: string };

/** The channel of the dialog's answer: invoked like a contract method, checked the same way. */
export const PROXY_AUTH_ANSWER_CHANNEL = 'certdesk:proxy-auth:answer';

const PROXY_AUTH_ID = /^[0-9a-f-]{36}$/;
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Checks [id, answer | null] from the renderer. */
export function validateProxyAuthAnswer(args: unknown[]): ApiError | null {
  const [id, answer] = args;
  if (args.length !== 2 || typeof id !== 'string' || !PROXY_AUTH_ID.test(id)) return invalid('id', 'Expected the id of a pending proxy sign-in.');
  if (answer === null) return null;
  if (!isPlainObject(answer)) return invalid('answer', 'Expected { username, password, remember } or null.');
  const extra = Object.keys(answer).filter((k) => k !== 'username' && k !== 'password' && k !== 'remember');
  if (extra.length > 0) return invalid(extra[0]!, `Unexpected field ${extra[0]}.`);
  const { username, password, remember } = answer;
  // Printable, one line: a user name goes into an HTTP header.
  if (typeof username !== 'string' || username.length < 1 || username.length > 256 || username.includes(':') || hasControl(username)) {
    return invalid('username', 'The proxy user name is 1–256 characters, without a colon or control characters.');
  }
  if (typeof password !== 'string' || password.length > 256 || hasControl(password)) {
    return invalid('password', 'The proxy password is up to 256 characters, without control characters.');
  }
  if (typeof remember !== 'boolean') return invalid('remember', 'remember is true or false.');
  return null;
}

/** A renewal or 取得 needs the PIN of the token that keeps the key (policy keyStorage tpm / pkcs11). */
export interface PinRequest {
  /** Answer with this id (answerPin); unguessable, one per dialog. */
  id: string;
  /** The token's label, as the browser will name it when it asks the same PIN at login. */
  tokenLabel: string;
  /** The PIN given before was wrong (「PINが違います」). */
  retry: boolean;
  /** The policy lets CertDesk keep the PIN in the OS keychain: the dialog offers the box. */
  offerRemember: boolean;
}

export interface PinClosed {
  /** The PinRequest's id. */
  id: string;
}

/** The PIN dialog's answer; null = cancelled (the operation fails, nothing changed). Held in memory for that operation only. */
export interface PinAnswer {
  pin: string;
  /** Keep it in the OS keychain (honoured only when the request offered it). */
  remember: boolean;
}

/** The channel of the PIN dialog's answer: invoked like a contract method, checked the same way. */
export const PIN_ANSWER_CHANNEL = 'certdesk:pin:answer';

/** Printable ASCII, 4–64: what tokens and the browser's PIN prompt accept; no control characters. */
const PIN_TEXT = /^[\x20-\x7e]{4,64}$/;

/** Checks [id, answer | null] from the renderer. */
export function validatePinAnswer(args: unknown[]): ApiError | null {
  const [id, answer] = args;
  if (args.length !== 2 || typeof id !== 'string' || !PROXY_AUTH_ID.test(id)) return invalid('id', 'Expected the id of a pending PIN request.');
  if (answer === null) return null;
  if (!isPlainObject(answer)) return invalid('answer', 'Expected { pin, remember } or null.');
  const extra = Object.keys(answer).filter((k) => k !== 'pin' && k !== 'remember');
  if (extra.length > 0) return invalid(extra[0]!, `Unexpected field ${extra[0]}.`);
  if (typeof answer.pin !== 'string' || !PIN_TEXT.test(answer.pin)) return invalid('pin', 'The PIN is 4–64 printable ASCII characters (letters, digits, symbols), without control characters.');
  if (typeof answer.remember !== 'boolean') return invalid('remember', 'remember is true or false.');
  return null;
}
