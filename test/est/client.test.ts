// The EST client's protocol rules against a real TLS server on loopback that answers like a
// bank would (bodies made by openssl): encoding, the 401 challenge, 403 reasons, 202 with
// Retry-After, cancel, and which CA answers are believed.
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, type EstTransport } from '../../src/main/core/est';
import { retryAfterMs } from '../../src/main/core/est/client';
import { fromBase64Body, toBase64Lines } from '../../src/main/core/est/encoding';
import { CoreError } from '../../src/main/core/errors';
import { certsOnlyBase64, makeTlsFixtures, type TlsFixtures } from './support/tls-fixtures';
import { startTlsServer, type Seen, type TestServer } from './support/servers';

let fx: TlsFixtures;
let srv: TestServer;
let transport: EstTransport;
let issuedB64: string; // certs-only CMS with the client certificate, as a bank answers enroll
let caB64: string; // certs-only with issuing CA + root

type Reply = (s: Seen, res: ServerResponse) => void;
const est = (status: number, type: string, body: string, extra: Record<string, string> = {}): Reply => (_s, res) => {
  res.writeHead(status, { 'Content-Type': type, 'Content-Transfer-Encoding': 'base64', Date: 'Wed, 25 Nov 2026 01:00:00 GMT', ...extra });
  res.end(body);
};
const json = (status: number, obj: unknown, extra: Record<string, string> = {}): Reply => (_s, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
  res.end(JSON.stringify(obj));
};
/** Answers in turn; the last one repeats. */
function script(...replies: Reply[]): void {
  let i = 0;
  srv.handler = (s, res) => replies[Math.min(i++, replies.length - 1)]!(s, res);
}

function client(over: Partial<ConstructorParameters<typeof EstClient>[0]> = {}): EstClient {
  return new EstClient({ baseUrl: srv.base, transport, anchorsDer: [fx.rootDer], pendingMaxAttempts: 3, sleep: async () => {}, ...over });
}
async function failure(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}
const creds = { loginId: 'CORP0001', password: 'pässword 1' };
const basic = 'Basic ' + Buffer.from('CORP0001:pässword 1', 'utf8').toString('base64');

beforeAll(async () => {
  fx = makeTlsFixtures();
  srv = await startTlsServer({ certPem: fx.serverChainPem, keyPem: fx.server.keyPem }, () => {});
  transport = createNodeTransport({ anchorsPem: fx.rootPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 10000 });
  issuedB64 = certsOnlyBase64(fx.dir, [fx.client.certPem]);
  caB64 = certsOnlyBase64(fx.dir, [fx.caPem, fx.rootPem]);
});
afterEach(() => { srv.seen.length = 0; });
afterAll(async () => { transport?.close(); await srv?.close(); fx?.cleanup(); });

describe('encoding', () => {
  it('base64 in 64-column lines with a final newline, and back', () => {
    const der = new Uint8Array(200).map((_, i) => i);
    const text = toBase64Lines(der);
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).every((l) => l.length <= 64 && l.length > 0)).toBe(true);
    expect(lines.slice(0, -2).every((l) => l.length === 64)).toBe(true);
    expect(fromBase64Body(text.replace(/\n/g, '\r\n'), 'x')).toEqual(der);
    expect(() => fromBase64Body('not base64!', 'x')).toThrow(CoreError);
    expect(() => fromBase64Body('', 'x')).toThrow(CoreError);
  });
});

describe('cacerts', () => {
  it('returns the bank CA chain when it chains to the pinned anchor, with the server date', async () => {
    script(est(200, 'application/pkcs7-mime', caB64));
    const r = await client().cacerts();
    expect(r.certificates.map((c) => Buffer.from(c).toString('hex')).sort()).toEqual([fx.caDer, fx.rootDer].map((c) => Buffer.from(c).toString('hex')).sort());
    expect(r.serverDate?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(srv.seen[0]).toMatchObject({ method: 'GET', path: '/.well-known/est/cacerts' });
  });

  it('refuses CA certificates that do not chain to the anchor', async () => {
    script(est(200, 'application/pkcs7-mime', certsOnlyBase64(fx.dir, [fx.rogueRootPem])));
    const err = await failure(client().cacerts());
    expect(err.code).toBe('TLS_UNTRUSTED');
    expect(err.detail?.reason).toBe('CACERTS_NOT_ANCHORED');
  });

  it('refuses a list holding a certificate that is not a CA, naming it, before anything is enrolled', async () => {
    script(est(200, 'application/pkcs7-mime', certsOnlyBase64(fx.dir, [fx.caPem, fx.client.certPem, fx.rootPem])));
    const err = await failure(client().cacerts());
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.detail).toMatchObject({ reason: 'CACERTS_NOT_CA', chain: 'NOT_A_CA' });
    expect(err.message).toMatch(/unusable CA list: The certificate ".+" is not a CA certificate.*Nothing was sent to the bank/);
  });

  it('malformed answers are BAD_RESPONSE: wrong type, not base64, not CMS', async () => {
    script(est(200, 'text/html', caB64));
    expect((await failure(client().cacerts())).code).toBe('BAD_RESPONSE');
    script(est(200, 'application/pkcs7-mime', '<html>oops</html>'));
    expect((await failure(client().cacerts())).code).toBe('BAD_RESPONSE');
    script(est(200, 'application/pkcs7-mime', Buffer.from('just some bytes that are no CMS').toString('base64')));
    expect((await failure(client().cacerts())).code).toBe('BAD_RESPONSE');
  });
});

