// The window's screen transitions, without a browser: each event from each screen it can
// arrive on, the command it asks for, and what the state keeps (never the password).
import { describe, expect, it } from 'vitest';
import type { ApiError, CertificateSummary, Overview, PreflightReport, RenewalOutcome, SettingsView } from '../../src/shared/contract';
import { initialState, isBusy, launchRenews, retryFor, transition, type Command, type FlowEvent, type FlowState, type Screen } from '../../src/renderer/src/flow/machine';

const cert = { fingerprint: 'a'.repeat(64), holder: 'デモ 太郎' } as CertificateSummary;
const overview = { bankName: 'デモ信用金庫', now: '2026-11-28T00:00:00Z', today: '2026-11-28', certificates: [cert] } as Overview;
const settings: SettingsView = { language: 'ja', endpoint: 'https://bank.example/.well-known/est', bankName: 'デモ信用金庫', remindersAtLogin: true, managed: ['endpoint'] };
const outcome = { removedOld: true } as RenewalOutcome;
const err = (code: ApiError['code']): ApiError => ({ code, message: code });

const on = (screen: Screen, more: Partial<FlowState> = {}): FlowState => ({ ...initialState, overview, settings, ...more, screen });

/** Feeds events in order; returns the last state and every command asked for. */
function play(state: FlowState, ...events: FlowEvent[]): { state: FlowState; commands: Command[] } {
  const commands: Command[] = [];
  for (const e of events) {
    const step = transition(state, e);
    state = step.state;
    if (step.command) commands.push(step.command);
  }
  return { state, commands };
}

describe('start', () => {
  it('opens on loading, loads the settings and the overview, then shows home', () => {
    const { state, commands } = play(initialState, { type: 'opened' }, { type: 'settingsLoaded', settings }, { type: 'overviewLoaded', overview });
    expect(commands).toEqual([{ kind: 'start' }]);
    expect(state.screen).toEqual({ name: 'home' });
    expect(state.settings).toBe(settings);
    expect(state.overview).toBe(overview);
  });

  it('a failed overview is the error screen, and its retry loads the overview again', () => {
    const { state, commands } = play(initialState, { type: 'opened' }, { type: 'failed', error: err('POLICY_INVALID'), command: { kind: 'start' } }, { type: 'retry' });
    expect(state.screen).toEqual({ name: 'error', error: err('POLICY_INVALID'), retry: { kind: 'home' } });
    expect(commands).toEqual([{ kind: 'start' }, { kind: 'loadOverview' }]);
  });
});

