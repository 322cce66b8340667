// Every screen transition of the window, as data: `transition(state, event)` gives the next
// state and, at most, one command for the runner (flow/run.ts) to carry out against the
// contract. Pure: no React, no DOM, no bridge, so it is tested without a browser.
import { validateLoginId } from '../../../shared/validate';
import { validElsewhere } from '../../../shared/error-policy';
import { normaliseLoginId } from './login-id';
import { byUrgency } from './urgency';
import type {
  AcquireRequest,
  ApiError,
  BankPage,
  CertificateDetails,
  CertificateSummary,
  CheckId,
  CheckResult,
  CheckState,
  DiagnosticsSaved,
  Language,
  LaunchRequest,
  Overview,
  PreflightReport,
  PreflightRequest,
  ProgressEvent,
  RenewalOutcome,
  SettingsPatch,
  SettingsView,
} from '../../../shared/contract';
import type { Steps } from './progress';
import type { KeyCustodyDecision } from '../../../shared/custody';

/** What the error screen's 「もう一度試す」 does again: data, so the state stays plain. */
export type Retry =
  | { kind: 'home' }
  | { kind: 'preflight'; cert: CertificateSummary }
  /** The form again, with the login ID just tried (never the password). */
  | { kind: 'acquireForm'; loginId: string }
  | { kind: 'details'; cert: CertificateSummary }
  | { kind: 'diagnostics' };

export type Screen =
  | { name: 'loading' }
  | { name: 'home' }
  /** `failed`: the check the run stopped at (a failed one, or the identity check of a certificate not yet due). */
  | { name: 'preflight'; cert: CertificateSummary; failed: CheckResult | null }
  | { name: 'start'; cert: CertificateSummary }
  | { name: 'issuing' }
  | { name: 'done'; outcome: RenewalOutcome }
  /** `loginId`: pre-filled from the expired certificate the user came from. */
  | { name: 'acquire'; loginId?: string }
  /** A new or replaced PC: the two ways to a certificate here; `error` when the bank just refused 取得 for it. */
  | { name: 'newPc'; error: ApiError | null; loginId?: string }
  | { name: 'error'; error: ApiError; retry: Retry | null }
  | { name: 'details'; details: CertificateDetails }
  | { name: 'diagnostics'; text: string; saved: DiagnosticsSaved | null }
  | { name: 'settings' };

export interface FlowState {
  screen: Screen;
  overview: Overview | null;
  settings: SettingsView | null;
  /** The settings screen says 「設定を保存しました。」 after a change the service accepted. */
  settingsSaved: boolean;
  checks: Partial<Record<CheckId, CheckState>>;
  /** What the bank's /csrattrs asked for, from the last preflight (null: not reached, or none yet). */
  request: PreflightRequest | null;
  /** Where the key will be made and kept: the core's decision, as the last preflight reported it. */
  custody: KeyCustodyDecision | null;
  steps: Steps;
  pending: { attempt: number; retryAt: string; waitSeconds: number } | null;
  cancelling: boolean;
  reminder: { daysLeft: number; fingerprint: string } | null;
  /** A certdesk: link asked to renew or to 取得: nothing happens until the user says yes. */
  launch: Extract<LaunchRequest, { action: 'renew' | 'acquire' }> | null;
}

/** Work for the runner. An acquire command carries the password; no state ever does. */
export type Command =
  | { kind: 'start' }
  | { kind: 'loadOverview' }
  /** The overview again behind the done screen (its next renewal date); a failure is not shown. */
  | { kind: 'refreshOverview' }
  | { kind: 'openBankSite'; page: BankPage }
  | { kind: 'preflight'; cert: CertificateSummary }
  | { kind: 'renew'; cert: CertificateSummary }
  | { kind: 'acquire'; request: AcquireRequest }
  | { kind: 'cancel' }
  | { kind: 'details'; cert: CertificateSummary }
  | { kind: 'removeSuperseded'; cert: CertificateSummary }
  | { kind: 'diagnostics' }
  | { kind: 'saveDiagnostics' }
  | { kind: 'saveSettings'; patch: SettingsPatch; previous: SettingsView | null }
  | { kind: 'switchLanguage'; language: Language };

