// The app's proxy sign-in: Chromium's `login` event (a stand-in of Electron's request with
// its exact event shape) → the broker → the window's dialog by id → the callback. Basic and
// Digest ask the dialog; NTLM/Negotiate and a server's 401 never do; cancel fails the request
// as PROXY_AUTH_REQUIRED; refused credentials are forgotten and asked again.
import { EventEmitter } from 'node:events';
import type { ClientRequestConstructorOptions, Net, Session } from 'electron';
import { describe, expect, it } from 'vitest';
import { createNetTransport } from '../../src/main/net/net-transport';
import { asksDialog, createProxyAuthBroker, DIALOG_TIMEOUT_MS, type ProxyAuthPrompt } from '../../src/main/net/proxy-auth';
import { CoreError } from '../../src/main/core/errors';

class FakeResponse extends EventEmitter {
  constructor(readonly statusCode: number, readonly headers: Record<string, string>) { super(); }
}
class FakeRequest extends EventEmitter {
  calls: string[] = [];
  setHeader() {}
  write() {}
  end() { this.calls.push('end'); }
  abort() { this.calls.push('abort'); }
  respond(status: number) {
    const res = new FakeResponse(status, {});
    this.emit('response', res);
    res.emit('end');
  }
}
function fakeNet() {
  const made: FakeRequest[] = [];
  const net = { request: (_o: ClientRequestConstructorOptions) => { const r = new FakeRequest(); made.push(r); return r; } };
  return { net: net as unknown as Pick<Net, 'request'>, made };
}
const session = {} as Session;
const tick = () => new Promise<void>((r) => setImmediate(r));
const basic = { isProxy: true, scheme: 'basic', host: 'proxy.corp.example', port: 8080, realm: 'Office proxy' };

function brokerWithWindow(window = true) {
  const asked: Array<[string, ProxyAuthPrompt]> = [];
  let n = 0;
  const broker = createProxyAuthBroker({ ask: (id, prompt) => (window ? (asked.push([id, prompt]), true) : false), newId: () => `req-${++n}` });
  return { broker, asked };
}
function login(req: FakeRequest, info: typeof basic) {
  const answers: unknown[][] = [];
  req.emit('login', info, (...a: unknown[]) => answers.push(a));
  return answers;
}

