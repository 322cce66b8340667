// A writer killed inside an SQLite transaction of the NSS db (pk12util, or CertDesk's own
// token session) leaves a hot rollback journal. Read-only openers (certutil -L, and a
// read-only token session) then fail with "bad database"; SQLite restores the db only on a
// read-write open. The listing must restore it, so that recovery can go on. The kill is
// made deterministic with Python's sqlite3: a transaction begun, rows deleted, SIGKILL.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNssStore } from '../../src/main/core/store';
import { readListing } from '../../src/main/core/store/nss/listing';
import { withNssToken } from '../../src/main/core/store/pkcs11/softoken';
import { makeTestPki, type TestPki } from '../support/pki-fixture';

const KILL_IN_TRANSACTION = `
import os, signal, sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('PRAGMA cache_size=1')
c.execute('BEGIN IMMEDIATE')
c.execute('DELETE FROM ' + sys.argv[2])
os.kill(os.getpid(), signal.SIGKILL)
`;

let work: string;
let pki: TestPki;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'certdesk-hotjournal-'));
  pki = makeTestPki('Hot Journal');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A db holding the bank's issuing CA (chain material) and one identity; its fingerprint. */
function dbWithIdentity(name: string): { db: string; sha256: string } {
  const db = join(work, name);
  mkdirSync(db);
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  const leaf = pki.client({ subject: '/CN=ホット ジャーナル', days: 30 });
  writeFileSync(join(work, `${name}.pem`), leaf.pem);
  writeFileSync(join(work, `${name}.key`), leaf.keyPem);
  writeFileSync(join(work, `${name}-ca.pem`), pki.issuing.pem);
  const p12 = join(work, `${name}.p12`);
  execFileSync('openssl', ['pkcs12', '-export', '-in', join(work, `${name}.pem`), '-inkey', join(work, `${name}.key`), '-name', 'hot journal', '-passout', 'pass:p', '-out', p12]);
  execFileSync('pk12util', ['-i', p12, '-d', `sql:${db}`, '-W', 'p'], { stdio: 'ignore' });
  execFileSync('certutil', ['-A', '-n', 'bank CA', '-t', ',,', '-i', join(work, `${name}-ca.pem`), '-d', `sql:${db}`]);
  return { db, sha256: createHash('sha256').update(leaf.der).digest('hex') };
}

function killInsideTransaction(file: string, table: string): void {
  const r = spawnSync('python3', ['-c', KILL_IN_TRANSACTION, file, table]);
  expect(r.signal).toBe('SIGKILL');
  expect(existsSync(`${file}-journal`)).toBe(true);
}

describe('an NSS db left with a hot SQLite journal', () => {
  it('with the softoken kept on the db read-write (issue 29), a journal another writer left meanwhile is rolled back by the next listing', async () => {
    const { db, sha256 } = dbWithIdentity('kept-read-write');
    const store = await openNssStore({ dbDir: db });
    expect((await store.list([pki.root.der])).map((i) => i.fingerprint)).toEqual([sha256]);
    // A write of this process: the read-write initialisation is kept.
    await withNssToken(db, 'write', () => undefined);
    killInsideTransaction(join(db, 'key4.db'), 'nssPrivate');
    // The token layer's own listing, not the store's cached one: the db's files changed.
    const listing = await readListing(db);
    expect(listing.keyIds.size).toBe(1);
    expect(existsSync(join(db, 'key4.db-journal'))).toBe(false);
    expect(spawnSync('certutil', ['-K', '-d', `sql:${db}`]).status).toBe(0);
  });

  for (const [file, table] of [
    ['key4.db', 'nssPrivate'],
    ['cert9.db', 'nssPublic'],
  ] as const) {
    it(`(${file}) is rolled back by the listing: the identity is there with its key`, async () => {
      const { db, sha256 } = dbWithIdentity(file.replace('.', '-'));
      killInsideTransaction(join(db, file), table);
      // The state the kill harness found: read-only openers cannot read the db.
      const before = spawnSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });
      expect(before.status, before.stdout).not.toBe(0);
      expect(before.stderr).toContain('SEC_ERROR_BAD_DATABASE');

      const store = await openNssStore({ dbDir: db });
      const listed = await store.list([pki.root.der]);
      expect(listed.map((i) => [i.fingerprint, i.hasPrivateKey])).toEqual([[sha256, true]]);
      expect(existsSync(join(db, `${file}-journal`))).toBe(false);
      // And NSS's own tools read it again.
      expect(spawnSync('certutil', ['-K', '-d', `sql:${db}`]).status).toBe(0);
    });
  }
});
