// The NSS adapter against real NSS databases, checked with certutil itself: install, list,
// verify and remove, and beside another NSS user of the process. Opening a db and the tools'
// failures are in nss-failures.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner, openNssStore, type CertificateStore, type CommandRunner } from '../../src/main/core/store';
import { ALICE_SUBJECT, certutil, codeOf, fp, keyIds, modulusKeyId, newDbIn, nssWork, removeNssWork, serverCertFromIssuingCa as serverCertIn, vfychain, writeTmpIn } from './nss-fixture';
import { makeTestPki, type TestCert, type TestPki } from '../support/pki-fixture';

let pki: TestPki;
let work: string;
let tempRoot: string;
let alice: TestCert; // RSA
let aliceRenewed: TestCert; // same subject, later expiry
let ecdsa: TestCert;
let foreign: TestCert; // another CA's client certificate

const newDb = (name: string) => newDbIn(work, name);
const serverCertFromIssuingCa = (host: string) => serverCertIn(pki, work, host);
const writeTmp = (name: string, text: string) => writeTmpIn(work, name, text);

beforeAll(() => {
  ({ pki, work, tempRoot } = nssWork());
  alice = pki.client({ subject: ALICE_SUBJECT, days: 400 });
  // The renewed certificate must start in a later second than the first (openssl x509 -req
  // sets notBefore to now): with equal notBefore NSS has no newest of the two, and
  // exportIdentity rightly refuses to guess.
  const second = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === second) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  aliceRenewed = pki.client({ subject: ALICE_SUBJECT, days: 800 });
  ecdsa = pki.client({ subject: '/C=JP/O=Example Corp/CN=EC User', days: 300, key: 'ec' });
  foreign = makeTestPki('Other Bank').client({ subject: '/CN=Someone Else', days: 300 });
});

afterAll(() => removeNssWork(pki, work));