describe('更新: preflight, start, issuing, done', () => {
  it('keeps where the key is kept as the preflight reported it (the core decides it), and forgets it when the next preflight starts', () => {
    const custody = { asked: 'store', storage: 'software', place: 'software', why: 'SEVERAL_STORES', stores: 2, everyStore: true } as const;
    let r = play(on({ name: 'preflight', cert, failed: null }), { type: 'preflightDone', cert, report: { passed: true, checks: [], custody } });
    expect(r.state.custody).toEqual(custody);
    r = play(r.state, { type: 'home' }, { type: 'renew', cert });
    expect(r.state.custody).toBeNull();
  });

  it('walks the whole renewal, clearing the checks and the steps of the run before', () => {
    const stale = on({ name: 'home' }, { checks: { clock: 'failed' }, steps: { send: 'failed' }, pending: { attempt: 3, retryAt: 'x', waitSeconds: 5 }, cancelling: true });
    const report: PreflightReport = { passed: true, checks: [] };
    let r = play(stale, { type: 'renew', cert });
    expect(r.state.screen).toEqual({ name: 'preflight', cert, failed: null });
    expect(r.state.checks).toEqual({});
    expect(r.commands).toEqual([{ kind: 'preflight', cert }]);
    r = play(r.state, { type: 'progress', event: { kind: 'check', operation: 'preflight', check: 'policy', state: 'passed' } }, { type: 'preflightDone', cert, report });
    expect(r.state.checks).toEqual({ policy: 'passed' });
    expect(r.state.screen).toEqual({ name: 'start', cert });
    r = play(r.state, { type: 'confirm' });
    expect(r.commands).toEqual([{ kind: 'renew', cert }]);
    expect(r.state.screen).toEqual({ name: 'issuing' });
    expect([r.state.steps, r.state.pending, r.state.cancelling]).toEqual([{}, null, false]);
    r = play(
      r.state,
      { type: 'progress', event: { kind: 'step', operation: 'renew', step: 'send', state: 'running' } },
      { type: 'progress', event: { kind: 'pending', operation: 'renew', attempt: 1, retryAt: '2026-11-28T00:00:02Z', waitSeconds: 5 } },
      { type: 'issued', outcome },
    );
    expect(r.state.steps).toEqual({ send: 'running' });
    expect(r.state.pending).toEqual({ attempt: 1, retryAt: '2026-11-28T00:00:02Z', waitSeconds: 5 });
    expect(r.state.screen).toEqual({ name: 'done', outcome });
    r = play(r.state, { type: 'home' }, { type: 'overviewLoaded', overview });
    expect(r.commands).toEqual([{ kind: 'loadOverview' }]);
    expect(r.state.screen).toEqual({ name: 'home' });
  });

  it('a failed check stays on preflight with the first failed check and every state', () => {
    const report: PreflightReport = {
      passed: false,
      checks: [
        { id: 'policy', state: 'passed' },
        { id: 'identity', state: 'failed', error: err('RENEWAL_NOT_OPEN') },
        { id: 'clock', state: 'skipped' },
      ],
    };
    const { state } = play(on({ name: 'preflight', cert, failed: null }), { type: 'preflightDone', cert, report });
    expect(state.screen).toEqual({ name: 'preflight', cert, failed: report.checks[1] });
    expect(state.checks).toEqual({ policy: 'passed', identity: 'failed', clock: 'skipped' });
    expect(isBusy(state)).toBe(false);
    // Its もう一度試す runs the checks again.
    expect(play(state, { type: 'renew', cert }).commands).toEqual([{ kind: 'preflight', cert }]);
  });

  it('a certificate not yet due passes every check and stays on preflight with its opening date (not 更新)', () => {
    const identity = { id: 'identity', state: 'passed', note: { code: 'NOT_YET_DUE', opensOn: '2027-05-26', expiryDate: '2027-06-25', daysLeft: 200 } } as const;
    const report: PreflightReport = { passed: true, checks: [{ id: 'policy', state: 'passed' }, identity, { id: 'clock', state: 'passed' }] };
    const { state } = play(on({ name: 'preflight', cert, failed: null }), { type: 'preflightDone', cert, report });
    expect(state.screen).toEqual({ name: 'preflight', cert, failed: identity });
    expect(isBusy(state)).toBe(false);
  });

  it('one run at a time: 更新 and 取得 are ignored while checking or issuing', () => {
    for (const busy of [on({ name: 'preflight', cert, failed: null }), on({ name: 'issuing' })]) {
      expect(isBusy(busy)).toBe(true);
      for (const e of [{ type: 'renew', cert }, { type: 'submitAcquire', request: { loginId: 'u', password: 'p' } }] as FlowEvent[]) {
        expect(transition(busy, e)).toEqual({ state: busy, command: null });
      }
    }
  });

  it('confirm does nothing outside the start screen', () => {
    const home = on({ name: 'home' });
    expect(transition(home, { type: 'confirm' })).toEqual({ state: home, command: null });
  });

  it('中止 marks cancelling and asks the runner to cancel, only while issuing', () => {
    const { state, commands } = play(on({ name: 'issuing' }), { type: 'cancel' });
    expect(state.cancelling).toBe(true);
    expect(commands).toEqual([{ kind: 'cancel' }]);
    expect(play(on({ name: 'home' }), { type: 'cancel' }).commands).toEqual([]);
  });

  it('a failed renewal retries from the checks, not straight into issuing', () => {
    const { state, commands } = play(on({ name: 'issuing' }), { type: 'failed', error: err('CANCELLED'), command: { kind: 'renew', cert } }, { type: 'retry' });
    expect(commands).toEqual([{ kind: 'preflight', cert }]);
    expect(state.screen).toEqual({ name: 'preflight', cert, failed: null });
  });
});

describe('取得', () => {
  it('the form submits into issuing; the password is in the command only, never in the state', () => {
    const request = { loginId: 'user01', password: 'secret-pass-123' };
    let r = play(on({ name: 'home' }), { type: 'openAcquire' });
    expect(r.state.screen).toEqual({ name: 'acquire' });
    r = play(r.state, { type: 'submitAcquire', request });
    expect(r.commands).toEqual([{ kind: 'acquire', request }]);
    expect(r.state.screen).toEqual({ name: 'issuing' });
    r = play(r.state, { type: 'failed', error: err('AUTH_FAILED'), command: { kind: 'acquire', request } });
    expect(r.state.screen).toEqual({ name: 'error', error: err('AUTH_FAILED'), retry: { kind: 'acquireForm', loginId: 'user01' } });
    expect(JSON.stringify(r.state)).not.toContain(request.password);
    // もう一度試す goes back to the form: the login ID kept, the password empty.
    expect(play(r.state, { type: 'retry' }).state.screen).toEqual({ name: 'acquire', loginId: 'user01' });
  });
});

