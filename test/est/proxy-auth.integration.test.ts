// The command line through a real proxy that wants Basic credentials (Debian's tinyproxy, on
// loopback, allowed to CONNECT only to the bank simulator's port): no credentials is the
// proxy's 407, never the bank's fault; the right ones carry a real EST exchange; a proxy that
// is down is blamed on the proxy. The password never appears in an error.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, type EstTransport, type NodeTransportOptions } from '../../src/main/core/est';
import { readSystemProxy } from '../../src/main/core/est/system-proxy-read';
import { NO_SYSTEM_PROXY } from '../../src/main/core/est/system-proxy';
import { CoreError } from '../../src/main/core/errors';
import { pemToDer } from '../../src/main/core/pki';
import { redact } from '../../src/shared/redact';
import { errorPolicy } from '../../src/shared/error-policy';
import { startBank, type Bank } from '../bank/index';
import { deadPort } from './support/servers';

const USER = 'keiri01';
// tinyproxy's config grammar takes no : or @ here; the percent-encoding is tested in proxy-system.test.ts.
const PASSWORD = 'Pr0xy_pass-2026';
let dir: string;
let bank: Bank;
let proxyPort: number;
let tinyproxy: ChildProcess;
const tinyproxyLog: string[] = [];
const open: EstTransport[] = [];

function transport(over: Partial<NodeTransportOptions>): EstTransport {
  // No credentials from this machine's environment unless a test gives them.
  const t = createNodeTransport({ anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000, env: {}, ...over });
  open.push(t);
  return t;
}
const cacerts = (t: EstTransport) =>
  new EstClient({ baseUrl: bank.url, transport: t, anchorsDer: pemToDer(bank.trustAnchorPem), pendingMaxAttempts: 0 }).cacerts();
async function failure(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}
/** The error as anything could log it: message, detail, cause, JSON. */
const everything = (e: CoreError) => [e.message, JSON.stringify(e.toApiError()), String(e.cause ?? ''), JSON.stringify(redact(e))].join('\n');

