// Load on the simulator and the client: 200 concurrent renewals (EstClient + pki in this
// process, each with its own TLS identity) against one bank, and the bank's memory over
// many sequential enrolments, measured in the bank's own process.
// LOAD_ENROLMENTS sets the sequential count: npm test runs 400, the long run 2000.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EstClient, createNodeTransport } from '../../src/main/core/est';
import { buildCsr, generateKeyPair, pemToDer, sha256Hex, subjectDerOf, verifyIssued } from '../../src/main/core/pki';
import { startBank, type Bank } from '../bank';
import { startBankProcess, type BankProcess } from './bank-process';

const CONCURRENT = Number(process.env.LOAD_CONCURRENT ?? 200);
const ENROLMENTS = Number(process.env.LOAD_ENROLMENTS ?? 400);
const SUBJECT_BASE = [
  { oid: '2.5.4.6', value: 'JP', encoding: 'printable' as const },
  { oid: '2.5.4.10', value: 'デモ信用金庫' },
  { oid: '2.5.4.11', value: '法人IB' },
];

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'certdesk-load-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe(`${CONCURRENT} concurrent renewals against one simulator`, () => {
  let bank: Bank;
  afterAll(async () => bank?.stop());

  it('all succeed with distinct certificates, each verified against the pinned anchor', async () => {
    bank = await startBank({ dataDir: join(root, 'bank-concurrent'), port: 0 });
    const anchorsDer = pemToDer(bank.trustAnchorPem, 'CERTIFICATE');
    // Seeded in batches (the seeding is setup, not the load under test).
    const seeded: Awaited<ReturnType<Bank['seedAccount']>>[] = [];
    for (let i = 0; i < CONCURRENT; i += 20) {
      seeded.push(...(await Promise.all(Array.from({ length: Math.min(20, CONCURRENT - i) }, (_, j) => bank.seedAccount(`load-${i + j}`, 20, undefined, { keyType: 'ecdsaP256' })))));
    }
    const anon = createNodeTransport({ anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 30_000, requestTimeoutMs: 120_000 });
    const { certificates: caCertsDer } = await new EstClient({ baseUrl: bank.url, transport: anon, anchorsDer, pendingMaxAttempts: 0 }).cacerts();
    anon.close();

    const results = await Promise.allSettled(seeded.map(async (s) => {
      const transport = createNodeTransport({
        anchorsPem: bank.trustAnchorPem, identity: { certPem: s.certPem, keyPem: s.keyPem }, proxy: 'direct', connectTimeoutMs: 30_000, requestTimeoutMs: 120_000,
      });
      try {
        const client = new EstClient({ baseUrl: bank.url, transport, anchorsDer, pendingMaxAttempts: 0 });
        const keys = await generateKeyPair('ecdsaP256');
        const oldDer = pemToDer(s.certPem, 'CERTIFICATE')[0]!;
        const csr = await buildCsr({ keys, subjectDer: subjectDerOf(oldDer) });
        const [issued] = await client.simplereenroll(csr.der);
        await verifyIssued({ certificateDer: issued!, requestDer: csr.der, caCertsDer, anchorsDer, expectedSubjectDer: subjectDerOf(oldDer) });
        return sha256Hex(issued!);
      } finally {
        transport.close();
      }
    }));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as Error)?.message ?? r.reason)] : []));
    expect(failures).toEqual([]);
    const fingerprints = results.map((r) => (r.status === 'fulfilled' ? r.value : ''));
    expect(new Set(fingerprints).size).toBe(CONCURRENT);
    // And the bank agrees: each account's current certificate is the one this client received.
    seeded.forEach((s, i) => expect(bank.account(s.id)?.currentFingerprint).toBe(fingerprints[i]));
  }, 600_000);
});

describe(`the simulator's memory over ${ENROLMENTS} sequential enrolments`, () => {
  let bank: BankProcess;
  afterAll(async () => bank?.stop());

  it('stays flat: heap after GC grows little between the second and the last quarter', async () => {
    bank = await startBankProcess(join(root, 'bank-sequential'));
    const anchorsDer = pemToDer(bank.trustAnchorPem, 'CERTIFICATE');
    const accounts = await bank.accounts('seq', ENROLMENTS);
    const transport = createNodeTransport({ anchorsPem: bank.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 30_000, requestTimeoutMs: 60_000 });
    const client = new EstClient({ baseUrl: bank.url, transport, anchorsDer, pendingMaxAttempts: 0 });
    const keys = await generateKeyPair('ecdsaP256');
    const samples: Array<{ at: number; heapUsed: number; rss: number }> = [];
    const every = Math.max(1, Math.floor(ENROLMENTS / 20));
    const serials = new Set<string>();
    try {
      for (let i = 0; i < ENROLMENTS; i++) {
        const a = accounts[i]!;
        // One key for all requests is fine for the bank's memory; each request has its own subject.
        const csr = await buildCsr({ keys, subject: [...SUBJECT_BASE, { oid: '2.5.4.3', value: a.id }] });
        const [issued] = await client.simpleenroll(csr.der, { loginId: a.id, password: a.password });
        serials.add(sha256Hex(issued!));
        if ((i + 1) % every === 0) samples.push({ at: i + 1, ...(await bank.memory()) });
      }
    } finally {
      transport.close();
    }
    expect(serials.size).toBe(ENROLMENTS);
    const quarter = (q: number) => samples.filter((s) => s.at > (q - 1) * ENROLMENTS / 4 && s.at <= q * ENROLMENTS / 4);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const q2 = median(quarter(2).map((s) => s.heapUsed));
    const q4 = median(quarter(4).map((s) => s.heapUsed));
    const MB = 1024 * 1024;
    console.log(`bank heap after GC: Q2 ${(q2 / MB).toFixed(1)} MB, Q4 ${(q4 / MB).toFixed(1)} MB; RSS ${samples.map((s) => (s.rss / MB).toFixed(0)).join(' ')} MB`);
    // The bank keeps a record per issued certificate (a few hundred bytes): allow that and 4 MB of noise.
    expect(q4 - q2).toBeLessThan(4 * MB + ENROLMENTS * 2048);
  }, 900_000);
});
