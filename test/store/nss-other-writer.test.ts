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
import { startBank, type Bank } from '../bank';
import { mulberry32 } from '../fuzz/seed';

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

/** The db's private key IDs, as certutil -K lists them. */
function keyIds(db: string): string[] {
  let out = '';
  try {
    out = execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // "certutil: no keys found" exits 255; anything else is a failure of the test's reading.
    const e = err as { stdout?: string; stderr?: string };
    if (!/no keys found/.test(`${e.stdout}${e.stderr}`)) throw err;
  }
  return out.split('\n').map((l) => /^<\s*\d+>\s+\w+\s+([0-9a-f]+)/i.exec(l)?.[1]?.toLowerCase()).filter((x): x is string => Boolean(x));
}

describe('another writer (a certutil -A/-D loop) beside the removal of a certificate', { timeout: 600_000 }, () => {
  it(`every removal succeeds and takes only its own objects; the other writer's deletion is a warning (seed ${SEED}, at most ${MAX_ROUNDS} rounds)`, async () => {
    const db = join(root, 'nssdb');
    mkdirSync(db);
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
    // Dummy certificates another program keeps adding and deleting (self-signed, no key in the db).
    const rand = mulberry32(SEED);
    const dummies = Array.from({ length: 6 }, (_, i) => {
      const name = `dummy${Math.floor(rand() * 100)}-${i}`;
      const pem = join(root, `${name}.pem`);
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-days', '30', '-keyout', join(root, `${name}.key`), '-out', pem], { stdio: 'ignore' });
      return { name, pem };
    });
    // The other writer is a process of its own (a shell loop), so that it runs whatever this
    // process is doing: each dummy added, then deleted, in an order the seed draws.
    const order = Array.from({ length: 40 }, () => dummies[Math.floor(rand() * dummies.length)]!);
    const script = order.map((d) => `certutil -A -n ${d.name} -t ,, -a -i ${d.pem} -d sql:${db} 2>/dev/null && echo A; certutil -D -n ${d.name} -d sql:${db} 2>/dev/null && echo D`).join('\n');
    const writer = spawn('sh', ['-c', `while :; do\n${script}\ndone`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let loopOps = 0;
    writer.stdout.on('data', (b: Buffer) => (loopOps += b.toString().split('\n').filter(Boolean).length));
    const stopWriter = () =>
      new Promise<void>((resolve) => {
        if (writer.exitCode !== null || writer.signalCode !== null) return resolve();
        writer.once('exit', () => resolve());
        writer.kill('SIGTERM');
      });

    const store = await openNssStore({ dbDir: db, tempRoot: join(root, 'tmp') });
    mkdirSync(join(root, 'tmp'), { recursive: true });
    const lines: string[] = [];
    let observed = 0;
    try {
      for (let round = 1; round <= MAX_ROUNDS && observed === 0; round++) {
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
      await stopWriter();
    }
    console.log(`${lines.join('\n')}\nthe other writer: ${loopOps} certutil runs that succeeded`);
    expect(observed, lines.join('\n')).toBeGreaterThan(0);
  });
});