describe('install, list, verify, remove on a real NSS db', () => {
  let db: string;
  let store: CertificateStore;
  const seen: Array<{ args: string[]; files: Array<{ path: string; mode: number; dirMode: number; content: string }> }> = [];

  beforeAll(async () => {
    db = newDb('main');
    const real = createCommandRunner();
    // Records what the tools were given, to prove where the password travels.
    const spy: CommandRunner = async (cmd, args, opts) => {
      if (cmd === 'pk12util') {
        const files = args.filter((a) => a.startsWith(tempRoot) && existsSync(a)).map((p) => ({ path: p, mode: statSync(p).mode & 0o777, dirMode: statSync(join(p, '..')).mode & 0o777, content: readFileSync(p).toString('latin1') }));
        seen.push({ args, files });
      }
      return real(cmd, args, opts);
    };
    store = await openNssStore({ dbDir: db, run: spy, tempRoot });
  });

  it('installs the bank CA as chain material only (,,) and never stores the root', async () => {
    await store.installCaCertificates([pki.issuing.der, pki.root.der]);
    const listing = certutil(['-L', '-d', `sql:${db}`]);
    expect(listing).toMatch(/NSS Test Bank Issuing CA\s+,,\s*$/m);
    expect(listing).not.toMatch(/Root CA/);
    // Idempotent.
    await store.installCaCertificates([pki.issuing.der]);
    expect(certutil(['-L', '-d', `sql:${db}`]).match(/Issuing CA/g)).toHaveLength(1);
  });

  it('the bank CA never vouches for a web server: a certificate for accounts.google.com from its key fails vfychain -u 1', async () => {
    const google = serverCertFromIssuingCa('accounts.google.com');
    const sslServer = () => vfychain(['-d', `sql:${db}`, '-u', '1', '-a', google]);
    expect(sslServer()).toMatch(/issuer is not recognized/i);
    // What earlier versions wrote (CT,,) makes it pass: the check can fail.
    certutil(['-M', '-n', 'NSS Test Bank Issuing CA', '-t', 'CT,,', '-d', `sql:${db}`]);
    expect(sslServer()).toMatch(/Chain is good/);
    // The next install of the bank's CAs takes that trust back, on exactly that certificate.
    await store.installCaCertificates([pki.issuing.der]);
    expect(certutil(['-L', '-d', `sql:${db}`])).toMatch(/NSS Test Bank Issuing CA\s+,,\s*$/m);
    expect(sslServer()).toMatch(/issuer is not recognized/i);
  });

  it('trust a user gave the CA otherwise (not exactly CT,,) is left alone, and so is a CA the bank did not send', async () => {
    const other = makeTestPki('Unrelated CA');
    writeFileSync(join(work, 'unrelated.der'), other.issuing.der);
    certutil(['-A', '-n', 'Unrelated Issuing CA', '-t', 'CT,,', '-i', join(work, 'unrelated.der'), '-d', `sql:${db}`]);
    certutil(['-M', '-n', 'NSS Test Bank Issuing CA', '-t', 'C,,', '-d', `sql:${db}`]);
    await store.installCaCertificates([pki.issuing.der]);
    const listing = certutil(['-L', '-d', `sql:${db}`]);
    expect(listing).toMatch(/NSS Test Bank Issuing CA\s+C,,\s*$/m);
    expect(listing).toMatch(/Unrelated Issuing CA\s+CT,,\s*$/m);
    certutil(['-M', '-n', 'NSS Test Bank Issuing CA', '-t', ',,', '-d', `sql:${db}`]);
    certutil(['-D', '-n', 'Unrelated Issuing CA', '-d', `sql:${db}`]);
    rmSync(other.dir, { recursive: true, force: true });
  });

  it('installs an identity: listed with its key under a readable nickname, NSS accepts it for SSL client up to the pinned root', async () => {
    const id = await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der, pki.root.der], friendlyName: 'ignored by NSS' });
    expect(id.fingerprint).toBe(fp(alice));
    expect(id.hasPrivateKey).toBe(true);
    const notAfter = new Date(execFileSync('openssl', ['x509', '-noout', '-enddate'], { input: alice.pem, encoding: 'utf8' }).split('=')[1]!.trim());
    const jst = new Date(notAfter.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    expect(id.nickname).toBe(`山田 太郎 ${jst}`);
    expect(keyIds(db)).toContain(modulusKeyId(alice));
    // NSS's own verdict, independently of the adapter: good with the root given as the anchor
    // of this one run, while the db itself trusts no CA.
    writeFileSync(join(work, 'alice.pem'), alice.pem);
    writeFileSync(join(work, 'root.pem'), pki.root.pem);
    expect(vfychain(['-d', `sql:${db}`, '-pp', '-u', '0', '-a', join(work, 'alice.pem'), '-t', '-a', join(work, 'root.pem')])).toMatch(/Chain is good/);
    expect(vfychain(['-d', `sql:${db}`, '-u', '0', '-a', join(work, 'alice.pem')])).toMatch(/issuer is not recognized/i);
    const exported = certutil(['-L', '-n', id.nickname!, '-a', '-d', `sql:${db}`]);
    expect(exported.replace(/\r/g, '')).toContain(alice.pem.trim().split('\n').slice(1, 3).join('\n'));
    // The root never went in through the PKCS#12 either.
    expect(certutil(['-L', '-d', `sql:${db}`])).not.toMatch(/Root CA/);

    const listed = await store.list([pki.root.der]);
    expect(listed.map((i) => [i.fingerprint, i.hasPrivateKey])).toEqual([[fp(alice), true]]);
    expect(Buffer.from(listed[0]!.certificateDer).equals(Buffer.from(alice.der))).toBe(true);
    const verified = await store.verifyInstalled(fp(alice).toUpperCase(), [pki.root.der]);
    expect(verified.fingerprint).toBe(fp(alice));
  });

  it('the PKCS#12 password reached pk12util in a 0600 file in a 0700 folder, never on the command line', () => {
    expect(seen.length).toBeGreaterThan(0);
    const imp = seen.find((s) => s.args[0] === '-i')!;
    const w = imp.args[imp.args.indexOf('-w') + 1]!;
    const pwFile = imp.files.find((f) => f.path === w)!;
    expect(pwFile.mode).toBe(0o600);
    expect(pwFile.dirMode).toBe(0o700);
    expect(pwFile.content.length).toBeGreaterThanOrEqual(24);
    for (const a of imp.args) expect(a).not.toContain(pwFile.content);
    for (const f of imp.files) expect(f.mode).toBe(0o600);
  });

  it('reinstalling the same identity creates no duplicate', async () => {
    const before = certutil(['-L', '-d', `sql:${db}`]);
    const keysBefore = keyIds(db);
    const again = await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    expect(again.fingerprint).toBe(fp(alice));
    expect(certutil(['-L', '-d', `sql:${db}`])).toBe(before);
    expect(keyIds(db)).toEqual(keysBefore);
    expect(certutil(['-L', '-n', again.nickname!, '-a', '-d', `sql:${db}`]).match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
  });

  it('lists only identities of the anchor: another bank\'s certificate and the CA are not listed', async () => {
    const f = join(work, 'foreign.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', writeTmp('foreign.key', foreign.keyPem), '-in', writeTmp('foreign.pem', foreign.pem), '-passout', 'pass:pw', '-out', f, '-name', 'Someone Else']);
    writeFileSync(join(work, 'pw'), 'pw');
    execFileSync('pk12util', ['-i', f, '-d', `sql:${db}`, '-w', join(work, 'pw')]);
    const listed = await store.list([pki.root.der]);
    expect(listed.map((i) => i.fingerprint)).toEqual([fp(alice)]);
    const other = await store.list([]);
    expect(other).toEqual([]);
  });

  it('installs the renewed certificate (same subject) and removes the first: its key is gone from certutil -K, the new one intact', async () => {
    const renewed = await store.install({ privateKeyPkcs8: aliceRenewed.pkcs8, certificateDer: aliceRenewed.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    expect(renewed.hasPrivateKey).toBe(true);
    const both = await store.list([pki.root.der]);
    expect(new Set(both.map((i) => i.fingerprint))).toEqual(new Set([fp(alice), fp(aliceRenewed)]));
    expect(both.every((i) => i.hasPrivateKey)).toBe(true);

    // exportIdentity lends the key to Node for mutual TLS: the newest of the holder's certificates only.
    const exported = await store.exportIdentity!(fp(aliceRenewed));
    const leafPem = exported.certPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [];
    expect(execFileSync('openssl', ['x509', '-outform', 'DER'], { input: leafPem[0] }).equals(Buffer.from(aliceRenewed.der))).toBe(true);
    // The CA certificates pk12util exported follow the leaf; the key is the leaf's (same public key).
    expect(leafPem.slice(1).map((p) => execFileSync('openssl', ['x509', '-outform', 'DER'], { input: p }).toString('hex'))).toContain(Buffer.from(pki.issuing.der).toString('hex'));
    expect(exported.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const pubOfKey = execFileSync('openssl', ['pkey', '-pubout'], { input: exported.keyPem, encoding: 'utf8' });
    const pubOfCert = execFileSync('openssl', ['x509', '-noout', '-pubkey'], { input: leafPem[0], encoding: 'utf8' });
    expect(pubOfKey).toBe(pubOfCert);
    expect(await codeOf(store.exportIdentity!(fp(alice)))).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'NOT_EXPORTABLE' });

    await store.remove(fp(alice));
    const ids = keyIds(db);
    expect(ids).not.toContain(modulusKeyId(alice));
    expect(ids).toContain(modulusKeyId(aliceRenewed));
    const left = await store.list([pki.root.der]);
    expect(left.map((i) => [i.fingerprint, i.hasPrivateKey])).toEqual([[fp(aliceRenewed), true]]);
    const pems = certutil(['-L', '-n', renewed.nickname!, '-a', '-d', `sql:${db}`]);
    expect(pems.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    await store.verifyInstalled(fp(aliceRenewed), [pki.root.der]);
    // Removing what is not there is not an error.
    await store.remove(fp(alice));
  });

  it('a kill between the key and the certificate of the removal leaves the old certificate without key; remove() again ends it', async () => {
    await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'store-child.ts'), 'remove', db, fp(alice)], {
      env: { ...process.env, CERTDESK_TEST_KILL_AT: 'removeOld:keyGone' },
      encoding: 'utf8',
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(keyIds(db)).not.toContain(modulusKeyId(alice));
    expect(keyIds(db)).toContain(modulusKeyId(aliceRenewed));
    const killed = await store.list([pki.root.der]);
    expect(killed.map((i) => [i.fingerprint, i.hasPrivateKey]).sort()).toEqual([[fp(alice), false], [fp(aliceRenewed), true]].sort());
    await store.remove(fp(alice));
    expect((await store.list([pki.root.der])).map((i) => [i.fingerprint, i.hasPrivateKey])).toEqual([[fp(aliceRenewed), true]]);
    await store.verifyInstalled(fp(aliceRenewed), [pki.root.der]);
  });

  it('a key that another certificate of the db also carries stays when one of them is removed', async () => {
    const twin = pki.client({ subject: '/C=JP/O=Example Corp/CN=Same Key', days: 200, keyPem: aliceRenewed.keyPem });
    const t = await store.install({ privateKeyPkcs8: twin.pkcs8, certificateDer: twin.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    expect(t.hasPrivateKey).toBe(true);
    await store.remove(fp(twin));
    expect(keyIds(db)).toContain(modulusKeyId(aliceRenewed));
    expect((await store.list([pki.root.der])).map((i) => [i.fingerprint, i.hasPrivateKey])).toEqual([[fp(aliceRenewed), true]]);
  });

  it('an ECDSA identity is listed with its key (NSS key id of an EC point)', async () => {
    const id = await store.install({ privateKeyPkcs8: ecdsa.pkcs8, certificateDer: ecdsa.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    expect(id.hasPrivateKey).toBe(true);
    await store.verifyInstalled(fp(ecdsa), [pki.root.der]);
    await store.remove(fp(ecdsa));
    expect((await store.list([pki.root.der])).map((i) => i.fingerprint)).toEqual([fp(aliceRenewed)]);
  });

  it("NSS's verdict is its own: a server certificate installed as an identity passes our chain check but NSS refuses it for SSL client", async () => {
    const server = pki.server();
    await store.install({ privateKeyPkcs8: server.pkcs8, certificateDer: server.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    expect(await codeOf(store.verifyInstalled(fp(server), [pki.root.der]))).toMatchObject({ code: 'VERIFY_FAILED', reason: 'NSS_REJECTED' });
    await store.remove(fp(server));
  });

  it('usageChecked (the renewal verified these bytes for client auth already): no vfychain, the read-back and chain check stay (issue 29)', async () => {
    const server = pki.server();
    await store.install({ privateKeyPkcs8: server.pkcs8, certificateDer: server.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
    // The caller's word is taken for usage: NSS's second opinion (which refuses a server certificate) is not asked.
    expect((await store.verifyInstalled(fp(server), [pki.root.der], { usageChecked: true })).hasPrivateKey).toBe(true);
    // What is not about usage is still read back from the db: another anchor fails the chain, an absent certificate is absent.
    expect(await codeOf(store.verifyInstalled(fp(server), [pki.server().der], { usageChecked: true }))).toMatchObject({ code: 'VERIFY_FAILED', reason: 'UNTRUSTED_CHAIN' });
    await store.remove(fp(server));
    expect(await codeOf(store.verifyInstalled(fp(server), [pki.root.der], { usageChecked: true }))).toMatchObject({ code: 'VERIFY_FAILED', reason: 'NOT_IN_STORE' });
  });

  it('a key that does not belong to the certificate is refused before anything is written', async () => {
    const before = certutil(['-L', '-d', `sql:${db}`]);
    const e = await codeOf(store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: ecdsa.der, chainDer: [], friendlyName: 'x' }));
    expect(e).toMatchObject({ code: 'INVALID_INPUT', reason: 'KEY_MISMATCH' });
    expect(certutil(['-L', '-d', `sql:${db}`])).toBe(before);
  });

  it('verifyInstalled: KEY_MISSING for a certificate without its key, VERIFY_FAILED for one not there or of another anchor', async () => {
    certutil(['-A', '-n', 'Key-less', '-t', ',,', '-i', writeTmp('keyless.pem', ecdsa.pem), '-d', `sql:${db}`]);
    expect(await codeOf(store.verifyInstalled(fp(ecdsa), [pki.root.der]))).toMatchObject({ code: 'KEY_MISSING' });
    expect((await store.list([pki.root.der])).find((i) => i.fingerprint === fp(ecdsa))?.hasPrivateKey).toBe(false);
    expect(await codeOf(store.verifyInstalled(fp(alice), [pki.root.der]))).toMatchObject({ code: 'VERIFY_FAILED', reason: 'NOT_IN_STORE' });
    expect(await codeOf(store.verifyInstalled(fp(foreign), [pki.root.der]))).toMatchObject({ code: 'VERIFY_FAILED', reason: 'UNTRUSTED_CHAIN' });
    await store.remove(fp(ecdsa));
  });
});

describe('beside another NSS user of this process (Chromium inside Electron)', () => {
  it('opens the db as a slot of its own and never finalises the softoken under its owner', async () => {
    const { softoknCandidates } = await import('../../src/main/core/store/pkcs11/softoken');
    // The softoken this process's earlier tests kept initialised (issue 29) is let go first: the
    // owner is the one that initialises it (Chromium does at its start, before CertDesk runs).
    await (await import('../../src/main/core/store/pkcs11/session')).releaseKept();
    const pkcs11js = await import('pkcs11js');
    const owner = new pkcs11js.PKCS11();
    owner.load(softoknCandidates().find((p) => existsSync(p))!);
    const ownersDb = newDb('owner');
    owner.C_Initialize({ libraryParameters: `configdir='sql:${ownersDb}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=''` });
    try {
      const db = newDb('beside');
      const store = await openNssStore({ dbDir: db, tempRoot });
      const id = await store.install({ privateKeyPkcs8: alice.pkcs8, certificateDer: alice.der, chainDer: [pki.issuing.der], friendlyName: 'x' });
      expect((await store.list([pki.root.der])).map((i) => [i.fingerprint, i.hasPrivateKey])).toEqual([[fp(alice), true]]);
      await store.remove(id.fingerprint);
      expect(await store.list([pki.root.der])).toEqual([]);
      expect(keyIds(db)).toEqual([]);
      // The owner's softoken still runs, its own db slot and no token of ours left (NSS keeps
      // a closed slot's number listed, without a token).
      const tokens = owner.C_GetSlotList(true).flatMap((s) => {
        try {
          return [owner.C_GetTokenInfo(s).label.trim()];
        } catch {
          return [];
        }
      });
      expect(tokens).toEqual(['NSS Generic Crypto Services', 'NSS Certificate DB']);
      expect(owner.C_GetSlotList(true).length).toBeLessThanOrEqual(3);
    } finally {
      owner.C_Finalize();
    }
    // And once the owner is gone, the store initialises the softoken itself again.
    expect(await (await openNssStore({ dbDir: newDb('after-owner'), tempRoot })).list([pki.root.der])).toEqual([]);
  });
});

describe('temporary files', () => {
  it('no temporary key file outlives any install, failed ones included', () => {
    // Every install above (successful, refused, duplicate) used this root.
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
