// The NSS db's own token as the key's custodian, on real NSS dbs: the key is made in the db,
// the request it signs passes openssl, the issued certificate pairs with it for certutil,
// the store and a real TLS client (NSS's tstclnt), and removeKey leaves nothing.
import { mkdtempSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecdsaRawToDer, subjectFromTemplate } from '../../src/main/core/pki';
import { openNssStore } from '../../src/main/core/store';
import { createNssTokenCustodian } from '../../src/main/core/store/nss/custody';
import { makeTestPki, type TestPki } from '../support/pki-fixture';
import { certutilKeys, certutilList, issueFromCsr, newNssDb, opensslVerifyCsr, recordingServer, tstclnt, type RecordingServer } from '../support/nss-tools';

let pki: TestPki;
let work: string;
let server: RecordingServer;

beforeAll(async () => {
  pki = makeTestPki('Custody Bank');
  work = mkdtempSync(join(tmpdir(), 'certdesk-custody-'));
  server = await recordingServer(pki);
});
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
});

const subject = subjectFromTemplate('CN={loginId},OU=法人IB,O=デモ信用金庫,C=JP', '山田 太郎');

describe.each([
  ['rsa2048', 'rsa'],
  ['ecdsaP256', 'ec'],
] as const)('NSS token custodian, %s', (keyType, kind) => {
  it('makes the key in the db, signs a request openssl accepts, attaches the certificate, and NSS presents it over TLS', async () => {
    const db = newNssDb(work, `db-${keyType}`);
    const custodian = createNssTokenCustodian({ dbDir: db, label: `NSS db ${db}` });
    const req = await custodian.createRequest({ keyType, subjectDer: subject, label: 'デモ信用金庫 山田 太郎' });

    // The request: signed by the db's key, the subject kept byte for byte.
    const text = opensslVerifyCsr(req.csrDer);
    expect(text).toContain(kind === 'rsa' ? 'rsaEncryption' : 'id-ecPublicKey');
    expect(text).toContain('CN=山田 太郎');
    expect(Buffer.from(req.csrDer).includes(Buffer.from(subject))).toBe(true);
    expect(req.softwarePkcs8).toBeUndefined();
    // NSS's convention: certutil lists the key under the CKA_ID the custodian reports.
    expect(certutilKeys(db)).toContain(req.keyId);
    expect(await custodian.hasKey(req.keyId)).toBe(true);

    const certDer = issueFromCsr(pki, req.csrDer);
    const identity = await custodian.attach({ keyId: req.keyId, certificateDer: certDer, chainDer: [pki.issuing.der, pki.root.der], friendlyName: 'デモ信用金庫 山田 太郎' });
    expect(identity.hasPrivateKey).toBe(true);
    expect(identity.nickname).toBe('デモ信用金庫 山田 太郎');

    // certutil pairs certificate and key (u,u,u); the CA is chain material without trust; no root.
    const listing = certutilList(db);
    expect(listing).toMatch(/デモ信用金庫 山田 太郎\s+u,u,u/);
    expect(listing).toMatch(/Custody Bank Issuing CA\s+,,/);
    expect(listing).not.toContain('Root CA');

    // The store lists it with its key.
    const store = await openNssStore({ dbDir: db });
    const listed = (await store.list([pki.root.der])).find((s) => s.fingerprint === identity.fingerprint);
    expect(listed?.hasPrivateKey).toBe(true);
    await store.verifyInstalled(identity.fingerprint, [pki.root.der]);

    // A real TLS client presents it with the db's key.
    const before = server.seen.length;
    const r = await tstclnt(db, identity.nickname!, server.port);
    expect(r.code, r.out).toBe(0);
    expect(server.seen.length).toBe(before + 1);
    expect(Buffer.from(server.seen.at(-1)!).equals(Buffer.from(certDer))).toBe(true);

    // Attaching again is a no-op; a key with a certificate is no orphan and stays.
    await custodian.attach({ keyId: req.keyId, certificateDer: certDer, chainDer: [], friendlyName: 'other' });
    await custodian.removeKey(req.keyId);
    expect(await custodian.hasKey(req.keyId)).toBe(true);
  });

  it('removes an orphan key (no certificate) and nothing else', async () => {
    const db = newNssDb(work, `orphan-${keyType}`);
    const custodian = createNssTokenCustodian({ dbDir: db, label: `NSS db ${db}` });
    const keep = await custodian.createRequest({ keyType, subjectDer: subject, label: 'keep' });
    const orphan = await custodian.createRequest({ keyType, subjectDer: subject, label: 'orphan' });
    await custodian.removeKey(orphan.keyId);
    expect(await custodian.hasKey(orphan.keyId)).toBe(false);
    expect(await custodian.hasKey(keep.keyId)).toBe(true);
    const keys = certutilKeys(db);
    expect(keys).not.toContain(orphan.keyId);
    expect(keys).toContain(keep.keyId);
    // Removing what is not there is not an error.
    await custodian.removeKey(orphan.keyId);
  });
});

