// The app's Chromium transport with a stand-in of electron's app/net/session (no binary
// here), checking the exact calls: the in-memory EST session with the policy's proxy, the
// request on that session, the proxy challenge handed to the sign-in broker, and the
// proxy credentials Chromium cached dropped when the operation ends unless remembered.
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Policy } from '../../src/shared/policy';

const sessionCalls: unknown[][] = [];
const requests: Array<{ options: Record<string, unknown>; req: EventEmitter & { end(): void; abort(): void } }> = [];
const estSession = {
  setPermissionRequestHandler: () => undefined,
  setPermissionCheckHandler: () => undefined,
  setDevicePermissionHandler: () => undefined,
  setDisplayMediaRequestHandler: () => undefined,
  setCertificateVerifyProc: () => undefined,
  setProxy: (p: unknown) => (sessionCalls.push(['setProxy', p]), Promise.resolve()),
  clearAuthCache: () => (sessionCalls.push(['clearAuthCache']), Promise.resolve()),
};
vi.mock('electron', () => ({
  app: new EventEmitter(),
  session: { fromPartition: (name: string) => (sessionCalls.push(['fromPartition', name]), estSession) },
  net: {
    request: (options: Record<string, unknown>) => {
      const req = Object.assign(new EventEmitter(), { setHeader: () => undefined, write: () => undefined, end: () => undefined, abort: () => undefined });
      requests.push({ options, req });
      return req;
    },
  },
}));
const { createChromiumTransport } = await import('../../src/main/net/chromium-transport');
const { createProxyAuthBroker } = await import('../../src/main/net/proxy-auth');

const dir = mkdtempSync(join(tmpdir(), 'certdesk-chromium-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=Bank Root', '-days', '30'], { stdio: 'ignore' });
const policy = (proxy: Policy['proxy']) => ({ endpoint: 'https://est.bank.example/.well-known/est', trustAnchorPem: readFileSync(join(dir, 'c.pem'), 'utf8'), proxy, requestTimeoutMs: 30_000 }) as Policy;
const tick = () => new Promise<void>((r) => setImmediate(r));
/** The app's permission rule, passed in (app/security.ts's denyAllPermissions): each session it was given. */
const denied: unknown[] = [];
const denyPermissions = (s: unknown) => void denied.push(s);
const basic = { isProxy: true, scheme: 'basic', host: 'proxy.corp.example', port: 8080, realm: 'proxy' };

beforeEach(() => {
  sessionCalls.length = 0;
  requests.length = 0;
  denied.length = 0;
});

/** One request through the transport: the proxy challenges it once and the dialog (or the broker's memory) answers. */
async function oneOperation(chromium: ReturnType<typeof createChromiumTransport>, broker: ReturnType<typeof createProxyAuthBroker>, remember: boolean, proxy: Policy['proxy']) {
  const t = chromium.open(policy(proxy));
  const p = t.send({ method: 'GET', url: 'https://est.bank.example/.well-known/est/cacerts', headers: {} });
  await tick();
  const { options, req } = requests.at(-1)!;
  const answers: unknown[][] = [];
  req.emit('login', basic, (...a: unknown[]) => answers.push(a));
  broker.answer('id-1', { username: 'keiri', password: 'pw', remember });
  await tick();
  const res = Object.assign(new EventEmitter(), { statusCode: 200, headers: {} });
  req.emit('response', res);
  res.emit('end');
  await p;
  t.close();
  return { options, answers };
}

async function throughProxy(remember: boolean, proxy: Policy['proxy']) {
  const broker = createProxyAuthBroker({ newId: () => 'id-1', ask: () => true });
  return oneOperation(createChromiumTransport({ denyPermissions, proxyAuth: broker }), broker, remember, proxy);
}

describe('the Chromium transport', () => {
  it('the EST session gets the app\'s permission rule once, when it is made (net/ takes it from the app, never imports it)', async () => {
    const broker = createProxyAuthBroker({ newId: () => 'id-1', ask: () => true });
    const chromium = createChromiumTransport({ denyPermissions, proxyAuth: broker });
    expect(denied).toEqual([]);
    await oneOperation(chromium, broker, false, 'system');
    await oneOperation(chromium, broker, false, 'system');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toBe(estSession);
  });

  it('an in-memory EST session with the policy\'s fixed proxy; the request on it; credentials dropped at close when not remembered', async () => {
    const { options, answers } = await throughProxy(false, 'http://proxy.corp.example:8080/');
    expect(sessionCalls).toEqual([['fromPartition', 'certdesk-est'], ['setProxy', { mode: 'fixed_servers', proxyRules: 'http://proxy.corp.example:8080' }], ['clearAuthCache']]);
    expect(options).toMatchObject({ session: estSession, credentials: 'omit', redirect: 'error' });
    expect(answers).toEqual([['keiri', 'pw']]);
  });

  it('"remember for this session": Chromium\'s cache is still cleared at the end; the next operation gets them from the broker, no dialog; `system` leaves the proxy to Chromium (no setProxy)', async () => {
    let asked = 0;
    const broker = createProxyAuthBroker({ newId: () => 'id-1', ask: () => (asked++, true) });
    const chromium = createChromiumTransport({ denyPermissions, proxyAuth: broker });
    await oneOperation(chromium, broker, true, 'system');
    expect(sessionCalls).toEqual([['fromPartition', 'certdesk-est'], ['clearAuthCache']]);
    const second = await oneOperation(chromium, broker, false, 'system');
    expect(second.answers).toEqual([['keiri', 'pw']]);
    expect(asked).toBe(1);
    expect(sessionCalls).toEqual([['fromPartition', 'certdesk-est'], ['clearAuthCache'], ['clearAuthCache']]);
  });

  it('once a proxy is remembered, another proxy\'s one-operation password is still cleared at that operation\'s end (issue 24 item 3)', async () => {
    const broker = createProxyAuthBroker({ newId: () => 'id-1', ask: () => true });
    const chromium = createChromiumTransport({ denyPermissions, proxyAuth: broker });
    await oneOperation(chromium, broker, true, 'system');
    expect(broker.remembers()).toBe(true);
    sessionCalls.length = 0;
    const t = chromium.open(policy('system'));
    const p = t.send({ method: 'GET', url: 'https://est.bank.example/.well-known/est/cacerts', headers: {} });
    await tick();
    const other = { ...basic, host: 'proxy2.corp.example' };
    const answers: unknown[][] = [];
    requests.at(-1)!.req.emit('login', other, (...a: unknown[]) => answers.push(a));
    broker.answer('id-1', { username: 'soumu', password: 'once', remember: false });
    await tick();
    const res = Object.assign(new EventEmitter(), { statusCode: 200, headers: {} });
    requests.at(-1)!.req.emit('response', res);
    res.emit('end');
    await p;
    expect(answers).toEqual([['soumu', 'once']]);
    t.close();
    expect(sessionCalls).toEqual([['clearAuthCache']]);
  });

  it('overlapping operations: cleared when the last one ends, once per close', () => {
    const chromium = createChromiumTransport({ denyPermissions, proxyAuth: createProxyAuthBroker({ newId: () => 'id-1', ask: () => true }) });
    const a = chromium.open(policy('system'));
    const b = chromium.open(policy('system'));
    sessionCalls.length = 0;
    a.close();
    a.close();
    expect(sessionCalls).toEqual([]);
    b.close();
    expect(sessionCalls).toEqual([['clearAuthCache']]);
  });
});