describe('the proxy sign-in dialog', () => {
  it('Basic: the window is asked by id, the answer goes to Chromium, the request goes on', async () => {
    const { broker, asked } = brokerWithWindow();
    const { net, made } = fakeNet();
    const p = createNetTransport({ net, session, requestTimeoutMs: 5000, proxyAuth: broker }).send({ method: 'GET', url: 'https://bank.example/est/cacerts', headers: {} });
    await tick();
    const answers = login(made[0]!, basic);
    expect(asked).toEqual([['req-1', { host: 'proxy.corp.example', port: 8080, realm: 'Office proxy', retry: false }]]);
    expect(answers).toEqual([]);
    expect(broker.answer('req-1', { username: 'keiri', password: 'pw-1', remember: false })).toBe(true);
    await tick();
    expect(answers).toEqual([['keiri', 'pw-1']]);
    expect(broker.remembers()).toBe(false);
    made[0]!.respond(200);
    expect((await p).status).toBe(200);
    // An answer to an id that is not pending (again, or made up) does nothing.
    expect(broker.answer('req-1', { username: 'x', password: 'y', remember: true })).toBe(false);
    expect(broker.answer('forged', null)).toBe(false);
  });

  it('cancel: Chromium is answered with nothing and the request fails as PROXY_AUTH_REQUIRED (not the bank)', async () => {
    const { broker } = brokerWithWindow();
    const { net, made } = fakeNet();
    const p = createNetTransport({ net, session, requestTimeoutMs: 5000, proxyAuth: broker }).send({ method: 'GET', url: 'https://bank.example/x', headers: {} });
    await tick();
    const answers = login(made[0]!, basic);
    broker.answer('req-1', null);
    await tick();
    expect(answers).toEqual([[]]);
    made[0]!.emit('error', new Error('net::ERR_TUNNEL_CONNECTION_FAILED'));
    const err = (await p.catch((e: unknown) => e)) as CoreError;
    expect(err).toBeInstanceOf(CoreError);
    expect(err.code).toBe('PROXY_AUTH_REQUIRED');
    expect(err.detail).toEqual({ reason: 'PROXY_AUTH', proxy: 'proxy.corp.example:8080', scheme: 'basic' });
  });

  it('NTLM and Negotiate stay with Chromium (the Windows logon): no dialog, declined', async () => {
    for (const scheme of ['ntlm', 'negotiate', 'NTLM']) {
      const { broker, asked } = brokerWithWindow();
      const { net, made } = fakeNet();
      const p = createNetTransport({ net, session, requestTimeoutMs: 5000, proxyAuth: broker }).send({ method: 'GET', url: 'https://bank.example/x', headers: {} });
      await tick();
      expect(login(made[0]!, { ...basic, scheme })).toEqual([[]]);
      expect(asked).toEqual([]);
      made[0]!.respond(407);
      const err = (await p.catch((e: unknown) => e)) as CoreError;
      expect(err.code).toBe('PROXY_AUTH_REQUIRED');
      expect(err.message).toContain("Windows' own sign-in (NTLM/Negotiate) was not accepted");
    }
    expect(asksDialog({ ...basic, scheme: 'Digest' })).toBe(true);
    expect(asksDialog({ ...basic, isProxy: false })).toBe(false);
  });

  it('headless (no window to ask): declined, and the error says to start the app', async () => {
    const { net, made } = fakeNet();
    const p = createNetTransport({ net, session, requestTimeoutMs: 5000 }).send({ method: 'GET', url: 'https://bank.example/x', headers: {} });
    await tick();
    expect(login(made[0]!, basic)).toEqual([[]]);
    made[0]!.emit('error', new Error('net::ERR_PROXY_AUTH_REQUESTED'));
    const err = (await p.catch((e: unknown) => e)) as CoreError;
    expect(err.code).toBe('PROXY_AUTH_REQUIRED');
    expect(err.message).toContain('Start the CertDesk app (it asks for them)');
  });

  it('a server (the bank) asking for credentials never gets the dialog', async () => {
    const { broker, asked } = brokerWithWindow();
    const { net, made } = fakeNet();
    const p = createNetTransport({ net, session, requestTimeoutMs: 5000, proxyAuth: broker }).send({ method: 'GET', url: 'https://bank.example/x', headers: {} });
    await tick();
    expect(login(made[0]!, { ...basic, isProxy: false, host: 'bank.example', port: 443 })).toEqual([[]]);
    expect(asked).toEqual([]);
    made[0]!.respond(401);
    expect((await p).status).toBe(401);
  });

  it('remember for this session: the next request is answered without a dialog; refused ones are forgotten and asked again', async () => {
    const { broker, asked } = brokerWithWindow();
    const { net, made } = fakeNet();
    const t = createNetTransport({ net, session, requestTimeoutMs: 5000, proxyAuth: broker });
    const p1 = t.send({ method: 'GET', url: 'https://bank.example/1', headers: {} });
    await tick();
    const a1 = login(made[0]!, basic);
    broker.answer('req-1', { username: 'keiri', password: 'old', remember: true });
    await tick();
    expect(a1).toEqual([['keiri', 'old']]);
    expect(broker.remembers()).toBe(true);
    made[0]!.respond(200);
    await p1;

    const p2 = t.send({ method: 'GET', url: 'https://bank.example/2', headers: {} });
    await tick();
    const first = login(made[1]!, basic);
    await tick();
    expect(first).toEqual([['keiri', 'old']]);
    expect(asked).toHaveLength(1);
    // The proxy asks again on the same request: the password was changed.
    const second = login(made[1]!, basic);
    await tick();
    expect(asked[1]).toEqual(['req-2', { host: 'proxy.corp.example', port: 8080, realm: 'Office proxy', retry: true }]);
    expect(broker.remembers()).toBe(false);
    broker.answer('req-2', { username: 'keiri', password: 'new', remember: false });
    await tick();
    expect(second).toEqual([['keiri', 'new']]);
    made[1]!.respond(200);
    await p2;
  });

  it('two requests at once share one dialog; no window to ask is a cancel', async () => {
    const { broker, asked } = brokerWithWindow();
    const both = Promise.all([broker.credentialsFor(basic, 1), broker.credentialsFor(basic, 1)]);
    expect(asked).toHaveLength(1);
    broker.answer('req-1', { username: 'u', password: 'p', remember: false });
    expect(await both).toEqual([{ username: 'u', password: 'p' }, { username: 'u', password: 'p' }]);
    const none = brokerWithWindow(false);
    expect(await none.broker.credentialsFor(basic, 1)).toBeNull();
  });

  it('an unanswered dialog ends after the timeout as a cancel (a clock the test drives); the next challenge asks again', async () => {
    const clock = fakeClock();
    const asked: string[] = [];
    let n = 0;
    const broker = createProxyAuthBroker({ ask: (id) => (asked.push(id), true), newId: () => `req-${++n}`, timers: clock, dialogTimeoutMs: 1234 });
    const { net, made } = fakeNet();
    const p = createNetTransport({ net, session, requestTimeoutMs: 5000, proxyAuth: broker }).send({ method: 'GET', url: 'https://bank.example/x', headers: {} });
    await tick();
    const answers = login(made[0]!, basic);
    expect(clock.armed()).toEqual([1234]);
    // A second challenge from the same proxy shares the dialog, and so its end.
    const shared = broker.credentialsFor(basic, 1);
    expect(asked).toEqual(['req-1']);
    clock.fireAll();
    await tick();
    expect(answers).toEqual([[]]);
    expect(await shared).toBeNull();
    expect(broker.answer('req-1', { username: 'late', password: 'x', remember: true })).toBe(false);
    expect(broker.remembers()).toBe(false);
    made[0]!.emit('error', new Error('net::ERR_TUNNEL_CONNECTION_FAILED'));
    expect(((await p.catch((e: unknown) => e)) as CoreError).code).toBe('PROXY_AUTH_REQUIRED');
    void broker.credentialsFor(basic, 1);
    expect(asked).toEqual(['req-1', 'req-2']);
  });

  it('every end (answer, cancel, no window, a throwing window) clears the shared dialog and its timer at once', async () => {
    const clock = fakeClock();
    let mode: 'ok' | 'none' | 'throw' = 'ok';
    const asked: string[] = [];
    let n = 0;
    const broker = createProxyAuthBroker({
      ask: (id) => {
        if (mode === 'throw') throw new Error('webContents destroyed');
        if (mode === 'none') return false;
        asked.push(id);
        return true;
      },
      newId: () => `req-${++n}`,
      timers: clock,
    });
    const first = broker.credentialsFor(basic, 1);
    expect(broker.answer('req-1', { username: 'u', password: 'p', remember: false })).toBe(true);
    // Asked again in the same tick: a new dialog, not the finished one.
    const second = broker.credentialsFor(basic, 1);
    expect(asked).toEqual(['req-1', 'req-2']);
    expect(await first).toEqual({ username: 'u', password: 'p' });
    broker.answer('req-2', null);
    expect(await second).toBeNull();
    mode = 'none';
    expect(await broker.credentialsFor(basic, 1)).toBeNull();
    mode = 'throw';
    expect(await broker.credentialsFor(basic, 1)).toBeNull();
    mode = 'ok';
    void broker.credentialsFor(basic, 1);
    expect(asked).toEqual(['req-1', 'req-2', 'req-5']);
    // Only the last dialog's timer is still armed (the default: 5 minutes).
    expect(clock.armed()).toEqual([DIALOG_TIMEOUT_MS]);
    expect(DIALOG_TIMEOUT_MS).toBe(300_000);
  });

  it('the window is told once when each request ends (answer, cancel, timeout), so its dialog closes; a failing tell ends it all the same', async () => {
    const clock = fakeClock();
    const closed: string[] = [];
    let n = 0;
    let tellFails = false;
    const broker = createProxyAuthBroker({
      ask: () => true,
      closed: (id) => {
        closed.push(id);
        if (tellFails) throw new Error('webContents destroyed');
      },
      newId: () => `req-${++n}`,
      timers: clock,
    });
    const answered = broker.credentialsFor(basic, 1);
    broker.answer('req-1', { username: 'u', password: 'p', remember: false });
    await answered;
    const cancelled = broker.credentialsFor(basic, 1);
    broker.answer('req-2', null);
    broker.answer('req-2', null);
    await cancelled;
    tellFails = true;
    const timedOut = broker.credentialsFor(basic, 1);
    clock.fireAll();
    expect(await timedOut).toBeNull();
    expect(closed).toEqual(['req-1', 'req-2', 'req-3']);
  });
});

/** setTimeout's stand-in: records what is armed; the test fires it (no waiting on the wall clock). */
function fakeClock() {
  const timers = new Map<number, { fire: () => void; ms: number }>();
  let next = 0;
  return {
    set: (fire: () => void, ms: number) => (timers.set(++next, { fire, ms }), next),
    clear: (handle: unknown) => void timers.delete(handle as number),
    armed: () => [...timers.values()].map((t) => t.ms),
    fireAll: () => [...timers.values()].forEach((t) => t.fire()),
  };
}