describe('NSS token custodian: refusals', () => {
  it('refuses a certificate of another key and a key that is gone, and stores nothing', async () => {
    const db = newNssDb(work, 'refusals');
    const custodian = createNssTokenCustodian({ dbDir: db, label: `NSS db ${db}` });
    const a = await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subject, label: 'a' });
    const b = await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subject, label: 'b' });
    const certOfB = issueFromCsr(pki, b.csrDer);
    await expect(custodian.attach({ keyId: a.keyId, certificateDer: certOfB, chainDer: [], friendlyName: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT', detail: { reason: 'KEY_MISMATCH' } });
    await custodian.removeKey(b.keyId);
    await expect(custodian.attach({ keyId: b.keyId, certificateDer: certOfB, chainDer: [], friendlyName: 'x' })).rejects.toMatchObject({ code: 'KEY_MISSING', detail: { reason: 'KEY_GONE' } });
    expect(certutilList(db)).not.toContain('u,u,u');
  });

  it('runs the Firefox-style write guard before every write', async () => {
    const db = newNssDb(work, 'guard');
    let refuse = false;
    const custodian = createNssTokenCustodian({ dbDir: db, label: 'Firefox profile "x"', beforeWrite: () => { if (refuse) throw new Error('Firefox is running'); } });
    const req = await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subject, label: 'g' });
    refuse = true;
    await expect(custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subject, label: 'g' })).rejects.toThrow('Firefox is running');
    await expect(custodian.removeKey(req.keyId)).rejects.toThrow('Firefox is running');
    expect(await custodian.hasKey(req.keyId)).toBe(true);
  });
});

describe('NSS token custodian: nothing on disk but the db', () => {
  it('writes no file into TMPDIR while it makes the key, signs, attaches and removes', async () => {
    const db = newNssDb(work, 'tmpwatch');
    const watched = mkdtempSync(join(tmpdir(), 'certdesk-tmpwatch-'));
    const saved = process.env.TMPDIR;
    const seen: string[] = [];
    let watcher: FSWatcher | undefined;
    try {
      process.env.TMPDIR = watched;
      expect(tmpdir()).toBe(watched);
      watcher = watch(watched, { recursive: true }, (_e, name) => seen.push(String(name)));
      const custodian = createNssTokenCustodian({ dbDir: db, label: `NSS db ${db}` });
      for (const keyType of ['rsa2048', 'ecdsaP256'] as const) {
        const req = await custodian.createRequest({ keyType, subjectDer: subject, label: `w-${keyType}` });
        process.env.TMPDIR = saved ?? '/tmp';
        const cert = issueFromCsr(pki, req.csrDer); // the bank's side, outside the watched folder
        process.env.TMPDIR = watched;
        await custodian.attach({ keyId: req.keyId, certificateDer: cert, chainDer: [pki.issuing.der], friendlyName: `w-${keyType}` });
      }
      const orphan = await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subject, label: 'orphan' });
      await custodian.removeKey(orphan.keyId);
      // fs.watch reports asynchronously: one more turn of the loop lets pending events in.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      watcher?.close();
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(seen).toEqual([]);
    rmSync(watched, { recursive: true, force: true });
  });
});

describe('requests signed through a token: the encodings', () => {
  it('SHA-384 requests (a bank\'s /csrattrs may ask for them) pass openssl for RSA and P-256 keys', async () => {
    const db = newNssDb(work, 'sha384');
    const custodian = createNssTokenCustodian({ dbDir: db, label: `NSS db ${db}` });
    for (const keyType of ['rsa2048', 'ecdsaP256'] as const) {
      const req = await custodian.createRequest({ keyType, subjectDer: subject, label: 'h', hash: 'SHA-384' });
      expect(opensslVerifyCsr(req.csrDer)).toContain(keyType === 'rsa2048' ? 'sha384WithRSAEncryption' : 'ecdsa-with-SHA384');
    }
  });

  it('ECDSA r || s becomes DER INTEGERs: leading zeros dropped, a high bit padded', () => {
    const r = new Uint8Array(32).fill(0);
    r[31] = 1;
    const s = new Uint8Array(32).fill(0xff);
    const der = Buffer.from(ecdsaRawToDer(Uint8Array.from([...r, ...s]))).toString('hex');
    expect(der).toBe(`3026020101022100${'ff'.repeat(32)}`);
    expect(() => ecdsaRawToDer(new Uint8Array(63))).toThrow(/not r \|\| s/);
  });
});
