// The Electron-net transport with a stand-in for Electron's `net` (no Electron binary here):
// the exact calls it makes, how answers and Chromium errors come back, that it declines every
// credential prompt, and that its pinning check can only ever add a failure.
import { createHash, X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Certificate, ClientRequestConstructorOptions, Net, Request as VerifyRequest, Session } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetTransport, mapNetError, pickClientCertificate, pinningVerifyProc } from '../../src/main/net/net-transport';
import { CoreError } from '../../src/main/core/errors';
import { makeTlsFixtures, type TlsFixtures } from './support/tls-fixtures';

class FakeResponse extends EventEmitter {
  constructor(readonly statusCode: number, readonly headers: Record<string, string | string[]>) { super(); }
}
class FakeRequest extends EventEmitter {
  calls: Array<[string, ...unknown[]]> = [];
  setHeader(name: string, value: string) { this.calls.push(['setHeader', name, value]); }
  write(chunk: Buffer) { this.calls.push(['write', Buffer.from(chunk)]); }
  end() { this.calls.push(['end']); }
  abort() { this.calls.push(['abort']); }
  respond(status: number, headers: Record<string, string | string[]>, body: string[]) {
    const res = new FakeResponse(status, headers);
    this.emit('response', res);
    for (const b of body) res.emit('data', Buffer.from(b));
    res.emit('end');
  }
}
function fakeNet() {
  const made: Array<{ options: ClientRequestConstructorOptions; req: FakeRequest }> = [];
  const net = { request: (options: ClientRequestConstructorOptions) => { const req = new FakeRequest(); made.push({ options, req }); return req; } };
  return { net: net as unknown as Pick<Net, 'request'>, made };
}
const session = { id: 'session-stand-in' } as unknown as Session;
const tick = () => new Promise<void>((r) => setImmediate(r));
async function failure(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}

