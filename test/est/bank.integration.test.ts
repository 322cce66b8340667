// The EST client against the real bank simulator: every operation and every error code by a
// real exchange over TLS, through a real CONNECT proxy, and the rule that credentials never
// reach a server that is not verified.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, type EstTransport } from '../../src/main/core/est';
import type { NodeTransportOptions } from '../../src/main/core/est';
import { buildCsr, generateKeyPair, pemToDer, subjectDerOf, verifyIssued } from '../../src/main/core/pki';
import { CoreError } from '../../src/main/core/errors';
import { PENDING_DEADLINE_MS } from '../../src/main/core/est/client';
import { startBank, type Bank } from '../bank/index';
import { deadPort, startConnectProxy, startKillingRelay, startTlsServer } from './support/servers';

let dir: string;
let bank: Bank;
let anchorDer: Uint8Array;
const log: string[] = [];
const open: EstTransport[] = [];

function transport(over: Partial<NodeTransportOptions> = {}): EstTransport {
  const t = createNodeTransport({ anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000, ...over });
  open.push(t);
  return t;
}
function client(t: EstTransport, over: Partial<ConstructorParameters<typeof EstClient>[0]> = {}): EstClient {
  return new EstClient({ baseUrl: bank.url, transport: t, anchorsDer: [anchorDer], pendingMaxAttempts: 3, sleep: async () => {}, ...over });
}
async function failure(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}
/** A renewal request for a seeded account: a fresh key, the current subject byte-for-byte. */
async function csrFor(certPem: string): Promise<Uint8Array> {
  const keys = await generateKeyPair('ecdsaP256');
  return (await buildCsr({ keys, subjectDer: subjectDerOf(pemToDer(certPem)[0]!) })).der;
}
async function seeded(id: string, days: number, password?: string) {
  const a = await bank.seedAccount(id, days, password, { keyType: 'ecdsaP256' });
  return { ...a, p12: new Uint8Array(readFileSync(a.p12Path)), csr: await csrFor(a.certPem) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-est-bank-'));
  bank = await startBank({ dataDir: join(dir, 'bank'), port: 0, log: (l) => log.push(l) });
  anchorDer = pemToDer(bank.trustAnchorPem)[0]!;
});
afterAll(async () => {
  for (const t of open) t.close();
  await bank?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('operations', () => {
  it('cacerts: the bank chain, anchored, with the bank\'s Date', async () => {
    const { certificates, serverDate } = await client(transport()).cacerts();
    expect(certificates.length).toBe(2);
    expect(certificates.some((c) => Buffer.from(c).equals(Buffer.from(anchorDer)))).toBe(true);
    expect(serverDate).toBeInstanceOf(Date);
    expect(Math.abs(serverDate!.getTime() - Date.now())).toBeLessThan(120_000);
  });

  it('csrattrs: DER from the bank', async () => {
    const attrs = await client(transport()).csrattrs();
    expect(attrs?.[0]).toBe(0x30);
  });

  it('simplereenroll with the PKCS#12 identity: a certificate that verifies against the request and the anchor', async () => {
    const a = await seeded('RENEW-P12', 10);
    const est = client(transport({ identity: { pkcs12: a.p12, password: a.p12Password } }));
    const { certificates: ca } = await est.cacerts();
    const [issued] = await est.simplereenroll(a.csr);
    await verifyIssued({ certificateDer: issued!, requestDer: a.csr, caCertsDer: ca, anchorsDer: [anchorDer], expectedSubjectDer: subjectDerOf(pemToDer(a.certPem)[0]!) });
    expect(bank.account('RENEW-P12')?.issued.length).toBe(2);
  });

  it('simplereenroll with a PEM identity', async () => {
    const a = await seeded('RENEW-PEM', 5);
    const [issued] = await client(transport({ identity: { certPem: a.certPem, keyPem: a.keyPem } })).simplereenroll(a.csr);
    expect(issued?.[0]).toBe(0x30);
  });

  it('simpleenroll (取得): Basic only after the bank\'s 401 challenge, then the certificate', async () => {
    const a = await seeded('ACQ-1', -10, 'correct horse 1');
    const from = log.length;
    const [issued] = await client(transport()).simpleenroll(a.csr, { loginId: 'ACQ-1', password: 'correct horse 1' });
    expect(issued?.[0]).toBe(0x30);
    const lines = log.slice(from).filter((l) => l.includes('/simpleenroll'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ 401 .*reason=AUTH_REQUIRED/);
    expect(lines[1]).toMatch(/ 200 account=ACQ-1/);
  });

  // The simulator approves a held request only when the identical request comes back, so
  // these prove the resend is byte-identical: two held requests in a row, then one held twice.
  it('202, wait, identical resend, 200 — twice in a row (two held requests)', async () => {
    const a = await seeded('PEND-1', 10);
    const b = await seeded('PEND-1B', 10);
    bank.setPending(2, 7);
    const waits: number[] = [];
    const attempts: number[] = [];
    const est = client(transport({ identity: a }), { sleep: async (ms) => { waits.push(ms); }, onPending: (p) => attempts.push(p.attempt), pendingMaxAttempts: 2 });
    const [issued] = await est.simplereenroll(a.csr);
    expect(issued?.[0]).toBe(0x30);
    const est2 = client(transport({ identity: b }), { sleep: async (ms) => { waits.push(ms); }, onPending: (p) => attempts.push(p.attempt), pendingMaxAttempts: 2 });
    const [issued2] = await est2.simplereenroll(b.csr);
    expect(issued2?.[0]).toBe(0x30);
    expect(waits).toEqual([7000, 7000]);
    expect(attempts).toEqual([1, 1]);
    const held = log.filter((l) => /PEND-1B? /.test(l) || /reason=PENDING/.test(l)).map((l) => / (\d{3}) /.exec(l)?.[1]);
    expect(held.slice(-4)).toEqual(['202', '200', '202', '200']);
  });

  it('202 twice, then 200: one request resent identically until the bank approves it', async () => {
    const a = await seeded('PEND-3', 10);
    bank.setPending(1, 6, 2);
    const waits: number[] = [];
    const attempts: number[] = [];
    const from = log.length;
    try {
      const est = client(transport({ identity: a }), { sleep: async (ms) => { waits.push(ms); }, onPending: (p) => attempts.push(p.attempt), pendingMaxAttempts: 3 });
      const [issued] = await est.simplereenroll(a.csr);
      expect(issued?.[0]).toBe(0x30);
    } finally { bank.setPending(0); }
    expect(waits).toEqual([6000, 6000]);
    expect(attempts).toEqual([1, 2]);
    const statuses = log.slice(from).filter((l) => l.includes('/simplereenroll')).map((l) => / (\d{3}) /.exec(l)?.[1]);
    expect(statuses).toEqual(['202', '202', '200']);
  });

  // Issue 23 item 8: the bank's Retry-After is obeyed within limits. A fake clock that the fake
  // sleep moves on: no real waiting, no timing in the assertions.
  const fakeClock = (start: number) => {
    let t = start;
    const waits: number[] = [];
    const told: Array<{ attempt: number; waitMs: number; retryAt: string }> = [];
    return {
      waits,
      told,
      opts: {
        now: () => t,
        sleep: async (ms: number) => { waits.push(ms); t += ms; },
        onPending: (p: { attempt: number; retryAt: Date; waitMs: number }) => void told.push({ attempt: p.attempt, waitMs: p.waitMs, retryAt: p.retryAt.toISOString() }),
      },
    };
  };
  const statusesSince = (from: number) => log.slice(from).filter((l) => l.includes('/simplereenroll')).map((l) => / (\d{3}) /.exec(l)?.[1]);

  it('Retry-After: 0 does not flood the bank: every wait is at least 5 s, and the user is told each one', async () => {
    const a = await seeded('PEND-ZERO', 10);
    bank.setPending(1, 0, 5);
    const c = fakeClock(Date.parse('2026-06-01T00:00:00Z'));
    const from = log.length;
    try {
      const [issued] = await client(transport({ identity: a }), { ...c.opts, pendingMaxAttempts: 10 }).simplereenroll(a.csr);
      expect(issued?.[0]).toBe(0x30);
    } finally { bank.setPending(0); }
    expect(c.waits).toEqual([5000, 5000, 5000, 5000, 5000]);
    expect(c.told.map((x) => [x.attempt, x.waitMs])).toEqual([[1, 5000], [2, 5000], [3, 5000], [4, 5000], [5, 5000]]);
    expect(c.told[0]!.retryAt).toBe('2026-06-01T00:00:05.000Z');
    expect(statusesSince(from)).toEqual(['202', '202', '202', '202', '202', '200']);
  });

  it('Retry-After: 1000000000 does not stall: 10 minutes a wait, 30 minutes in all, then PENDING_TIMEOUT (whatever pendingMaxAttempts says)', async () => {
    const a = await seeded('PEND-HUGE', 10);
    bank.setPending(1, 1_000_000_000, 50);
    const c = fakeClock(Date.parse('2026-06-01T00:00:00Z'));
    const from = log.length;
    try {
      const err = await failure(client(transport({ identity: a }), { ...c.opts, pendingMaxAttempts: 1000 }).simplereenroll(a.csr));
      expect(err.code).toBe('PENDING_TIMEOUT');
      expect(err.detail).toMatchObject({ reason: 'DEADLINE', attempts: 4, waitSeconds: 600 });
      expect(err.message).toContain('Try again later');
    } finally { bank.setPending(0); }
    expect(c.waits).toEqual([600_000, 600_000, 600_000]);
    expect(c.waits.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(PENDING_DEADLINE_MS);
    // The fourth 202 is not waited for: nothing more is sent.
    expect(statusesSince(from)).toEqual(['202', '202', '202', '202']);
  });

  it('Retry-After as an HTTP date counts from the bank\'s own Date, not from the PC\'s clock', async () => {
    const a = await seeded('PEND-DATE', 10);
    bank.setPending(1, 42, 1, 'date');
    // The PC's clock is four years off: the wait is still the bank's 42 seconds.
    const c = fakeClock(Date.parse('2030-01-01T00:00:00Z'));
    try {
      const [issued] = await client(transport({ identity: a }), { ...c.opts, pendingMaxAttempts: 3 }).simplereenroll(a.csr);
      expect(issued?.[0]).toBe(0x30);
    } finally { bank.setPending(0); }
    expect(c.waits).toEqual([42_000]);
    expect(c.told).toEqual([{ attempt: 1, waitMs: 42_000, retryAt: '2030-01-01T00:00:42.000Z' }]);
  });

  it('PENDING_TIMEOUT when the bank stays pending beyond the policy limit', async () => {
    const a = await seeded('PEND-2', 10);
    bank.setPending(1, 1);
    try {
      const err = await failure(client(transport({ identity: a }), { pendingMaxAttempts: 0 }).simplereenroll(a.csr));
      expect(err.code).toBe('PENDING_TIMEOUT');
    } finally { bank.setPending(0); }
  });
});

describe('refusals by the bank', () => {
  it('wrong password → AUTH_FAILED', async () => {
    const a = await seeded('ACQ-2', -10, 'right-one');
    const err = await failure(client(transport()).simpleenroll(a.csr, { loginId: 'ACQ-2', password: 'wrong-one' }));
    expect(err.code).toBe('AUTH_FAILED');
  });

  it('window closed → RENEWAL_NOT_OPEN with the opening date', async () => {
    const a = await seeded('EARLY', 100);
    const err = await failure(client(transport({ identity: a })).simplereenroll(a.csr));
    expect(err.code).toBe('RENEWAL_NOT_OPEN');
    expect(String(err.detail?.opensOn)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('expired → ACQUIRE_REQUIRED for renewal', async () => {
    const a = await seeded('EXPIRED', -5);
    const err = await failure(client(transport({ identity: a })).simplereenroll(a.csr));
    expect(err.code).toBe('ACQUIRE_REQUIRED');
  });

  it('grace over → REISSUE_REQUIRED, for both operations', async () => {
    const a = await seeded('GONE', -120, 'pw-gone');
    expect((await failure(client(transport()).simpleenroll(a.csr, { loginId: 'GONE', password: 'pw-gone' }))).code).toBe('REISSUE_REQUIRED');
    expect((await failure(client(transport({ identity: a })).simplereenroll(a.csr))).code).toBe('REISSUE_REQUIRED');
  });

  it('renewal without a client certificate, or with a foreign one → CLIENT_CERT_REJECTED', async () => {
    const a = await seeded('NOCERT', 10);
    expect((await failure(client(transport()).simplereenroll(a.csr))).code).toBe('CLIENT_CERT_REJECTED');
    const foreign = makeForeignIdentity();
    expect((await failure(client(transport({ identity: foreign })).simplereenroll(a.csr))).code).toBe('CLIENT_CERT_REJECTED');
  });

  it('any other refusal → SERVER_REJECTED with the bank\'s reason', async () => {
    const a = await seeded('VALID-ACQ', 10, 'pw-valid');
    const err = await failure(client(transport()).simpleenroll(a.csr, { loginId: 'VALID-ACQ', password: 'pw-valid' }));
    expect(err.code).toBe('SERVER_REJECTED');
    expect(err.detail?.reason).toBe('RENEWAL_REQUIRED');
  });
});

describe('trust and network', () => {
  it('wrong anchor → TLS_UNTRUSTED', async () => {
    const other = makeForeignIdentity();
    const err = await failure(client(transport({ anchorsPem: other.certPem }), { anchorsDer: [pemToDer(other.certPem)[0]!] }).cacerts());
    expect(err.code).toBe('TLS_UNTRUSTED');
    expect(err.detail?.reason).toBe('ANCHOR');
  });

  it('wrong hostname → TLS_UNTRUSTED (the bank, reached as bank.example through a proxy)', async () => {
    const proxy = await startConnectProxy(() => '127.0.0.1');
    try {
      const port = new URL(bank.url).port;
      const est = new EstClient({ baseUrl: `https://bank.example:${port}/.well-known/est`, transport: transport({ proxy: proxy.url as `http://${string}` }), anchorsDer: [anchorDer], pendingMaxAttempts: 0 });
      const err = await failure(est.cacerts());
      expect(err.code).toBe('TLS_UNTRUSTED');
      expect(err.detail?.reason).toBe('HOSTNAME');
      expect(proxy.connects).toEqual([`bank.example:${port}`]);
    } finally { await proxy.close(); }
  });

  it('a port with nothing listening → NETWORK/REFUSED', async () => {
    const port = await deadPort();
    const est = new EstClient({ baseUrl: `https://127.0.0.1:${port}/.well-known/est`, transport: transport(), anchorsDer: [anchorDer], pendingMaxAttempts: 0 });
    const err = await failure(est.cacerts());
    expect(err.code).toBe('NETWORK');
    expect(err.detail?.reason).toBe('REFUSED');
  });

  it('enrolment through an HTTP CONNECT proxy: works, and the proxy sees only ciphertext', async () => {
    const a = await seeded('PROXIED', -3, 'proxy-secret-pw');
    const proxy = await startConnectProxy();
    try {
      const t = transport({ proxy: proxy.url as `http://${string}` });
      const [issued] = await client(t).simpleenroll(a.csr, { loginId: 'PROXIED', password: 'proxy-secret-pw' });
      const relayed = proxy.relayed();
      const csrB64 = Buffer.from(a.csr).toString('base64').slice(0, 64);
      const issuedB64 = Buffer.from(issued!).toString('base64').slice(0, 64);
      const basic = Buffer.from('PROXIED:proxy-secret-pw').toString('base64');
      for (const plain of ['simpleenroll', 'PROXIED', 'proxy-secret-pw', basic, csrB64, issuedB64, 'application/pkcs10', 'Authorization']) {
        expect(relayed.includes(Buffer.from(plain)), plain).toBe(false);
      }
      expect(relayed.length).toBeGreaterThan(2000);
    } finally { await proxy.close(); }
  });

  it('no Authorization header ever reaches an endpoint that is not verified', async () => {
    const fake = makeForeignIdentity('127.0.0.1');
    const imposter = await startTlsServer({ certPem: fake.certPem, keyPem: fake.keyPem }, (_s, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="bank"' });
      res.end();
    });
    try {
      const est = new EstClient({ baseUrl: imposter.base, transport: transport(), anchorsDer: [anchorDer], pendingMaxAttempts: 0 });
      const err = await failure(est.simpleenroll(await csrFor(bank.trustAnchorPem), { loginId: 'ACQ-1', password: 'correct horse 1' }));
      expect(err.code).toBe('TLS_UNTRUSTED');
      expect(imposter.seen).toHaveLength(0);
      expect(imposter.seen.some((s) => s.headers.authorization !== undefined)).toBe(false);
    } finally { await imposter.close(); }
  });

  it('the server killed mid-request → NETWORK, and afterwards the dead port → NETWORK/REFUSED', async () => {
    const victim = await startBank({ dataDir: join(dir, 'victim'), port: 0 });
    const a = await victim.seedAccount('KILLED', 10, undefined, { keyType: 'ecdsaP256' });
    const victimPort = Number(new URL(victim.url).port);
    const relay = await startKillingRelay(victimPort, () => victim.stop());
    try {
      const est = new EstClient({ baseUrl: `https://127.0.0.1:${relay.port}/.well-known/est`, transport: transport({ anchorsPem: victim.trustAnchorPem, identity: a }), anchorsDer: pemToDer(victim.trustAnchorPem), pendingMaxAttempts: 0 });
      const err = await failure(est.simplereenroll(await csrFor(a.certPem)));
      expect(relay.killed()).toBe(true);
      expect(err.code).toBe('NETWORK');
      expect(err.detail?.reason).toBe('RESET');
      const after = new EstClient({ baseUrl: victim.url, transport: transport({ anchorsPem: victim.trustAnchorPem }), anchorsDer: pemToDer(victim.trustAnchorPem), pendingMaxAttempts: 0 });
      const refused = await failure(after.cacerts());
      expect(refused.code).toBe('NETWORK');
      expect(refused.detail?.reason).toBe('REFUSED');
    } finally { await relay.close(); }
  });
});

/** A self-signed certificate and key from openssl, not under the bank's root. */
function makeForeignIdentity(cn = 'Foreign'): { certPem: string; keyPem: string } {
  const d = mkdtempSync(join(dir, 'foreign-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '30', '-subj', `/CN=${cn}`,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'extendedKeyUsage=serverAuth,clientAuth'], { cwd: d, stdio: 'ignore' });
  return { certPem: readFileSync(join(d, 'c.pem'), 'utf8'), keyPem: readFileSync(join(d, 'k.pem'), 'utf8') };
}