describe('csrattrs', () => {
  it('null when the bank has none; the DER when it has', async () => {
    script((_s, res) => { res.writeHead(204); res.end(); });
    expect(await client().csrattrs()).toBeNull();
    const attrs = Buffer.from([0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07]);
    script(est(200, 'application/csrattrs', toBase64Lines(attrs)));
    expect(Buffer.from((await client().csrattrs())!)).toEqual(attrs);
    script(est(200, 'application/csrattrs', toBase64Lines(Buffer.from('hello'))));
    expect((await failure(client().csrattrs())).code).toBe('BAD_RESPONSE');
  });
});

describe('simpleenroll', () => {
  it('sends the CSR as strict servers want, credentials only after the 401 challenge', async () => {
    script(json(401, { reason: 'AUTH_REQUIRED' }, { 'WWW-Authenticate': 'Basic realm="bank"' }), est(200, 'application/pkcs7-mime; smime-type=certs-only', issuedB64));
    const certs = await client().simpleenroll(fx.csrDer, creds);
    expect(certs).toHaveLength(1);
    expect(srv.seen).toHaveLength(2);
    const [first, second] = srv.seen as [Seen, Seen];
    expect(first.headers.authorization).toBeUndefined();
    expect(second.headers.authorization).toBe(basic);
    for (const s of [first, second]) {
      expect(s).toMatchObject({ method: 'POST', path: '/.well-known/est/simpleenroll' });
      expect(s.headers['content-type']).toBe('application/pkcs10');
      expect(s.headers['content-transfer-encoding']).toBe('base64');
      expect(s.headers['content-length']).toBe(String(s.body.length));
      const text = s.body.toString('latin1');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.split('\n').every((l) => l.length <= 64)).toBe(true);
      expect(new Uint8Array(Buffer.from(text, 'base64'))).toEqual(fx.csrDer);
    }
    expect(second.body).toEqual(first.body);
  });

  it('wrong password → AUTH_FAILED; a 401 without a Basic challenge gets no credentials', async () => {
    script(json(401, {}, { 'WWW-Authenticate': 'Basic realm="bank"' }));
    const err = await failure(client().simpleenroll(fx.csrDer, creds));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.detail?.reason).toBe('REJECTED');
    srv.seen.length = 0;
    script(json(401, {}, { 'WWW-Authenticate': 'Certificate' }));
    const no = await failure(client().simpleenroll(fx.csrDer, creds));
    expect(no.code).toBe('AUTH_FAILED');
    expect(no.detail?.reason).toBe('NO_BASIC_CHALLENGE');
    expect(srv.seen.every((s) => s.headers.authorization === undefined)).toBe(true);
  });

  it('refuses a login ID that cannot be sent, and a CSR that is not DER, before any request', async () => {
    expect((await failure(client().simpleenroll(fx.csrDer, { loginId: 'a:b', password: 'x' }))).code).toBe('INVALID_INPUT');
    expect((await failure(client().simpleenroll(fx.csrDer, { loginId: 'a', password: 'x\r\nInjected: 1' }))).code).toBe('INVALID_INPUT');
    expect((await failure(client().simplereenroll(new Uint8Array([1, 2, 3])))).code).toBe('INVALID_INPUT');
    expect(srv.seen).toHaveLength(0);
  });
});