describe('details, diagnostics, settings', () => {
  it('details load, then show; a failure retries the same certificate', () => {
    const details = { pem: 'x' } as never;
    expect(play(on({ name: 'home' }), { type: 'openDetails', cert }).commands).toEqual([{ kind: 'details', cert }]);
    expect(play(on({ name: 'home' }), { type: 'detailsLoaded', details }).state.screen).toEqual({ name: 'details', details });
    const failed = play(on({ name: 'home' }), { type: 'failed', error: err('STORE_UNAVAILABLE'), command: { kind: 'details', cert } }, { type: 'retry' });
    expect(failed.commands).toEqual([{ kind: 'details', cert }]);
  });

  it('diagnostics show, save, and say where; a refused save is an error without retry', () => {
    let r = play(on({ name: 'home' }), { type: 'openDiagnostics' }, { type: 'diagnosticsLoaded', text: 'report' }, { type: 'saveDiagnostics' });
    expect(r.commands).toEqual([{ kind: 'diagnostics' }, { kind: 'saveDiagnostics' }]);
    r = play(r.state, { type: 'diagnosticsSaved', saved: { saved: true, fileName: 'd.txt' } });
    expect(r.state.screen).toEqual({ name: 'diagnostics', text: 'report', saved: { saved: true, fileName: 'd.txt' } });
    r = play(r.state, { type: 'failed', error: err('INVALID_INPUT'), command: { kind: 'saveDiagnostics' } }, { type: 'retry' });
    expect(r.state.screen).toEqual({ name: 'error', error: err('INVALID_INPUT'), retry: null });
    expect(r.commands).toEqual([]);
    // Save is the diagnostics screen's only.
    expect(play(on({ name: 'home' }), { type: 'saveDiagnostics' }).commands).toEqual([]);
  });

  it('settings open only once loaded, and open without the last 保存しました', () => {
    expect(play({ ...initialState, screen: { name: 'home' } }, { type: 'openSettings' }).state.screen).toEqual({ name: 'home' });
    const { state } = play(on({ name: 'home' }, { settingsSaved: true }), { type: 'openSettings' });
    expect(state.screen).toEqual({ name: 'settings' });
    expect(state.settingsSaved).toBe(false);
  });

  it('a change shows at once, the saved view replaces it and says saved', () => {
    const saved = { ...settings, remindersAtLogin: false, language: 'en' as const };
    let r = play(on({ name: 'settings' }), { type: 'changeSettings', patch: { remindersAtLogin: false } });
    expect(r.state.settings?.remindersAtLogin).toBe(false);
    expect(r.commands).toEqual([{ kind: 'saveSettings', patch: { remindersAtLogin: false }, previous: settings }]);
    r = play(r.state, { type: 'settingsSaved', settings: saved });
    expect(r.state.settings).toBe(saved);
    expect(r.state.settingsSaved).toBe(true);
  });

  it('a refused change puts the previous view back, then the error screen says why', () => {
    const { state } = play(on({ name: 'settings' }), { type: 'changeSettings', patch: { language: 'en' } }, { type: 'settingsRefused', previous: settings, error: err('POLICY_INVALID') });
    expect(state.settings).toBe(settings);
    expect(state.screen).toEqual({ name: 'error', error: err('POLICY_INVALID'), retry: null });
  });

  it('the header language switch keeps the screen', () => {
    const before = on({ name: 'start', cert });
    expect(transition(before, { type: 'switchLanguage', language: 'en' })).toEqual({ state: before, command: { kind: 'switchLanguage', language: 'en' } });
  });
});

describe('events from the main process', () => {
  it('a reminder is kept for the home banner on any screen', () => {
    const { state } = play(on({ name: 'issuing' }), { type: 'reminder', daysLeft: 10, fingerprint: cert.fingerprint });
    expect(state.reminder).toEqual({ daysLeft: 10, fingerprint: cert.fingerprint });
    expect(state.screen).toEqual({ name: 'issuing' });
  });
});