describe('createNetTransport', () => {
  it('makes exactly these calls: request options, each header, the body once, end', async () => {
    const { net, made } = fakeNet();
    const t = createNetTransport({ net, session, requestTimeoutMs: 5000 });
    const body = new TextEncoder().encode('MIIB\n');
    const p = t.send({ method: 'POST', url: 'https://bank.example/.well-known/est/simpleenroll', headers: { 'Content-Type': 'application/pkcs10', 'Content-Transfer-Encoding': 'base64' }, body });
    await tick();
    expect(made).toHaveLength(1);
    const { options, req } = made[0]!;
    expect(options).toEqual({
      method: 'POST', url: 'https://bank.example/.well-known/est/simpleenroll', session,
      credentials: 'omit', useSessionCookies: false, redirect: 'error', cache: 'no-store',
    });
    expect(req.calls).toEqual([
      ['setHeader', 'Content-Type', 'application/pkcs10'],
      ['setHeader', 'Content-Transfer-Encoding', 'base64'],
      ['write', Buffer.from('MIIB\n')],
      ['end'],
    ]);
    req.respond(200, { 'Content-Type': 'application/pkcs7-mime', 'X-Multi': ['a', 'b'] }, ['AB', 'CD']);
    const res = await p;
    expect(res).toEqual({ status: 200, headers: { 'content-type': 'application/pkcs7-mime', 'x-multi': 'a, b' }, body: new Uint8Array(Buffer.from('ABCD')) });
  });

  it('a GET sends no body; a 401 comes back as a response, and the credential prompt is declined', async () => {
    const { net, made } = fakeNet();
    const p = createNetTransport({ net, session, requestTimeoutMs: 5000 }).send({ method: 'GET', url: 'https://bank.example/est/cacerts', headers: {} });
    await tick();
    const { req } = made[0]!;
    const answers: unknown[][] = [];
    req.emit('login', { isProxy: false, scheme: 'basic', host: 'bank.example', port: 443, realm: 'bank' }, (...a: unknown[]) => answers.push(a));
    expect(answers).toEqual([[]]);
    req.respond(401, { 'WWW-Authenticate': 'Basic realm="bank"' }, []);
    expect((await p).status).toBe(401);
    expect(req.calls).toEqual([['end']]);
  });

  it('refuses non-https and junk URLs without making a request', async () => {
    const { net, made } = fakeNet();
    const t = createNetTransport({ net, session, requestTimeoutMs: 5000 });
    expect((await failure(t.send({ method: 'GET', url: 'http://bank.example/x', headers: {} }))).detail?.reason).toBe('NOT_HTTPS');
    expect((await failure(t.send({ method: 'GET', url: '::', headers: {} }))).code).toBe('INVALID_INPUT');
    expect(made).toHaveLength(0);
    expect(() => createNetTransport({ net, session, requestTimeoutMs: 0 })).toThrow(CoreError);
  });

  it('Chromium errors become contract errors', async () => {
    const table: Array<[string, string, string]> = [
      ['net::ERR_CERT_AUTHORITY_INVALID', 'TLS_UNTRUSTED', 'ANCHOR'],
      ['net::ERR_CERT_COMMON_NAME_INVALID', 'TLS_UNTRUSTED', 'HOSTNAME'],
      ['net::ERR_CERT_DATE_INVALID', 'TLS_UNTRUSTED', 'SERVER_CERT_DATES'],
      ['net::ERR_SSL_PROTOCOL_ERROR', 'TLS_UNTRUSTED', 'HANDSHAKE'],
      ['net::ERR_BAD_SSL_CLIENT_AUTH_CERT', 'CLIENT_CERT_REJECTED', 'ERR_BAD_SSL_CLIENT_AUTH_CERT'],
      ['net::ERR_SSL_CLIENT_AUTH_CERT_NEEDED', 'CLIENT_CERT_REJECTED', 'ERR_SSL_CLIENT_AUTH_CERT_NEEDED'],
      ['net::ERR_NAME_NOT_RESOLVED', 'NETWORK', 'DNS'],
      ['net::ERR_CONNECTION_REFUSED', 'NETWORK', 'REFUSED'],
      ['net::ERR_CONNECTION_RESET', 'NETWORK', 'RESET'],
      ['net::ERR_EMPTY_RESPONSE', 'NETWORK', 'RESET'],
      ['net::ERR_CONNECTION_TIMED_OUT', 'NETWORK', 'CONNECT_TIMEOUT'],
      ['net::ERR_TUNNEL_CONNECTION_FAILED', 'PROXY_FAILED', 'CONNECT_REFUSED'],
      ['net::ERR_PROXY_CONNECTION_FAILED', 'PROXY_FAILED', 'REFUSED'],
      ['net::ERR_PROXY_AUTH_UNSUPPORTED', 'PROXY_AUTH_REQUIRED', 'PROXY_AUTH'],
      ['net::ERR_INTERNET_DISCONNECTED', 'NETWORK', 'UNREACHABLE'],
      ['Request cannot follow redirect with the current redirect mode', 'BAD_RESPONSE', 'UNEXPECTED_REDIRECT'],
      ['something else', 'NETWORK', 'OTHER'],
    ];
    const { net, made } = fakeNet();
    const t = createNetTransport({ net, session, requestTimeoutMs: 5000 });
    for (const [message, code, reason] of table) {
      const p = t.send({ method: 'GET', url: 'https://bank.example/x', headers: {} });
      await tick();
      made.at(-1)!.req.emit('error', new Error(message));
      const err = await failure(p);
      expect([message, err.code, err.detail?.reason]).toEqual([message, code, reason]);
      expect(mapNetError(new Error(message), 'h').code).toBe(code);
    }
  });

  it('cancel, timeout and close abort the Chromium request', async () => {
    const { net, made } = fakeNet();
    const t = createNetTransport({ net, session, requestTimeoutMs: 100 });
    const ac = new AbortController();
    const p1 = t.send({ method: 'GET', url: 'https://bank.example/a', headers: {}, signal: ac.signal });
    await tick();
    ac.abort();
    expect((await failure(p1)).code).toBe('CANCELLED');
    expect(made[0]!.req.calls.at(-1)).toEqual(['abort']);

    const p2 = t.send({ method: 'GET', url: 'https://bank.example/b', headers: {} });
    const err = await failure(p2);
    expect([err.code, err.detail?.reason]).toEqual(['NETWORK', 'TIMEOUT']);
    expect(made[1]!.req.calls.at(-1)).toEqual(['abort']);

    const slow = createNetTransport({ net, session, requestTimeoutMs: 60_000 });
    const p3 = slow.send({ method: 'GET', url: 'https://bank.example/c', headers: {} });
    await tick();
    slow.close();
    expect((await failure(p3)).code).toBe('CANCELLED');
    expect(made[2]!.req.calls.at(-1)).toEqual(['abort']);
  });

  it('a redirect is refused, and an oversized body is BAD_RESPONSE', async () => {
    const { net, made } = fakeNet();
    const t = createNetTransport({ net, session, requestTimeoutMs: 5000 });
    const p = t.send({ method: 'GET', url: 'https://bank.example/r', headers: {} });
    await tick();
    made[0]!.req.emit('redirect', 302, 'GET', 'https://elsewhere.example/', {});
    expect((await failure(p)).detail?.reason).toBe('UNEXPECTED_REDIRECT');
    const q = t.send({ method: 'GET', url: 'https://bank.example/big', headers: {} });
    await tick();
    made[1]!.req.respond(200, {}, ['x'.repeat(700_000), 'y'.repeat(700_000)]);
    expect((await failure(q)).detail?.reason).toBe('TOO_LARGE');
  });
});

