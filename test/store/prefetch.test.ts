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
import { makeTestPki, type TestPki } from './pki-fixture';

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

  it('for renew exports the one identity early; the store lends that export (no pk12util of its own) with the right key', async () => {
    const db = dbWithIdentity('early');
    const prefetched = prefetchListing(`nss:${db}`, { identity: true })!;
    expect(await prefetched.identity).toMatchObject({ nickname: expect.any(String) });
    const { run, calls } = counting();
    const store = await openNssStore({ dbDir: db, run, prefetched });
    const [id] = await store.list([pki.root.der]);
    const lent = await store.exportIdentity!(id!.fingerprint);
    expect(calls).toEqual([]);
    const leaf = new X509Certificate(lent.certPem);
    expect(leaf.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(id!.fingerprint);
    expect(createPublicKey(createPrivateKey(lent.keyPem)).export({ format: 'der', type: 'spki' }).equals(leaf.publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
  });

  it('for renew is not used once the db changed: the store lends the key again, from the token', async () => {
    const db = dbWithIdentity('early-changed');
    const prefetched = prefetchListing(`nss:${db}`, { identity: true })!;
    await prefetched.identity;
    const store = await openNssStore({ dbDir: db, prefetched });
    const [id] = await store.list([pki.root.der]);
    // A browser (or anyone) writes to the db after the early export.
    writeFileSync(join(work, 'root.der'), pki.root.der);
    execFileSync('certutil', ['-A', '-n', 'a root', '-t', ',,', '-i', join(work, 'root.der'), '-d', `sql:${db}`]);
    const { run, calls } = counting();
    const again = await openNssStore({ dbDir: db, run, prefetched: { ...prefetched, listing: Promise.resolve(null) } });
    expect((await again.list([pki.root.der])).map((x) => x.fingerprint)).toContain(id!.fingerprint);
    calls.length = 0;
    const lent = await again.exportIdentity!(id!.fingerprint);
    // nss/lend: the key wrapped by the token and unwrapped in memory, no pk12util run.
    expect(calls.filter((c) => c.startsWith('pk12util'))).toEqual([]);
    const { createPublicKey, X509Certificate } = await import('node:crypto');
    expect(createPublicKey(lent.keyPem).export({ format: 'der', type: 'spki' }).equals(new X509Certificate(id!.certificateDer).publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
  });

  it('for renew exports nothing when the db holds two identities (which one is renewed is not known yet)', async () => {
    const db = dbWithIdentity('two');
    const c = pki.client({ subject: '/C=JP/O=Prefetch/CN=second holder', days: 100 });
    writeFileSync(join(work, 'second.key'), c.keyPem, { mode: 0o600 });
    writeFileSync(join(work, 'second.pem'), c.pem);
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(work, 'second.key'), '-in', join(work, 'second.pem'), '-passout', 'pass:p', '-out', join(work, 'second.p12')]);
    execFileSync('pk12util', ['-i', join(work, 'second.p12'), '-d', `sql:${db}`, '-W', 'p']);
    const prefetched = prefetchListing(`nss:${db}`, { identity: true })!;
    expect(await prefetched.identity).toBeNull();
    expect(await prefetchListing(`nss:${db}`)!.identity).toBeNull();
  });
});