describe('a new or replaced PC', () => {
  it('home opens the new-PC screen without an error; 取得 from there is the form', () => {
    const r = play(on({ name: 'home' }), { type: 'openNewPc' });
    expect(r.state.screen).toEqual({ name: 'newPc', error: null });
    expect(play(r.state, { type: 'openAcquire' }).state.screen).toEqual({ name: 'acquire' });
  });

  it('取得 refused for a certificate valid elsewhere is the new-PC screen, and retry does nothing there', () => {
    const refused: ApiError = { code: 'SERVER_REJECTED', message: 'x', detail: { reason: 'RENEWAL_REQUIRED' } };
    const r = play(on({ name: 'issuing' }), { type: 'failed', error: refused, command: { kind: 'acquire', request: { loginId: 'a', password: 'p' } } }, { type: 'retry' });
    expect(r.state.screen).toEqual({ name: 'newPc', error: refused, loginId: 'a' });
    expect(r.commands).toEqual([]);
    // 取得 from there (after the revocation) starts with the same login ID.
    expect(play(r.state, { type: 'openAcquire', loginId: 'a' }).state.screen).toEqual({ name: 'acquire', loginId: 'a' });
  });

  it('RENEWAL_NOT_OPEN means "valid elsewhere" only for 取得: for 更新 it is the error screen', () => {
    const early = err('RENEWAL_NOT_OPEN');
    expect(play(on({ name: 'issuing' }), { type: 'failed', error: early, command: { kind: 'acquire', request: { loginId: 'a', password: 'p' } } }).state.screen.name).toBe('newPc');
    expect(play(on({ name: 'issuing' }), { type: 'failed', error: early, command: { kind: 'renew', cert } }).state.screen.name).toBe('error');
    expect(play(on({ name: 'home' }), { type: 'failed', error: early, command: { kind: 'details', cert } }).state.screen.name).toBe('error');
  });

  it('a bank page is a command and nothing else; a refreshed overview keeps the screen', () => {
    const done = on({ name: 'done', outcome });
    expect(transition(done, { type: 'openBankPage', page: 'login' })).toEqual({ state: done, command: { kind: 'openBankSite', page: 'login' } });
    expect(transition(on({ name: 'issuing' }), { type: 'issued', outcome })).toEqual({ state: done, command: { kind: 'refreshOverview' } });
    const fresh = { ...overview, today: '2026-11-29' };
    expect(play(done, { type: 'overviewRefreshed', overview: fresh }).state).toEqual({ ...done, overview: fresh });
  });
});

describe('retryFor', () => {
  it('retries what can be retried and nothing else', () => {
    expect(retryFor({ kind: 'cancel' })).toBeNull();
    expect(retryFor({ kind: 'saveSettings', patch: {}, previous: null })).toBeNull();
    expect(retryFor({ kind: 'switchLanguage', language: 'en' })).toBeNull();
    expect(retryFor({ kind: 'diagnostics' })).toEqual({ kind: 'diagnostics' });
  });
});

describe('a certdesk: link (launch)', () => {
  const renewable = { ...cert, phase: 'renewable' } as CertificateSummary;
  const home = on({ name: 'home' }, { overview: { ...overview, certificates: [renewable] } });

  it('open shows home at once; renew and 取得 only ask', () => {
    expect(transition(home, { type: 'launched', request: { action: 'open' } }).command).toEqual({ kind: 'loadOverview' });
    const asked = transition(home, { type: 'launched', request: { action: 'renew' } });
    expect(asked.command).toBeNull();
    expect(asked.state.launch).toEqual({ action: 'renew' });
    expect(asked.state.screen).toEqual({ name: 'home' });
  });

  it('いいえ does nothing; はい starts the checks of the renewable certificate', () => {
    const asked = transition(home, { type: 'launched', request: { action: 'renew' } }).state;
    expect(transition(asked, { type: 'answerLaunch', yes: false })).toEqual({ state: { ...asked, launch: null }, command: null });
    // The question names the certificate はい renews.
    expect(launchRenews(asked)).toEqual(renewable);
    const yes = transition(asked, { type: 'answerLaunch', yes: true });
    expect(yes.command).toEqual({ kind: 'preflight', cert: renewable });
    expect(yes.state.launch).toBeNull();
  });

  it('はい to 取得 opens the form with the link\'s login ID (normalised), or empty when it is not one', () => {
    const ask = (loginId?: string) => transition(home, { type: 'launched', request: loginId === undefined ? { action: 'acquire' } : { action: 'acquire', loginId } }).state;
    expect(transition(ask('ＤＥＭＯ０００１'), { type: 'answerLaunch', yes: true }).state.screen).toEqual({ name: 'acquire', loginId: 'DEMO0001' });
    expect(transition(ask('bad id!'), { type: 'answerLaunch', yes: true }).state.screen).toEqual({ name: 'acquire' });
    expect(transition(ask(), { type: 'answerLaunch', yes: true }).state.screen).toEqual({ name: 'acquire' });
  });

  it('never interrupts a run', () => {
    const issuing = on({ name: 'issuing' });
    expect(transition(issuing, { type: 'launched', request: { action: 'acquire' } })).toEqual({ state: issuing, command: null });
    expect(transition(issuing, { type: 'launched', request: { action: 'open' } })).toEqual({ state: issuing, command: null });
  });

  it('renew with nothing renewable goes home, which says what there is', () => {
    const none = on({ name: 'diagnostics', text: '', saved: null }, { launch: { action: 'renew' } });
    expect(launchRenews(none)).toBeUndefined();
    expect(transition(none, { type: 'answerLaunch', yes: true }).command).toEqual({ kind: 'loadOverview' });
  });
});
