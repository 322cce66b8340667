// The machine and its runner together over a scripted contract: what the window asks the
// main process, in what order, and where the answers leave it.
import { describe, expect, it } from 'vitest';
import { fail, ok, type CertDeskApi, type CertificateSummary, type Language, type Overview, type Result, type SettingsView } from '../../src/shared/contract';
import { initialState, transition, type FlowEvent, type FlowState } from '../../src/renderer/src/flow/machine';
import { run } from '../../src/renderer/src/flow/run';

const cert = { fingerprint: 'b'.repeat(64), holder: 'デモ 花子' } as CertificateSummary;
const overview = { bankName: 'デモ信用金庫', now: '', today: '2026-11-28', certificates: [cert] } as Overview;
const settings: SettingsView = { language: 'en', endpoint: 'https://bank.example/', bankName: 'デモ信用金庫', remindersAtLogin: true, managed: [] };

/** A window: the machine, the runner, a contract whose answers the test sets, and a call log. */
function window(answers: Partial<{ [M in keyof CertDeskApi]: (...args: Parameters<CertDeskApi[M]>) => Awaited<ReturnType<CertDeskApi[M]>> }>) {
  const calls: Array<[string, unknown[]]> = [];
  const languages: Language[] = [];
  const api = new Proxy({} as CertDeskApi, {
    get: (_t, name: string) => async (...args: unknown[]) => {
      calls.push([name, args]);
      const answer = (answers as Record<string, ((...a: unknown[]) => Result<unknown>) | undefined>)[name];
      if (!answer) throw new Error(`unexpected call ${name}`);
      return answer(...args);
    },
  });
  let state: FlowState = initialState;
  const running: Array<Promise<void>> = [];
  const dispatch = (event: FlowEvent): void => {
    const step = transition(state, event);
    state = step.state;
    if (step.command) running.push(run({ api, setLanguage: (l) => languages.push(l) }, step.command, dispatch));
  };
  /** Dispatches, then waits until every command it led to has answered. */
  const send = async (event: FlowEvent): Promise<FlowState> => {
    dispatch(event);
    while (running.length) await running.shift();
    return state;
  };
  return { send, calls, languages, state: () => state };
}