export type FlowEvent =
  // the user
  | { type: 'opened' }
  | { type: 'home' }
  | { type: 'renew'; cert: CertificateSummary }
  | { type: 'confirm' }
  | { type: 'openAcquire'; loginId?: string | undefined }
  | { type: 'openNewPc' }
  | { type: 'openBankPage'; page: BankPage }
  | { type: 'submitAcquire'; request: AcquireRequest }
  | { type: 'cancel' }
  | { type: 'openDetails'; cert: CertificateSummary }
  /** The person confirmed removing a 置き換え済み certificate (the home card's button). */
  | { type: 'removeSuperseded'; cert: CertificateSummary }
  | { type: 'openDiagnostics' }
  | { type: 'saveDiagnostics' }
  | { type: 'openSettings' }
  | { type: 'changeSettings'; patch: SettingsPatch }
  | { type: 'switchLanguage'; language: Language }
  | { type: 'retry' }
  // the contract's answers
  | { type: 'settingsLoaded'; settings: SettingsView }
  | { type: 'settingsSaved'; settings: SettingsView }
  | { type: 'settingsRefused'; previous: SettingsView | null; error: ApiError }
  | { type: 'overviewLoaded'; overview: Overview }
  | { type: 'overviewRefreshed'; overview: Overview }
  | { type: 'preflightDone'; cert: CertificateSummary; report: PreflightReport }
  | { type: 'issued'; outcome: RenewalOutcome }
  | { type: 'detailsLoaded'; details: CertificateDetails }
  | { type: 'diagnosticsLoaded'; text: string }
  | { type: 'diagnosticsSaved'; saved: DiagnosticsSaved }
  | { type: 'failed'; error: ApiError; command: Command }
  // the main process's own events
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'reminder'; daysLeft: number; fingerprint: string }
  | { type: 'launched'; request: LaunchRequest }
  // the user's answer to the link's question
  | { type: 'answerLaunch'; yes: boolean };

export interface Step {
  state: FlowState;
  command: Command | null;
}

export const initialState: FlowState = {
  screen: { name: 'loading' },
  overview: null,
  settings: null,
  settingsSaved: false,
  checks: {},
  request: null,
  custody: null,
  steps: {},
  pending: null,
  cancelling: false,
  reminder: null,
  launch: null,
};

/** A preflight still checking, or issuing: one run at a time, and the header waits. */
export function isBusy(state: FlowState): boolean {
  const s = state.screen;
  return (s.name === 'preflight' && !s.failed) || s.name === 'issuing';
}

/** What a failed command's retry does: a renewal starts over with its checks, 取得 with the form. */
export function retryFor(command: Command): Retry | null {
  switch (command.kind) {
    case 'start':
    case 'loadOverview':
    case 'removeSuperseded':
      return { kind: 'home' };
    case 'preflight':
    case 'renew':
      return { kind: 'preflight', cert: command.cert };
    case 'acquire':
      return { kind: 'acquireForm', loginId: command.request.loginId };
    case 'details':
      return { kind: 'details', cert: command.cert };
    case 'diagnostics':
      return { kind: 'diagnostics' };
    default:
      return null;
  }
}

const isIssuing = (c: Command): c is Extract<Command, { kind: 'renew' | 'acquire' }> => c.kind === 'renew' || c.kind === 'acquire';

const stay = (state: FlowState): Step => ({ state, command: null });
const go = (state: FlowState, screen: Screen, command: Command | null = null): Step => ({ state: { ...state, screen }, command });

function startPreflight(state: FlowState, cert: CertificateSummary): Step {
  if (isBusy(state)) return stay(state);
  return { state: { ...state, checks: {}, request: null, custody: null, screen: { name: 'preflight', cert, failed: null } }, command: { kind: 'preflight', cert } };
}

function startIssuing(state: FlowState, command: Command): Step {
  if (isBusy(state)) return stay(state);
  return { state: { ...state, steps: {}, pending: null, cancelling: false, screen: { name: 'issuing' } }, command };
}

function retry(state: FlowState, r: Retry): Step {
  switch (r.kind) {
    case 'home':
      return { state, command: { kind: 'loadOverview' } };
    case 'preflight':
      return startPreflight(state, r.cert);
    case 'acquireForm':
      return go(state, { name: 'acquire', loginId: r.loginId });
    case 'details':
      return { state, command: { kind: 'details', cert: r.cert } };
    case 'diagnostics':
      return { state, command: { kind: 'diagnostics' } };
  }
}

function answerLaunch(state: FlowState, request: FlowState['launch']): Step {
  if (!request) return stay(state);
  if (request.action === 'acquire') {
    const id = request.loginId === undefined ? undefined : normaliseLoginId(request.loginId);
    return go(state, id !== undefined && validateLoginId(id) === null ? { name: 'acquire', loginId: id } : { name: 'acquire' });
  }
  const cert = launchRenews(state);
  return cert ? startPreflight(state, cert) : { state, command: { kind: 'loadOverview' } };
}

/** The certificate a link's renew would start with (its question names it): the most urgent whose renewal is open; none: home says what there is. */
export function launchRenews(state: FlowState): CertificateSummary | undefined {
  return byUrgency(state.overview?.certificates ?? []).find((c) => c.phase === 'renewable');
}

function progress(state: FlowState, e: ProgressEvent): FlowState {
  if (e.kind === 'check') return { ...state, checks: { ...state.checks, [e.check]: e.state } };
  if (e.kind === 'step') return { ...state, steps: { ...state.steps, [e.step]: e.state } };
  return { ...state, pending: { attempt: e.attempt, retryAt: e.retryAt, waitSeconds: e.waitSeconds } };
}

