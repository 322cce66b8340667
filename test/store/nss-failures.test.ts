// The NSS adapter against real NSS databases when things go wrong: opening (no db, a corrupt
// one, a password, missing tools or softoken, a hanging tool) and the tools' failures on
// install (read-only, bad DER or password, a hang, a crash midway), each mapped to a clear code.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseKept } from '../../src/main/core/store/pkcs11/session';
import { createCommandRunner, openNssStore, type CommandRunner } from '../../src/main/core/store';
import type { TestCert, TestPki } from '../support/pki-fixture';
import { ALICE_SUBJECT, certutil, codeOf, newDbIn, nssWork, removeNssWork, writeTmpIn } from './nss-fixture';

let pki: TestPki;
let work: string;
let tempRoot: string;
let alice: TestCert; // RSA

const newDb = (name: string) => newDbIn(work, name);
const writeTmp = (name: string, text: string) => writeTmpIn(work, name, text);

beforeAll(() => {
  ({ pki, work, tempRoot } = nssWork());
  alice = pki.client({ subject: ALICE_SUBJECT, days: 400 });
});

afterAll(() => removeNssWork(pki, work));

describe('opening', () => {
  it('creates ~/.pki/nssdb like Chromium when it is missing (sql db, empty password)', async () => {
    const home = join(work, 'home');
    mkdirSync(home);
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      const store = await openNssStore({ tempRoot });
      const db = join(home, '.pki', 'nssdb');
      expect(store.describe()).toBe(`NSS db ${db}`);
      expect(existsSync(join(db, 'cert9.db'))).toBe(true);
      expect(existsSync(join(db, 'key4.db'))).toBe(true);
      expect(statSync(db).mode & 0o777).toBe(0o700);
      // Readable without a password, as Chromium expects.
      const k = spawnSync('certutil', ['-K', '-d', `sql:${db}`], { input: '', encoding: 'utf8' });
      expect(k.stdout + k.stderr).toMatch(/no keys found/);
    } finally {
      process.env.HOME = saved;
    }
  });

  it('an explicit folder without a database is STORE_UNAVAILABLE/DB_MISSING, and is not created', async () => {
    const dir = join(work, 'nope');
    const e = await codeOf(openNssStore({ dbDir: dir }));
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'DB_MISSING' });
    expect(e.message).toContain(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('a corrupt database is STORE_UNAVAILABLE/DB_CORRUPT with what to do', async () => {
    const dir = join(work, 'corrupt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cert9.db'), Buffer.alloc(8192, 0x5a));
    writeFileSync(join(dir, 'key4.db'), Buffer.alloc(8192, 0x5a));
    const e = await codeOf(openNssStore({ dbDir: dir }));
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'DB_CORRUPT' });
    expect(e.message).toMatch(/move the folder aside/);
  });

  it('a database with a password is STORE_UNAVAILABLE/DB_PASSWORD', async () => {
    const dir = join(work, 'pwdb');
    mkdirSync(dir);
    writeFileSync(join(work, 'dbpass'), 'secret-db-pass');
    certutil(['-N', '-d', `sql:${dir}`, '-f', join(work, 'dbpass')]);
    const store = await openNssStore({ dbDir: dir, tempRoot });
    const e = await codeOf(store.list([pki.root.der]));
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'DB_PASSWORD' });
  });

  it('missing tools: the db still lists (through its token); a write is STORE_UNAVAILABLE/TOOL_MISSING saying to install libnss3-tools', async () => {
    const empty = join(work, 'emptybin');
    mkdirSync(empty);
    const store = await openNssStore({ dbDir: newDb('notools'), run: createCommandRunner({ path: empty }) });
    expect(await store.list([pki.root.der])).toEqual([]);
    const e = await codeOf(store.installCaCertificates([pki.issuing.der]));
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'TOOL_MISSING' });
    expect(e.message).toMatch(/install libnss3-tools/);
  });

  it('no NSS softoken: STORE_UNAVAILABLE/SOFTOKN_MISSING saying to install libnss3', async () => {
    const { softoknCandidates } = await import('../../src/main/core/store/pkcs11/softoken');
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'store-child.ts'), 'list', newDb('nosoftokn')], {
      // One of the system's places that has no softoken here (any other path is refused: test/config/user-writable-code.test.ts).
      env: { ...process.env, CERTDESK_SOFTOKN: softoknCandidates().find((p) => !existsSync(p))! },
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(1);
    const e = JSON.parse(child.stdout) as { code: string; reason: string; message: string };
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'SOFTOKN_MISSING' });
    expect(e.message).toMatch(/libsoftokn3\.so.*install libnss3/);
  });

  it('a tool that hangs is stopped: STORE_UNAVAILABLE/TOOL_TIMEOUT', async () => {
    const bin = join(work, 'hangbin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'certutil'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const store = await openNssStore({ dbDir: newDb('hang'), run: createCommandRunner({ path: `${bin}:/usr/bin:/bin` }), timeoutMs: 500 });
    const e = await codeOf(store.installCaCertificates([pki.issuing.der]));
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'TOOL_TIMEOUT' });
  });
});