describe('the runner over the contract', () => {
  it('opens with the settings (and their language), then the overview', async () => {
    const w = window({ getSettings: () => ok(settings), getOverview: () => ok(overview) });
    const s = await w.send({ type: 'opened' });
    expect(w.calls.map(([m]) => m)).toEqual(['getSettings', 'getOverview']);
    expect(w.languages).toEqual(['en']);
    expect(s.screen).toEqual({ name: 'home' });
  });

  it('without settings it still shows the overview, in the language it has', async () => {
    const w = window({ getSettings: () => fail('POLICY_INVALID', 'bad'), getOverview: () => ok(overview) });
    expect((await w.send({ type: 'opened' })).screen).toEqual({ name: 'home' });
    expect(w.languages).toEqual([]);
  });

  it('a 取得 the bank refuses sends the password once and keeps it nowhere; retry is the form with the login ID only', async () => {
    const request = { loginId: 'user01', password: 'pw-never-kept-42' };
    const w = window({ acquire: () => fail('AUTH_FAILED', 'wrong') });
    await w.send({ type: 'openAcquire' });
    const s = await w.send({ type: 'submitAcquire', request });
    expect(w.calls).toEqual([['acquire', [request]]]);
    expect(s.screen).toMatchObject({ name: 'error', error: { code: 'AUTH_FAILED' } });
    expect(JSON.stringify(s)).not.toContain(request.password);
    expect((await w.send({ type: 'retry' })).screen).toEqual({ name: 'acquire', loginId: 'user01' });
    expect(w.calls).toHaveLength(1);
  });

  it('a renewal: checks, confirmation, issuing with progress, done; a failed one starts over at the checks', async () => {
    let issue: Result<never> | null = fail('SERVER_ERROR', '503');
    const w = window({
      runPreflight: () => ok({ passed: true, checks: [] }),
      renew: () => issue ?? ok({ certificate: {} as never, standing: {} as never, removedOld: true }),
      getOverview: () => ok(overview),
    });
    expect((await w.send({ type: 'renew', cert })).screen).toEqual({ name: 'start', cert });
    expect((await w.send({ type: 'confirm' })).screen).toMatchObject({ name: 'error', retry: { kind: 'preflight', cert } });
    issue = null;
    expect((await w.send({ type: 'retry' })).screen).toEqual({ name: 'start', cert });
    const done = await w.send({ type: 'confirm' });
    expect(done.screen.name).toBe('done');
    // The overview again behind the done screen, for the next renewal date; the screen stays.
    expect(done.overview).toBe(overview);
    expect(w.calls.map(([m]) => m)).toEqual(['runPreflight', 'renew', 'runPreflight', 'renew', 'getOverview']);
  });

  it('done stays done when the overview behind it cannot be read', async () => {
    const w = window({ acquire: () => ok({ certificate: {} as never, standing: {} as never, removedOld: false }), getOverview: () => fail('STORE_UNAVAILABLE', 'locked') });
    const s = await w.send({ type: 'submitAcquire', request: { loginId: 'user01', password: 'pw' } });
    expect(s.screen.name).toBe('done');
    expect(s.overview).toBeNull();
  });

  it('a 取得 refused because the certificate is still valid on the old PC opens the new-PC screen: no retry, the bank\'s guide by name', async () => {
    const refused = fail('SERVER_REJECTED', 'still valid', { status: 403, reason: 'RENEWAL_REQUIRED' });
    const w = window({ acquire: () => refused, openBankSite: () => ok({ opened: true }) });
    const s = await w.send({ type: 'submitAcquire', request: { loginId: 'user01', password: 'pw' } });
    expect(s.screen).toEqual({ name: 'newPc', error: !refused.ok && refused.error, loginId: 'user01' });
    expect(await w.send({ type: 'retry' })).toBe(s);
    await w.send({ type: 'openBankPage', page: 'newPc' });
    expect(w.calls.map(([m, a]) => [m, a])).toEqual([['acquire', [{ loginId: 'user01', password: 'pw' }]], ['openBankSite', ['newPc']]]);
    expect(w.state().screen).toBe(s.screen);
  });

  it('before the renewal window the bank says RENEWAL_NOT_OPEN to 取得: the same new-PC screen', async () => {
    const w = window({ acquire: () => fail('RENEWAL_NOT_OPEN', 'opens later', { status: 403, reason: 'RENEWAL_NOT_OPEN', opensOn: '2026-12-01' }) });
    expect((await w.send({ type: 'submitAcquire', request: { loginId: 'user01', password: 'pw' } })).screen).toMatchObject({ name: 'newPc', error: { code: 'RENEWAL_NOT_OPEN' } });
  });

  it('a bank page the policy does not name is an error without retry', async () => {
    const w = window({ openBankSite: () => fail('POLICY_INVALID', 'no bankSiteUrl', { field: 'bankSiteUrl' }) });
    const s = await w.send({ type: 'openBankPage', page: 'login' });
    expect(s.screen).toMatchObject({ name: 'error', error: { code: 'POLICY_INVALID' }, retry: null });
  });

  it('a refused settings change puts the previous view back and keeps the language', async () => {
    const w = window({ getSettings: () => ok(settings), getOverview: () => ok(overview), updateSettings: () => fail('POLICY_INVALID', 'managed') });
    await w.send({ type: 'opened' });
    await w.send({ type: 'openSettings' });
    const s = await w.send({ type: 'changeSettings', patch: { remindersAtLogin: false } });
    expect(s.settings).toEqual(settings);
    expect(s.screen).toMatchObject({ name: 'error', error: { code: 'POLICY_INVALID' }, retry: null });
    expect(w.languages).toEqual(['en']);
  });

  it('the header switch changes the language even when saving it fails, and keeps the screen', async () => {
    const w = window({ getSettings: () => ok(settings), getOverview: () => ok(overview), updateSettings: () => fail('POLICY_INVALID', 'broken') });
    await w.send({ type: 'opened' });
    const s = await w.send({ type: 'switchLanguage', language: 'ja' });
    expect(w.languages).toEqual(['en', 'ja']);
    expect(s.screen).toEqual({ name: 'home' });
    expect(s.settings?.language).toBe('en');
  });

  it('diagnostics: shown, saved, and where', async () => {
    const w = window({ getDiagnostics: () => ok({ text: 'CertDesk diagnostics' }), saveDiagnostics: () => ok({ saved: true, fileName: 'certdesk.txt' }) });
    await w.send({ type: 'openDiagnostics' });
    const s = await w.send({ type: 'saveDiagnostics' });
    expect(s.screen).toEqual({ name: 'diagnostics', text: 'CertDesk diagnostics', saved: { saved: true, fileName: 'certdesk.txt' } });
  });
});
