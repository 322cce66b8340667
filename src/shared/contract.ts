// The one API contract between the renderer and the main process.
// The main process implements `CertDeskApi`, the preload exposes exactly it, the renderer
// calls it. Channel names derive from the method and event names below; nothing else
// defines a channel. Every method answers a `Result` so that typed errors survive IPC
// (Electron keeps only the message of a thrown Error).

import type { CertificateDetails } from './domain';
import type { Result } from './error-codes';
import type {
  AcquireRequest,
  BankPage,
  DiagnosticsSaved,
  Overview,
  PreflightReport,
  ProgressEvent,
  ReminderEvent,
  RenewalOutcome,
  SettingsPatch,
  SettingsView,
} from './api-types';
import type {
  LaunchRequest,
  PinAnswer,
  PinClosed,
  PinRequest,
  ProxyAuthAnswer,
  ProxyAuthClosed,
  ProxyAuthRequest,
} from './dialog-messages';

// One import door: the types, the errors and the dialogs' messages the contract speaks of live
// in their own files (api-types, error-codes, dialog-messages); the checks of what arrives from
// the renderer are in validate.ts.
export type { CertificateDetails, CertificateSummary, Phase, ReminderThreshold } from './domain';
export * from './error-codes';
export * from './api-types';
export * from './dialog-messages';

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
  /**
   * Removes one 置き換え済み certificate (a newer one of the same holder is installed, with its key,
   * unexpired): the window's button where the policy keeps them (removeSuperseded false). Answers
   * the overview after it.
   */
  removeSuperseded(fingerprint: string): Promise<Result<Overview>>;
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
  'removeSuperseded',
] as const satisfies readonly ApiMethod[];
type Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allMethodsListed: Missing extends never ? true : Missing = true;
void _allMethodsListed;

export const API_EVENTS = ['progress', 'reminder', 'proxyAuth', 'proxyAuthClosed', 'launch', 'pinRequest', 'pinClosed'] as const satisfies readonly ApiEvent[];

export const channelOf = (method: ApiMethod): string => `certdesk:call:${method}`;
export const eventChannelOf = (event: ApiEvent): string => `certdesk:event:${event}`;