export function transition(state: FlowState, event: FlowEvent): Step {
  const screen = state.screen;
  switch (event.type) {
    case 'opened':
      return { state, command: { kind: 'start' } };
    // Home stays on the current screen until the overview is in, as every "back" does.
    case 'home':
      return { state, command: { kind: 'loadOverview' } };
    case 'renew':
      return startPreflight(state, event.cert);
    case 'confirm':
      return screen.name === 'start' ? startIssuing(state, { kind: 'renew', cert: screen.cert }) : stay(state);
    case 'openAcquire':
      return go(state, event.loginId ? { name: 'acquire', loginId: event.loginId } : { name: 'acquire' });
    case 'openNewPc':
      return go(state, { name: 'newPc', error: null });
    case 'openBankPage':
      return { state, command: { kind: 'openBankSite', page: event.page } };
    case 'submitAcquire':
      return startIssuing(state, { kind: 'acquire', request: event.request });
    case 'cancel':
      return screen.name === 'issuing' ? { state: { ...state, cancelling: true }, command: { kind: 'cancel' } } : stay(state);
    case 'openDetails':
      return { state, command: { kind: 'details', cert: event.cert } };
    // Only from home, and never while a renewal runs: the core refuses it then too (BUSY).
    case 'removeSuperseded':
      return screen.name === 'home' && event.cert.supersededBy && !isBusy(state) ? { state, command: { kind: 'removeSuperseded', cert: event.cert } } : stay(state);
    case 'openDiagnostics':
      return { state, command: { kind: 'diagnostics' } };
    case 'saveDiagnostics':
      return screen.name === 'diagnostics' ? { state, command: { kind: 'saveDiagnostics' } } : stay(state);
    case 'openSettings':
      return state.settings ? go({ ...state, settingsSaved: false }, { name: 'settings' }) : stay(state);
    // Optimistic: the control shows the change at once; the saved view replaces it, and a
    // refusal puts the previous one back before the error screen says why.
    case 'changeSettings': {
      const previous = state.settings;
      const settings = previous ? { ...previous, ...event.patch } : previous;
      return { state: { ...state, settings, settingsSaved: false }, command: { kind: 'saveSettings', patch: event.patch, previous } };
    }
    // The header switch keeps the screen; saving it is best effort (the runner changes the
    // language first, so a broken policy does not also take the user's language away).
    case 'switchLanguage':
      return { state, command: { kind: 'switchLanguage', language: event.language } };
    case 'retry':
      return screen.name === 'error' && screen.retry ? retry(state, screen.retry) : stay(state);
    case 'settingsLoaded':
      return stay({ ...state, settings: event.settings });
    case 'settingsSaved':
      return stay({ ...state, settings: event.settings, settingsSaved: true });
    case 'settingsRefused':
      return go({ ...state, settings: event.previous }, { name: 'error', error: event.error, retry: null });
    case 'overviewLoaded':
      return go({ ...state, overview: event.overview }, { name: 'home' });
    case 'overviewRefreshed':
      return stay({ ...state, overview: event.overview });
    case 'preflightDone': {
      const request = event.report.request ?? null;
      const custody = event.report.custody ?? null;
      // Not yet due: every check passed, and the identity check says when renewal opens; the
      // screen stops there with that date instead of going on to 更新.
      const notDue = event.report.checks.find((c) => c.note?.code === 'NOT_YET_DUE') ?? null;
      if (event.report.passed && !notDue) return go({ ...state, request, custody }, { name: 'start', cert: event.cert });
      const checks = Object.fromEntries(event.report.checks.map((c) => [c.id, c.state]));
      const failed = event.report.checks.find((c) => c.state === 'failed') ?? notDue;
      return go({ ...state, checks, request, custody }, { name: 'preflight', cert: event.cert, failed });
    }
    case 'issued':
      return go(state, { name: 'done', outcome: event.outcome }, { kind: 'refreshOverview' });
    case 'detailsLoaded':
      return go(state, { name: 'details', details: event.details });
    case 'diagnosticsLoaded':
      return go(state, { name: 'diagnostics', text: event.text, saved: null });
    case 'diagnosticsSaved':
      return screen.name === 'diagnostics' ? go(state, { ...screen, saved: event.saved }) : stay(state);
    case 'failed':
      // 取得 refused because the certificate is still valid on another PC: retrying cannot help,
      // the new-PC screen says what can.
      if (isIssuing(event.command) && validElsewhere(event.error, event.command.kind)) {
        return go(state, event.command.kind === 'acquire' ? { name: 'newPc', error: event.error, loginId: event.command.request.loginId } : { name: 'newPc', error: event.error });
      }
      return go(state, { name: 'error', error: event.error, retry: retryFor(event.command) });
    case 'progress':
      return stay(progress(state, event.event));
    case 'reminder':
      return stay({ ...state, reminder: { daysLeft: event.daysLeft, fingerprint: event.fingerprint } });
    // A link opens home at once (it changes nothing); renew and 取得 wait for the user's yes, and
    // never interrupt a run.
    case 'launched':
      if (event.request.action === 'open') return isBusy(state) ? stay(state) : { state, command: { kind: 'loadOverview' } };
      return isBusy(state) ? stay(state) : stay({ ...state, launch: event.request });
    case 'answerLaunch':
      return answerLaunch({ ...state, launch: null }, event.yes ? state.launch : null);
  }
}
