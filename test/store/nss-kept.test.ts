// Issue 29: after a first write the softoken stays initialised on the db read-write between
// operations (store/pkcs11/session.ts, `keep`) instead of being initialised and finalised for each
// of the ten and more a renewal makes; read-only ones are finalised as before. What must still hold: every read sees the db's files as they are now, whoever wrote
// them (certutil between two reads of this process); a write after read-only listings opens
// the db read-write; a removal's read-back opens the db anew. C_Initialize is counted on the
// loaded library itself; the db is read back with NSS's own certutil.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNssStore } from '../../src/main/core/store';
import { readListing } from '../../src/main/core/store/nss/listing';
import { loadLibrary } from '../../src/main/core/store/pkcs11/loader';
import { releaseKept } from '../../src/main/core/store/pkcs11/session';
import { softoknPath, withNssToken } from '../../src/main/core/store/pkcs11/softoken';
import { ALICE_SUBJECT, certutil, fp, keyIds, newDbIn, nssWork, removeNssWork } from './nss-fixture';
import type { TestCert, TestPki } from '../support/pki-fixture';

let pki: TestPki;
let work: string;
let tempRoot: string;
let alice: TestCert;
let inits = 0;

beforeAll(async () => {
  ({ pki, work, tempRoot } = nssWork());
  alice = pki.client({ subject: ALICE_SUBJECT, days: 400 });
  await releaseKept();
  const p11 = await loadLibrary(softoknPath(undefined)!, (err) => err as never);
  const real = p11.C_Initialize.bind(p11);
  p11.C_Initialize = ((...args: Parameters<typeof real>) => {
    inits++;
    return real(...args);
  }) as typeof real;
});
afterAll(async () => {
  await releaseKept();
  removeNssWork(pki, work);
});

/** The db's certificates by SHA-256, read by this process's token layer. */
async function listed(db: string): Promise<string[]> {
  const { createHash } = await import('node:crypto');
  return (await readListing(db)).certs.map((c) => createHash('sha256').update(c.der).digest('hex')).sort();
}

describe('the softoken kept initialised between operations', () => {
  it('a read-only initialisation is finalised as before (one per read); the first write opens the db read-write once, and the reads and writes after it use that', async () => {
    const db = newDbIn(work, 'count');
    const store = await openNssStore({ dbDir: db, tempRoot });
    await releaseKept();
    const before = inits;
    await readListing(db);
    await readListing(db);
    expect(inits - before).toBe(2);
    // The identity goes in through pk12util (another process); this process's own first write:
    await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'Alice' });
    await withNssToken(db, 'write', () => undefined);
    const afterWrite = inits;
    expect(await listed(db)).toEqual([fp(alice), fp({ pem: pki.issuing.pem } as TestCert)].sort());
    await readListing(db);
    await store.keysWithoutCertificate?.();
    await withNssToken(db, 'write', () => undefined);
    expect(inits).toBe(afterWrite);
  });

  it('another writer between two reads of this process is seen: certutil -D, -A and -F, each at the next read, without a new initialisation', async () => {
    const db = newDbIn(work, 'other-writer');
    const store = await openNssStore({ dbDir: db, tempRoot });
    await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'Alice' });
    const issuing = fp({ pem: pki.issuing.pem } as TestCert);
    await withNssToken(db, 'write', () => undefined);
    expect(await listed(db)).toEqual([fp(alice), issuing].sort());
    const kept = inits;
    // certutil -L: the CA is the line whose trust is not the identity's u,u,u.
    const caNick = certutil(['-L', '-d', `sql:${db}`]).split('\n').map((l) => /^(\S.*?)\s{2,}(\S*,\S*,\S*)\s*$/.exec(l)).find((m) => m && m[2] !== 'u,u,u')![1]!;
    // The CA removed by another program: gone at the next read, with no new initialisation.
    certutil(['-D', '-n', caNick, '-d', `sql:${db}`]);
    expect(await listed(db)).toEqual([fp(alice)]);
    // Added back by it: there again.
    const caFile = join(work, 'issuing.pem');
    writeFileSync(caFile, pki.issuing.pem);
    certutil(['-A', '-n', 'Bank CA again', '-t', ',,', '-i', caFile, '-d', `sql:${db}`]);
    expect(await listed(db)).toEqual([fp(alice), issuing].sort());
    // The identity's key removed by it (certutil -F takes the key, leaves the certificate): no key at the next read.
    const [keyId] = keyIds(db);
    expect((await readListing(db)).keyIds.has(keyId!)).toBe(true);
    execFileSync('certutil', ['-F', '-k', keyId!, '-d', `sql:${db}`]);
    expect((await readListing(db)).keyIds.has(keyId!)).toBe(false);
    expect(await listed(db)).toEqual([fp(alice), issuing].sort());
    expect(inits).toBe(kept);
  });

  it('a db replaced or deleted between two reads is opened anew: the new files are listed, a missing db is an error', async () => {
    const db = newDbIn(work, 'replaced');
    const store = await openNssStore({ dbDir: db, tempRoot });
    await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'Alice' });
    await withNssToken(db, 'write', () => undefined);
    expect(await listed(db)).toHaveLength(2);
    // A profile reset: the folder moved aside, a new db made in its place.
    renameSync(db, `${db}-old`);
    newDbIn(work, 'replaced');
    expect(await listed(db)).toEqual([]);
    rmSync(db, { recursive: true, force: true });
    await expect(readListing(db)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it("a removal's read-back opens the db anew from its files; the removal holds (certutil -K)", async () => {
    const db = newDbIn(work, 'removal');
    const store = await openNssStore({ dbDir: db, tempRoot });
    const id = await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'Alice' });
    await readListing(db);
    const before = inits;
    await store.remove(id.fingerprint);
    // The key's read-back and the listing after the certificate's removal: each a fresh initialisation.
    expect(inits - before).toBeGreaterThanOrEqual(2);
    expect(keyIds(db)).toEqual([]);
  });
});