describe('tool failures', () => {
  it('a read-only database: STORE_WRITE_FAILED/READ_ONLY', async () => {
    const src = newDb('ro-src');
    const mnt = join(work, 'ro');
    mkdirSync(mnt);
    execFileSync('mount', ['--bind', '-o', 'ro', src, mnt]);
    try {
      const store = await openNssStore({ dbDir: mnt, tempRoot });
      const e = await codeOf(store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [], friendlyName: 'x' }));
      expect(e).toMatchObject({ code: 'STORE_WRITE_FAILED', reason: 'READ_ONLY' });
      expect(e.message).toMatch(/read-only/);
      const e2 = await codeOf(store.installCaCertificates([pki.issuing.der]));
      expect(e2).toMatchObject({ code: 'STORE_WRITE_FAILED', reason: 'READ_ONLY' });
    } finally {
      // The softoken this process keeps on the db (issue 29; finalised after a second idle) is let go first.
      await releaseKept();
      execFileSync('umount', [mnt]);
    }
  });

  it('bad DER and a bad PKCS#12 password from the real tools map to STORE_WRITE_FAILED', async () => {
    const { nssFailure } = await import('../../src/main/core/store/nss/errors');
    const db = newDb('errs');
    const p12 = join(work, 'good.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', writeTmp('a.key', alice.keyPem), '-in', writeTmp('a.pem', alice.pem), '-passout', 'pass:right', '-out', p12]);
    writeFileSync(join(work, 'wrong'), 'wrong');
    const bad = spawnSync('pk12util', ['-i', p12, '-d', `sql:${db}`, '-w', join(work, 'wrong')], { encoding: 'utf8' });
    expect(nssFailure('pk12util', { code: bad.status ?? 1, stdout: bad.stdout, stderr: bad.stderr }, db, 'write')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'BAD_PASSWORD' } });
    writeFileSync(join(work, 'garbage.p12'), 'this is not DER');
    const der = spawnSync('pk12util', ['-i', join(work, 'garbage.p12'), '-d', `sql:${db}`, '-w', join(work, 'wrong')], { encoding: 'utf8' });
    expect(nssFailure('pk12util', { code: der.status ?? 1, stdout: der.stdout, stderr: der.stderr }, db, 'write')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'BAD_DER', nssCode: 'SEC_ERROR_BAD_DER' } });
    const store = await openNssStore({ dbDir: db, tempRoot });
    expect(await codeOf(store.installCaCertificates([new Uint8Array([0x30, 0x03, 1, 2, 3])]))).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('an install whose pk12util hangs is stopped, and its files are gone', async () => {
    const bin = join(work, 'hang-pk12');
    mkdirSync(bin);
    symlinkSync('/usr/bin/certutil', join(bin, 'certutil'));
    writeFileSync(join(bin, 'pk12util'), '#!/bin/sh\nexec /bin/sleep 30\n', { mode: 0o755 });
    const store = await openNssStore({ dbDir: newDb('hang-install'), run: createCommandRunner({ path: bin }), tempRoot, timeoutMs: 3000 });
    const e = await codeOf(store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [], friendlyName: 'x' }));
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'TOOL_TIMEOUT' });
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('an install whose tool call throws midway leaves nothing either', async () => {
    const real = createCommandRunner();
    let sawFiles = 0;
    const crashing: CommandRunner = async (cmd, args, opts) => {
      if (cmd === 'pk12util') {
        sawFiles = readdirSync(tempRoot).length;
        throw new Error('simulated crash inside the import');
      }
      return real(cmd, args, opts);
    };
    const store = await openNssStore({ dbDir: newDb('crash'), run: crashing, tempRoot });
    await expect(store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [], friendlyName: 'x' })).rejects.toThrow(/simulated crash/);
    expect(sawFiles).toBe(1);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('no temporary key file outlives any install, failed ones included', () => {
    // Every install above (successful, refused, read-only, duplicate) used this root.
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