describe('pinningVerifyProc and pickClientCertificate (real certificates)', () => {
  let fx: TlsFixtures;
  beforeAll(() => { fx = makeTlsFixtures(); });
  afterAll(() => fx?.cleanup());

  const cert = (pem: string, issuer?: Certificate) => ({ data: pem, issuerCert: issuer } as unknown as Certificate);
  const request = (hostname: string, chain: Certificate, errorCode = 0) =>
    ({ hostname, certificate: chain, validatedCertificate: chain, verificationResult: errorCode ? 'net::ERR_CERT_AUTHORITY_INVALID' : 'net::OK', errorCode, isIssuedByKnownRoot: false }) as VerifyRequest;
  function verdict(proc: ReturnType<typeof pinningVerifyProc>, req: VerifyRequest): number {
    let out = NaN;
    proc(req, (v) => { out = v; });
    return out;
  }

  it('keeps Chromium\'s verdict when the chain holds a pinned anchor; fails when it does not; never accepts by itself', () => {
    const proc = pinningVerifyProc({ hosts: ['bank.example'], anchorsDer: [fx.rootDer] });
    const root = cert(fx.rootPem);
    const good = cert(fx.server.certPem, cert(fx.caPem, root));
    const rogue = cert(fx.rogueServer.certPem, cert(fx.rogueRootPem));
    expect(verdict(proc, request('bank.example', good))).toBe(-3);
    expect(verdict(proc, request('BANK.example', rogue))).toBe(-2);
    expect(verdict(proc, request('bank.example', good, -202))).toBe(-3);
    expect(verdict(proc, request('bank.example', rogue, -202))).toBe(-3);
    expect(verdict(proc, request('other.example', rogue))).toBe(-3);
    const results = [good, rogue].flatMap((c) => [0, -202].flatMap((e) => ['bank.example', 'x'].map((h) => verdict(proc, request(h, c, e)))));
    expect(results).not.toContain(0);
  });

  it('picks the client certificate by SHA-256 fingerprint', () => {
    const list = [cert(fx.client2.certPem), cert(fx.client.certPem)];
    const fp = createHash('sha256').update(new X509Certificate(fx.client.certPem).raw).digest('hex');
    expect(pickClientCertificate(list, fp)).toBe(list[1]);
    expect(pickClientCertificate(list, fp.toUpperCase().replace(/(..)(?!$)/g, '$1:'))).toBe(list[1]);
    expect(pickClientCertificate(list, '00'.repeat(32))).toBeUndefined();
  });
});