describe('status codes', () => {
  const cases: Array<[string, Reply, string, Record<string, unknown>?]> = [
    ['403 RENEWAL_NOT_OPEN', json(403, { reason: 'RENEWAL_NOT_OPEN', message: 'opens later', opensOn: '2026-12-01' }), 'RENEWAL_NOT_OPEN', { opensOn: '2026-12-01', reason: 'RENEWAL_NOT_OPEN' }],
    ['403 ACQUIRE_REQUIRED', json(403, { reason: 'ACQUIRE_REQUIRED', message: 'expired' }), 'ACQUIRE_REQUIRED'],
    ['403 REISSUE_REQUIRED', json(403, { reason: 'REISSUE_REQUIRED', message: 'over' }), 'REISSUE_REQUIRED'],
    ['403 other reason', json(403, { reason: 'SUBJECT_MISMATCH', message: 'subject differs' }), 'SERVER_REJECTED', { reason: 'SUBJECT_MISMATCH', serverMessage: 'subject differs' }],
    ['403 not JSON', (_s, res) => { res.writeHead(403); res.end('<html>Forbidden</html>'); }, 'SERVER_REJECTED'],
    ['400', json(400, { message: 'bad CSR' }), 'SERVER_REJECTED', { status: 400, serverMessage: 'bad CSR' }],
    ['500', (_s, res) => { res.writeHead(500); res.end(); }, 'SERVER_ERROR', { status: 500 }],
    ['503', (_s, res) => { res.writeHead(503); res.end(); }, 'SERVER_ERROR', { status: 503 }],
    ['302', (_s, res) => { res.writeHead(302, { Location: 'https://elsewhere.example/' }); res.end(); }, 'BAD_RESPONSE', { reason: 'UNEXPECTED_STATUS' }],
    ['200 not CMS', est(200, 'application/pkcs7-mime', 'QUJD\n'), 'BAD_RESPONSE'],
  ];
  for (const [name, reply, code, detail] of cases) {
    it(`${name} → ${code}`, async () => {
      script(reply);
      const err = await failure(client().simplereenroll(fx.csrDer));
      expect(err.code).toBe(code);
      if (detail) expect(err.detail).toMatchObject(detail);
      expect(err.message.length).toBeGreaterThan(20);
    });
  }

  it('403 SUPERSEDED says the certificate was already renewed and how to finish, not a generic refusal', async () => {
    script(json(403, { reason: 'SUPERSEDED', message: 'The client certificate has already been renewed; use the newer certificate.' }));
    const err = await failure(client().simplereenroll(fx.csrDer));
    expect(err.code).toBe('SERVER_REJECTED');
    expect(err.detail).toMatchObject({ reason: 'SUPERSEDED' });
    expect(err.message).toContain('already been renewed');
    expect(err.message).toContain('start CertDesk again');
    expect(err.message).not.toContain("Contact the bank's helpdesk with this message");
  });

  it('401 on renewal means the certificate was not accepted', async () => {
    script(json(401, {}, { 'WWW-Authenticate': 'Certificate' }));
    expect((await failure(client().simplereenroll(fx.csrDer))).code).toBe('CLIENT_CERT_REJECTED');
  });
});

describe('a bank that wants a name in the 取得 request', () => {
  const text = (status: number, body: string): Reply => (_s, res) => { res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }); res.end(body); };
  const challenge = json(401, {}, { 'WWW-Authenticate': 'Basic realm="estrealm"' });
  it.each<[string, Reply, string]>([
    ['500 in plain text (OpenSSL CA wording, as libest passes it on)', text(500, 'The commonName field needed to be supplied and was missing\n'), 'SERVER_ERROR'],
    ['400 in plain text', text(400, 'Subject DN is required'), 'SERVER_REJECTED'],
    ['403 with an unknown JSON reason', json(403, { reason: 'BAD_NAME', message: 'The request is missing a commonName.' }), 'SERVER_REJECTED'],
  ])('%s → %s naming the policy field acquireSubject', async (_name, reply, code) => {
    script(challenge, reply);
    const err = await failure(client().simpleenroll(fx.csrDer, creds));
    expect(err.code).toBe(code);
    expect(err.message).toContain('policy field acquireSubject');
    expect(err.detail).toMatchObject({ reason: 'SUBJECT_REQUIRED', field: 'acquireSubject' });
  });

  it('only for 取得, only for those words, and never over a reason the bank names', async () => {
    script(text(500, 'The commonName field needed to be supplied and was missing'));
    const renew = await failure(client().simplereenroll(fx.csrDer));
    expect(renew.code).toBe('SERVER_ERROR');
    expect(renew.message).not.toContain('acquireSubject');
    script(challenge, text(500, 'database unavailable'));
    expect((await failure(client().simpleenroll(fx.csrDer, creds))).message).not.toContain('acquireSubject');
    script(challenge, json(403, { reason: 'REISSUE_REQUIRED', message: 'subject required at the branch' }));
    expect((await failure(client().simpleenroll(fx.csrDer, creds))).code).toBe('REISSUE_REQUIRED');
  });
});

