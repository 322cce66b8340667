// Issue 23 item 6: another writer beside CertDesk is not blamed on CertDesk. A real
// `certutil -A` / `certutil -D` loop adds and deletes dummy certificates in the db while the
// store removes an identity (pk12util-imported, then remove(fingerprint)), again and again
// until the loop has deleted a dummy inside a removal (the interleaving the issue saw: 1 renewal
// in 5 failed with COLLATERAL "Removing one certificate disturbed another (dummy46)"). Each
// removal must succeed, take exactly its certificate and key, and name what the other writer
// changed as a warning (changedByOthers). The dummies' names and the loop's order come from a
// seeded PRNG; the loop is bounded.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemToDer } from '../../src/main/core/pki';
import { openNssStore } from '../../src/main/core/store';
import { parsePolicy } from '../../src/main/core/config';
import { memoryVault } from '../support/bank-world';
import { nodeService } from '../support/node-service';
import { startBank, type Bank } from '../bank';
import { certutilKeyIds as keyIds } from '../support/nss-tools';
import { mulberry32 } from '../support/seed';

const SEED = 23_006;
const MAX_ROUNDS = 60;

let root: string;
let bank: Bank;
let anchorsDer: Uint8Array[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'certdesk-other-writer-'));
  bank = await startBank({ dataDir: join(root, 'bank'), port: 0 });
  anchorsDer = pemToDer(bank.trustAnchorPem, 'CERTIFICATE');
});
afterAll(async () => {
  await bank?.stop();
  rmSync(root, { recursive: true, force: true });
});

/**
 * The other writer: a process of its own (a shell loop), so that it runs whatever this process
 * is doing; each dummy added, then deleted, in an order the seed draws, over and over.
 */
function startWriter(db: string, dummies: Array<{ name: string; pem: string }>, rand: () => number): { stop(): Promise<void>; ops(): number } {
  const order = Array.from({ length: 40 }, () => dummies[Math.floor(rand() * dummies.length)]!);
  const script = order.map((d) => `certutil -A -n ${d.name} -t ,, -a -i ${d.pem} -d sql:${db} 2>/dev/null && echo A; certutil -D -n ${d.name} -d sql:${db} 2>/dev/null && echo D`).join('\n');
  const writer = spawn('sh', ['-c', `while :; do\n${script}\ndone`], { stdio: ['ignore', 'pipe', 'ignore'] });
  let ops = 0;
  writer.stdout.on('data', (b: Buffer) => (ops += b.toString().split('\n').filter(Boolean).length));
  return {
    ops: () => ops,
    stop: () =>
      new Promise<void>((resolve) => {
        if (writer.exitCode !== null || writer.signalCode !== null) return resolve();
        writer.once('exit', () => resolve());
        writer.kill('SIGTERM');
      }),
  };
}

/** Self-signed dummy certificates (no key in the db), named from the seed. */
function makeDummies(rand: () => number, tag: string): Array<{ name: string; pem: string }> {
  return Array.from({ length: 6 }, (_, i) => {
    const name = `dummy${Math.floor(rand() * 100)}-${tag}${i}`;
    const pem = join(root, `${name}.pem`);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-days', '30', '-keyout', join(root, `${name}.key`), '-out', pem], { stdio: 'ignore' });
    return { name, pem };
  });
}

describe('another writer (a certutil -A/-D loop) beside the removal of a certificate', { timeout: 600_000 }, () => {
  it(`every removal succeeds and takes only its own objects; the other writer's deletion is a warning (seed ${SEED}, at most ${MAX_ROUNDS} rounds)`, async () => {
    const db = join(root, 'nssdb');
    mkdirSync(db);
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
    // Dummy certificates another program keeps adding and deleting (self-signed, no key in the db).
    const rand = mulberry32(SEED);
    const dummies = makeDummies(rand, '');
    const writer = startWriter(db, dummies, rand);

    const store = await openNssStore({ dbDir: db, tempRoot: join(root, 'tmp') });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    const lines: string[] = [];
    let observed = 0;
    try {
      // At least 15 rounds, and on until the interleaving was seen twice (bounded).
      for (let round = 1; round <= MAX_ROUNDS && (observed < 2 || round <= 15); round++) {
        const account = await bank.seedAccount(`writer-${round}`, 20, undefined, { keyType: 'ecdsaP256' });
        execFileSync('pk12util', ['-i', account.p12Path, '-d', `sql:${db}`, '-W', account.p12Password], { stdio: 'ignore' });
        const before = (await store.list(anchorsDer)).find((x) => x.fingerprint === account.fingerprint);
        expect(before?.hasPrivateKey).toBe(true);
        const keysBefore = keyIds(db);
        const report = await store.remove(account.fingerprint);
        const changed = report?.changedByOthers ?? [];
        if (changed.length > 0) observed++;
        lines.push(`round ${round}: removed ${account.fingerprint.slice(0, 12)}; others changed: ${changed.join('; ') || 'nothing seen'}`);
        // Exactly its own certificate and key went; the store lists it no more.
        expect((await store.list(anchorsDer)).some((x) => x.fingerprint === account.fingerprint)).toBe(false);
        expect(keysBefore.length - keyIds(db).length).toBe(1);
        for (const c of changed) expect(c).toMatch(/dummy\d+-\d/);
      }
    } finally {
      await writer.stop();
    }
    console.log(`${lines.join('\n')}\nthe other writer: ${writer.ops()} certutil runs that succeeded`);
    expect(observed, lines.join('\n')).toBeGreaterThan(0);
  });

  it('five renewals beside the loop (the issue\'s 1 in 5 failed): each succeeds, the old certificate and key go, what the loop did is a warning at most', async () => {
    const db = join(root, 'nssdb-renew');
    mkdirSync(db);
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
    const accounts: Array<{ fingerprint: string }> = [];
    for (let i = 0; i < 5; i++) {
      const a = await bank.seedAccount(`writer-renew-${i}-${process.pid}`, 20, undefined, { keyType: 'ecdsaP256' });
      execFileSync('pk12util', ['-i', a.p12Path, '-d', `sql:${db}`, '-W', a.p12Password], { stdio: 'ignore' });
      accounts.push(a);
    }
    const journalDir = join(root, 'journal-renew');
    mkdirSync(journalDir, { recursive: true });
    const { policy } = await parsePolicy({ bankName: 'Writer Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'ecdsaP256' }, join(root, 'policy.json'));
    const service = nodeService({ loaded: { policy }, store: await openNssStore({ dbDir: db }), journalDir, vault: memoryVault() });
    const writer = startWriter(db, makeDummies(mulberry32(SEED + 1), 'r'), mulberry32(SEED + 2));
    const lines: string[] = [];
    try {
      for (const a of accounts) {
        const r = await service.renew(a.fingerprint);
        lines.push(r.ok ? `renewed ${a.fingerprint.slice(0, 12)}: others changed ${r.value.othersChanged?.join('; ') ?? 'nothing seen'}` : `${r.error.code}/${String(r.error.detail?.reason)} ${r.error.message}`);
        expect(r.ok, lines.join('\n')).toBe(true);
        expect(r.ok && r.value.removedOld).toBe(true);
      }
    } finally {
      await writer.stop();
    }
    console.log(`${lines.join('\n')}\nthe other writer: ${writer.ops()} certutil runs that succeeded`);
    const listed = await (await openNssStore({ dbDir: db })).list(anchorsDer);
    expect(listed).toHaveLength(5);
    expect(listed.every((x) => x.hasPrivateKey && !accounts.some((a) => a.fingerprint === x.fingerprint))).toBe(true);
    expect(keyIds(db)).toHaveLength(5);
  });
});
