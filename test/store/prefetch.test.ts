// The command line's early listing: taken by the store when the db is unchanged since it
// started, ignored when anything wrote to the db meanwhile.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner, openNssStore, type CommandRunner } from '../../src/main/core/store';
import { nssDbDirFor, prefetchListing } from '../../src/main/core/store/prefetch';
import { makeTestPki, type TestPki } from '../support/pki-fixture';

let pki: TestPki;
let work: string;

beforeAll(() => {
  pki = makeTestPki('Prefetch Bank');
  work = mkdtempSync(join(tmpdir(), 'certdesk-prefetch-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A db holding one client identity (and its issuing CA) imported by pk12util. */
function dbWithIdentity(name: string): string {
  const db = join(work, name);
  mkdirSync(db);
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  const c = pki.client({ subject: `/C=JP/O=Prefetch/CN=${name}`, days: 100 });
  writeFileSync(join(work, `${name}.key`), c.keyPem, { mode: 0o600 });
  writeFileSync(join(work, `${name}.pem`), c.pem + pki.issuing.pem);
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(work, `${name}.key`), '-in', join(work, `${name}.pem`), '-passout', 'pass:p', '-out', join(work, `${name}.p12`)]);
  execFileSync('pk12util', ['-i', join(work, `${name}.p12`), '-d', `sql:${db}`, '-W', 'p']);
  return db;
}

function counting(): { run: CommandRunner; calls: string[] } {
  const real = createCommandRunner();
  const calls: string[] = [];
  return { calls, run: (cmd, args, opts) => (calls.push(`${cmd} ${args[0]}`), real(cmd, args, opts)) };
}

describe('prefetchListing', () => {
  it('maps store names to NSS dbs like openStoreFor', () => {
    expect(nssDbDirFor('nss:/x/db')).toBe('/x/db');
    expect(nssDbDirFor('os', '/home/u', 'linux')).toBe('/home/u/.pki/nssdb');
    expect(nssDbDirFor('os', '/home/u', 'win32')).toBeNull();
    expect(nssDbDirFor('os', '/home/u', 'darwin')).toBeNull();
    expect(nssDbDirFor('nss:')).toBeNull();
    expect(nssDbDirFor('firefox')).toBeNull();
    expect(prefetchListing(`nss:${join(work, 'absent')}`)).toBeUndefined();
  });

  it('is what the store lists when the db is unchanged: the store runs no tool to open and list', async () => {
    const db = dbWithIdentity('same');
    const prefetched = prefetchListing(`nss:${db}`)!;
    expect(prefetched).toBeDefined();
    const { run, calls } = counting();
    const store = await openNssStore({ dbDir: db, run, prefetched });
    const listed = await store.list([pki.root.der]);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.hasPrivateKey).toBe(true);
    expect(calls).toEqual([]);
  });

  it('is ignored when the db was written after it started: the store lists again and sees the write', async () => {
    const db = dbWithIdentity('changed');
    const prefetched = prefetchListing(`nss:${db}`)!;
    await prefetched.listing;
    const other = pki.client({ subject: '/C=JP/O=Prefetch/CN=added later', days: 100 });
    writeFileSync(join(work, 'later.der'), other.der);
    execFileSync('certutil', ['-A', '-n', 'later', '-t', ',,', '-i', join(work, 'later.der'), '-d', `sql:${db}`]);
    const store = await openNssStore({ dbDir: db, prefetched });
    const listed = await store.list([pki.root.der]);
    expect(listed.map((s) => s.nickname).sort()).toContain('later');
    expect(listed.find((s) => s.nickname === 'later')!.hasPrivateKey).toBe(false);
  });

  it('of another db is not taken', async () => {
    const a = dbWithIdentity('a');
    const b = dbWithIdentity('b');
    const store = await openNssStore({ dbDir: b, prefetched: prefetchListing(`nss:${a}`)! });
    const listed = await store.list([pki.root.der]);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.nickname).toMatch(/\bb\b/);
    expect(store.describe()).toContain(b);
  });

  it('a renewal\'s identity is lent from the db\'s token (nss/lend): with the prefetched listing, no tool runs at all; the key is the certificate\'s', async () => {
    const db = dbWithIdentity('early');
    const prefetched = prefetchListing(`nss:${db}`)!;
    expect(Object.keys(prefetched).sort()).toEqual(['dbDir', 'listing', 'stamp']); // no early export (pk12util -o) any more
    const { run, calls } = counting();
    const store = await openNssStore({ dbDir: db, run, prefetched });
    const [id] = await store.list([pki.root.der]);
    const lent = await store.exportIdentity!(id!.fingerprint);
    expect(calls).toEqual([]);
    const leaf = new X509Certificate(lent.certPem);
    expect(leaf.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(id!.fingerprint);
    expect(createPublicKey(createPrivateKey(lent.keyPem)).export({ format: 'der', type: 'spki' }).equals(leaf.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
  });

  it('once the db changed, the store lists again and still lends the key from the token (no pk12util)', async () => {
    const db = dbWithIdentity('early-changed');
    const prefetched = prefetchListing(`nss:${db}`)!;
    await prefetched.listing;
    // A browser (or anyone) writes to the db after the early listing.
    writeFileSync(join(work, 'root.der'), pki.root.der);
    execFileSync('certutil', ['-A', '-n', 'a root', '-t', ',,', '-i', join(work, 'root.der'), '-d', `sql:${db}`]);
    const { run, calls } = counting();
    const store = await openNssStore({ dbDir: db, run, prefetched });
    const [id] = await store.list([pki.root.der]);
    const lent = await store.exportIdentity!(id!.fingerprint);
    expect(calls.filter((c) => c.startsWith('pk12util'))).toEqual([]);
    expect(createPublicKey(lent.keyPem).export({ format: 'der', type: 'spki' }).equals(new X509Certificate(id!.certificateDer).publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
  });
});