describe('202 pending', () => {
  it('waits Retry-After, resends the identical request, reports progress, then succeeds', async () => {
    const pending = json(202, { reason: 'PENDING_APPROVAL' }, { 'Retry-After': '7' });
    script(json(401, {}, { 'WWW-Authenticate': 'Basic' }), pending, pending, est(200, 'application/pkcs7-mime', issuedB64));
    const waits: number[] = [];
    const progress: Array<{ attempt: number; retryAt: Date }> = [];
    const before = Date.now();
    const certs = await client({ sleep: async (ms) => { waits.push(ms); }, onPending: (p) => progress.push(p), pendingMaxAttempts: 2 }).simpleenroll(fx.csrDer, creds);
    expect(certs).toHaveLength(1);
    expect(waits).toEqual([7000, 7000]);
    expect(progress.map((p) => p.attempt)).toEqual([1, 2]);
    expect(progress[0]!.retryAt.getTime()).toBeGreaterThanOrEqual(before + 7000);
    const sent = srv.seen.slice(1);
    expect(sent).toHaveLength(3);
    for (const s of sent) {
      expect(s.body).toEqual(sent[0]!.body);
      expect(s.headers.authorization).toBe(basic);
      expect(s.headers['content-type']).toBe('application/pkcs10');
    }
  });

  it('gives up with PENDING_TIMEOUT beyond the policy limit', async () => {
    script(json(202, {}, { 'Retry-After': '1' }));
    const err = await failure(client({ pendingMaxAttempts: 2 }).simplereenroll(fx.csrDer));
    expect(err.code).toBe('PENDING_TIMEOUT');
    expect(srv.seen).toHaveLength(3);
  });

  it('cancel while waiting ends with CANCELLED and sends nothing more', async () => {
    script(json(202, {}, { 'Retry-After': '600' }));
    const ac = new AbortController();
    const p = new EstClient({ baseUrl: srv.base, transport, anchorsDer: [fx.rootDer], pendingMaxAttempts: 5, onPending: () => setTimeout(() => ac.abort(), 10) }).simplereenroll(fx.csrDer, ac.signal);
    expect((await failure(p)).code).toBe('CANCELLED');
    expect(srv.seen).toHaveLength(1);
  });

  it('cancel while the bank is answering an enrolment: CANCELLED marked IN_FLIGHT (the bank may have issued)', async () => {
    const ac = new AbortController();
    let held: ServerResponse | undefined;
    srv.handler = (_s, res) => {
      held = res;
      ac.abort();
    };
    const err = await failure(client().simplereenroll(fx.csrDer, ac.signal));
    held?.destroy();
    expect(err.code).toBe('CANCELLED');
    expect(err.detail?.reason).toBe('IN_FLIGHT');
    expect(srv.seen).toHaveLength(1);
    // Cancelled before sending: plain CANCELLED, nothing sent.
    const none = await failure(client().simplereenroll(fx.csrDer, ac.signal));
    expect(none.detail?.reason).toBeUndefined();
    expect(srv.seen).toHaveLength(1);
  });

  it('Retry-After: seconds, an HTTP date relative to the bank\'s Date, capped, defaulted', () => {
    const r = (h: Record<string, string>) => retryAfterMs({ status: 202, headers: h, body: new Uint8Array() });
    expect(r({ 'retry-after': '30' })).toBe(30_000);
    expect(r({ 'retry-after': 'Wed, 25 Nov 2026 01:02:00 GMT', date: 'Wed, 25 Nov 2026 01:00:00 GMT' })).toBe(120_000);
    expect(r({ 'retry-after': '999999' })).toBe(600_000);
    expect(r({ 'retry-after': 'Wed, 25 Nov 2026 00:00:00 GMT', date: 'Wed, 25 Nov 2026 01:00:00 GMT' })).toBe(0);
    expect(r({})).toBe(10_000);
    expect(r({ 'retry-after': 'soon' })).toBe(10_000);
  });
});

describe('constructor', () => {
  it('refuses a non-https endpoint, no anchors, a bad pending limit', () => {
    const mk = (o: Partial<ConstructorParameters<typeof EstClient>[0]>) => { try { client(o); return null; } catch (e) { return (e as CoreError).detail?.reason; } };
    expect(mk({ baseUrl: `http://127.0.0.1:${srv.port}/.well-known/est` })).toBe('NOT_HTTPS');
    expect(mk({ baseUrl: 'nope' })).toBe('ENDPOINT_URL');
    expect(mk({ anchorsDer: [] })).toBe('NO_ANCHOR');
    expect(mk({ pendingMaxAttempts: -1 })).toBe('PENDING_MAX_ATTEMPTS');
  });
});