/** Resolves once the port accepts connections (tinyproxy writes no "ready" line). */
async function listening(port: number): Promise<void> {
  for (;;) {
    if (tinyproxy.exitCode !== null) throw new Error(`tinyproxy exited (${tinyproxy.exitCode}): ${tinyproxyLog.join('')}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setImmediate(r));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-proxy-auth-'));
  bank = await startBank({ dataDir: join(dir, 'bank'), port: 0, log: () => undefined });
  const bankPort = new URL(bank.url).port;
  proxyPort = await deadPort();
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(conf, [
    `Port ${proxyPort}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'MaxClients 20',
    'Allow 127.0.0.1',
    `BasicAuth ${USER} ${PASSWORD}`,
    // CONNECT only to the bank simulator: an office proxy's usual whitelist.
    `ConnectPort ${bankPort}`,
    'LogLevel Info',
  ].join('\n') + '\n');
  tinyproxy = spawn('tinyproxy', ['-d', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  tinyproxy.stdout?.on('data', (c: Buffer) => tinyproxyLog.push(c.toString()));
  tinyproxy.stderr?.on('data', (c: Buffer) => tinyproxyLog.push(c.toString()));
  await new Promise<void>((resolve, reject) => {
    tinyproxy.once('spawn', resolve);
    tinyproxy.once('error', (e) => reject(new Error(`tinyproxy could not start (${e.message}): apt-get install tinyproxy (see .ci/run)`)));
  });
  await listening(proxyPort);
});
afterAll(async () => {
  for (const t of open) t.close();
  if (tinyproxy && tinyproxy.exitCode === null) {
    const exited = new Promise((r) => tinyproxy.once('exit', r));
    tinyproxy.kill('SIGTERM');
    await exited;
  }
  await bank?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a proxy that wants Basic credentials (tinyproxy)', () => {
  it('without credentials: PROXY_AUTH_REQUIRED names the proxy and what to do, and the bank saw nothing', async () => {
    const err = await failure(cacerts(transport({ proxy: `http://127.0.0.1:${proxyPort}` })));
    expect(err.code).toBe('PROXY_AUTH_REQUIRED');
    expect(err.detail).toMatchObject({ reason: 'PROXY_AUTH', status: 407, proxy: `127.0.0.1:${proxyPort}`, scheme: 'Basic' });
    expect(err.message).toContain('HTTPS_PROXY');
    expect(err.message).toContain('the bank was not reached');
    expect(errorPolicy(err.toApiError()).blames).toBe('endpoint');
  });

  it('wrong credentials (from the environment): the same 407, and the password is in no part of the error', async () => {
    const env = { HTTPS_PROXY: `http://${USER}:not-${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxyPort}` };
    const err = await failure(cacerts(transport({ proxy: 'system', systemProxy: () => readSystemProxy({ platform: 'linux', env }) })));
    // tinyproxy answers wrong credentials with 401, not 407: a CONNECT's answer is the proxy's either way.
    expect(err.code).toBe('PROXY_AUTH_REQUIRED');
    expect(err.detail?.status).toBe(401);
    expect(everything(err)).not.toContain('not-Pr0xy');
    expect(everything(err)).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('the right credentials in HTTPS_PROXY: a real EST exchange with the bank through the proxy', async () => {
    const env = { HTTPS_PROXY: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxyPort}`, NO_PROXY: 'intranet.example' };
    const t = transport({ proxy: 'system', systemProxy: () => readSystemProxy({ platform: 'linux', env }) });
    const { certificates } = await cacerts(t);
    expect(certificates.length).toBeGreaterThan(0);
    expect(tinyproxyLog.join('')).toContain(`CONNECT 127.0.0.1:${new URL(bank.url).port}`);
  });

  it('the policy\'s fixed proxy takes its credentials from HTTPS_PROXY when that names the same proxy, never for another', async () => {
    const same = { HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxyPort}` };
    const { certificates } = await cacerts(transport({ proxy: `http://127.0.0.1:${proxyPort}`, env: same }));
    expect(certificates.length).toBeGreaterThan(0);
    const other = { HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.2:${proxyPort}` };
    const err = await failure(cacerts(transport({ proxy: `http://127.0.0.1:${proxyPort}`, env: other })));
    expect(err.code).toBe('PROXY_AUTH_REQUIRED');
    expect(err.detail?.status).toBe(407);
  });

  it('a CONNECT the proxy does not allow (another port): PROXY_FAILED with its status, not the bank', async () => {
    const other = await deadPort();
    const t = transport({ proxy: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxyPort}` as `http://${string}` });
    const err = await failure(t.send({ method: 'GET', url: `https://127.0.0.1:${other}/.well-known/est/cacerts`, headers: {} }));
    expect(err.code).toBe('PROXY_FAILED');
    expect(err.detail).toMatchObject({ reason: 'CONNECT_REFUSED', proxy: `127.0.0.1:${proxyPort}`, status: 403 });
    expect(everything(err)).not.toContain(encodeURIComponent(PASSWORD));
  });
});

describe('a proxy that is down', () => {
  it('is PROXY_FAILED naming the proxy, not NETWORK (the bank)', async () => {
    const down = await deadPort();
    const err = await failure(cacerts(transport({ proxy: `http://127.0.0.1:${down}` })));
    expect(err.code).toBe('PROXY_FAILED');
    expect(err.detail).toMatchObject({ reason: 'REFUSED', proxy: `127.0.0.1:${down}` });
    expect(err.message).toContain(`The proxy 127.0.0.1:${down} cannot be reached`);
    expect(err.message).toContain('the bank was not contacted');
  });
});

describe('an OS that names only a PAC file', () => {
  it('goes direct, and a failure then says the command line cannot run the PAC file and what to set', async () => {
    const down = await deadPort();
    const t = transport({ proxy: 'system', systemProxy: async () => ({ ...NO_SYSTEM_PROXY, pac: 'http://wpad.corp.example/proxy.pac' }) });
    const err = await failure(t.send({ method: 'GET', url: `https://127.0.0.1:${down}/.well-known/est/cacerts`, headers: {} }));
    expect(err.code).toBe('NETWORK');
    expect(err.detail).toMatchObject({ reason: 'REFUSED', pac: true });
    expect(err.message).toContain('PAC file (http://wpad.corp.example/proxy.pac)');
    expect(err.message).toContain("set the policy's proxy to http://host:port");
  });
});
