// CertDesk's Node transport against a bank that speaks only TLS 1.2, and one that speaks only
// TLS 1.3: cacerts, and a renewal whose client certificate goes in each version's handshake
// (1.2 in the clear handshake's Certificate message, 1.3 encrypted). A probe that offers only
// the other version is refused first, so the server is known to be pinned.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, type EstTransport } from '../../src/main/core/est';
import { buildCsr, generateKeyPair, pemToDer, subjectDerOf } from '../../src/main/core/pki';
import { BankServer } from '../bank/server';

let dir: string;
const banks: BankServer[] = [];
const open: EstTransport[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-tls-versions-'));
});
afterAll(async () => {
  for (const t of open) t.close();
  for (const b of banks) await b.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['TLSv1.2', 'TLSv1.3'] as const)('a bank that speaks %s only', (version) => {
  it('cacerts and a renewal with the client certificate', { timeout: 60_000 }, async () => {
    const bank = await BankServer.start({ dataDir: join(dir, version), tlsVersion: version });
    banks.push(bank);
    const other = version === 'TLSv1.2' ? 'TLSv1.3' : 'TLSv1.2';
    const url = new URL(bank.url);
    const probe = await new Promise<string>((resolve) => {
      const s = connect({ host: url.hostname, port: Number(url.port), minVersion: other, maxVersion: other, rejectUnauthorized: false }, () => {
        resolve(`connected ${String(s.getProtocol())}`);
        s.destroy();
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(`refused ${e.code ?? e.message}`));
    });
    expect(probe).toMatch(/^refused /);
    const a = await bank.seedAccount('tls-1', 10, undefined, { keyType: 'ecdsaP256' });
    const transport = createNodeTransport({
      anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000,
      identity: { pkcs12: new Uint8Array(readFileSync(a.p12Path)), password: a.p12Password },
    });
    open.push(transport);
    const est = new EstClient({ baseUrl: bank.url, transport, anchorsDer: pemToDer(bank.trustAnchorPem), pendingMaxAttempts: 0 });
    expect((await est.cacerts()).certificates.length).toBe(2);
    const csr = await buildCsr({ keys: await generateKeyPair('ecdsaP256'), subjectDer: subjectDerOf(pemToDer(a.certPem)[0]!) });
    const [issued] = await est.simplereenroll(csr.der);
    expect(issued?.[0]).toBe(0x30);
  });
});
