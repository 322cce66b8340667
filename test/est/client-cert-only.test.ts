// What CertDesk sends for authentication, against a bank that knows no passwords (the
// simulator's clientCertOnly: enrollment of any kind by the TLS client certificate alone, never
// a 401 Basic challenge). Strict in what it sends: renewal carries the certificate in the TLS
// handshake and never an Authorization header; 取得 sends the password only in answer to a
// Basic challenge, so here it never leaves the PC, and the error says what is wrong.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, type EstRequest, type EstTransport } from '../../src/main/core/est';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, generateKeyPair, pemToDer, subjectDerOf, verifyIssued } from '../../src/main/core/pki';
import { startBank, type Bank } from '../bank';

let dir: string;
let bank: Bank;
const log: string[] = [];
const open: EstTransport[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-certonly-'));
  bank = await startBank({ dataDir: join(dir, 'bank'), port: 0, clientCertOnly: true, log: (l) => log.push(l) });
});
afterAll(async () => {
  for (const t of open) t.close();
  await bank?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A Node transport that keeps every request CertDesk sends (method, path, headers). */
function recording(sent: EstRequest[], identity?: { pkcs12: Uint8Array; password: string }): EstTransport {
  const t = createNodeTransport({ anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000, ...(identity ? { identity } : {}) });
  open.push(t);
  return { ...t, send: (req) => (sent.push(req), t.send(req)), close: () => t.close() };
}

const client = (t: EstTransport) => new EstClient({ baseUrl: bank.url, transport: t, anchorsDer: pemToDer(bank.trustAnchorPem), pendingMaxAttempts: 0 });

async function requestFor(certPem: string): Promise<Uint8Array> {
  return (await buildCsr({ keys: await generateKeyPair('ecdsaP256'), subjectDer: subjectDerOf(pemToDer(certPem)[0]!) })).der;
}

const authorizations = (sent: EstRequest[]) => sent.filter((r) => Object.keys(r.headers ?? {}).some((h) => h.toLowerCase() === 'authorization'));

describe('a bank that authenticates by the TLS client certificate only', { timeout: 60_000 }, () => {
  it('renewal: the certificate in the handshake is all it sends; no Authorization header, no 401 from the bank', async () => {
    const a = await bank.seedAccount('CERT-ONLY-1', 10, 'pw-cert-only-secret', { keyType: 'ecdsaP256' });
    const sent: EstRequest[] = [];
    const csr = await requestFor(a.certPem);
    const from = log.length;
    const [issued] = await client(recording(sent, { pkcs12: new Uint8Array(readFileSync(a.p12Path)), password: a.p12Password })).simplereenroll(csr);
    await verifyIssued({ certificateDer: issued!, requestDer: csr, caCertsDer: pemToDer(bank.issuingCaPem), anchorsDer: pemToDer(bank.trustAnchorPem) });
    expect(sent.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['POST /.well-known/est/simplereenroll']);
    expect(authorizations(sent)).toEqual([]);
    expect(log.slice(from).some((l) => / 401 /.test(l))).toBe(false);
  });

  it('取得: the bank never challenges, so the password is never sent; AUTH_FAILED says the bank takes a certificate only', async () => {
    const a = await bank.seedAccount('CERT-ONLY-2', -10, 'pw-cert-only-secret-2', { keyType: 'ecdsaP256' });
    const sent: EstRequest[] = [];
    const err = await client(recording(sent))
      .simpleenroll(await requestFor(a.certPem), { loginId: 'CERT-ONLY-2', password: 'pw-cert-only-secret-2' })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).toApiError()).toMatchObject({ code: 'AUTH_FAILED', detail: { reason: 'CLIENT_CERT_ONLY' } });
    expect((err as CoreError).message).toContain('only with a client certificate');
    expect(sent).toHaveLength(1);
    expect(authorizations(sent)).toEqual([]);
    expect(JSON.stringify(sent.map((r) => r.headers))).not.toContain(Buffer.from('CERT-ONLY-2:pw-cert-only-secret-2').toString('base64'));
  });

  it('取得 with the expired certificate in the handshake: the bank issues (its way; CertDesk\'s 取得 presents none)', async () => {
    const a = await bank.seedAccount('CERT-ONLY-3', -10, undefined, { keyType: 'ecdsaP256' });
    const sent: EstRequest[] = [];
    const [issued] = await client(recording(sent, { pkcs12: new Uint8Array(readFileSync(a.p12Path)), password: a.p12Password })).simpleenroll(await requestFor(a.certPem), { loginId: 'CERT-ONLY-3', password: 'unused' });
    expect(issued?.[0]).toBe(0x30);
    expect(authorizations(sent)).toEqual([]);
  });
});
