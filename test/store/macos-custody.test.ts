// The macOS key custodian (software key, `security import -x`) and the read-back without
// macOS trusting the bank's root (issue 17). `security` cannot run here: the exact commands
// are checked and its outputs come from fixtures/os-store-outputs.md §6–8 and
// test/fixtures/macos (provenance in its README). Keys and certificates are real.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { derToPem } from '../../src/main/core/pki';
import { buildNameDer } from '../../src/main/core/pki/name';
import { createMacStore } from '../../src/main/core/store';
import { custodianFor } from '../support/custodian';
import { createMacKeyCustodian, MAC_ATTRIBUTE_OIDS } from '../../src/main/core/store/macos/custodian';
import { keychainOf, SECURITY, type MacStoreOptions } from '../../src/main/core/store/macos/store';
import type { CommandRunner } from '../../src/main/core/store';
import { ok, scriptedRunner, type Call } from './fake-runner';
import { caught } from './scripted';
import { makeTestPki, type TestCert, type TestPki } from '../support/pki-fixture';

/** The custodian as the keychain's store offers it (the store it imports through). */
const macCustodian = (run: CommandRunner, opts: MacStoreOptions) => createMacKeyCustodian(run, opts, createMacStore(run, opts));

const UNTRUSTED = readFileSync(join(__dirname, '..', 'fixtures', 'macos', 'find-identity-untrusted.txt'), 'utf8');
const keychain = '/Users/taro/Library/Keychains/login.keychain-db';
const SUBJECT = buildNameDer([
  { oid: '2.5.4.6', value: 'JP' },
  { oid: '2.5.4.10', value: 'テスト銀行' },
  { oid: '2.5.4.3', value: '山田 太郎' },
]);

const hashes = (pem: string) => {
  const h = (alg: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', `-${alg}`], { input: pem, encoding: 'utf8' }).split('=')[1]!.replace(/:/g, '').trim();
  return { sha256: h('sha256'), sha1: h('sha1') };
};
/** §8.2 layout: SHA-256, SHA-1, PEM per match. */
const findCertificate = (certs: { pem: string }[]) => ok(certs.map((c) => `SHA-256 hash: ${hashes(c.pem).sha256}\nSHA-1 hash: ${hashes(c.pem).sha1}\n${c.pem.trim()}\n`).join(''));
/** §7.2 layout, every identity trusted. */
const findIdentity = (certs: { pem: string }[]) =>
  ok(`\nPolicy: X.509 Basic\n  Matching identities\n${certs.map((c, i) => `${String(i + 1).padStart(3)}) ${hashes(c.pem).sha1} "Yamada"`).join('\n')}\n     ${certs.length} identities found\n`);
const expectListing = (c1: Call, c2: Call) => {
  expect([c1.cmd, ...c1.args]).toEqual([SECURITY, 'find-certificate', '-a', '-Z', '-p', keychain]);
  expect([c2.cmd, ...c2.args]).toEqual([SECURITY, 'find-identity', keychain]);
};

describe('macOS key custody (software, imported non-extractable)', () => {
  let pki: TestPki;
  let tempRoot: string;
  beforeAll(() => {
    pki = makeTestPki('Mac Custody Bank');
    tempRoot = mkdtempSync(join(tmpdir(), 'certdesk-maccust-'));
  });
  afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

  it('createRequest: the key and request made in CertDesk, no command run; the subject kept byte for byte', async () => {
    const r = scriptedRunner();
    const cust = macCustodian(r.run, { productVersion: '15.1', keychain, tempRoot });
    expect(cust.storage).toBe('software');
    expect(cust.describe()).toContain(keychain);
    const req = await cust.createRequest({ keyType: 'ecdsaP256', subjectDer: SUBJECT, label: 'x' });
    expect(r.calls).toHaveLength(0);
    expect(req.softwarePkcs8).toBeInstanceOf(Uint8Array);
    const text = execFileSync('openssl', ['req', '-inform', 'DER', '-verify', '-noout', '-nameopt', 'utf8,show_type', '-subject'], { input: Buffer.from(req.csrDer), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(text).toContain('UTF8STRING:山田 太郎');
    expect(req.keyId).toMatch(/^[0-9a-f]{64}$/);
    expect(MAC_ATTRIBUTE_OIDS).toEqual([]);
    expect((await caught(cust.createRequest({ keyType: 'rsa2048', subjectDer: SUBJECT, label: 'x', attributesDer: [new Uint8Array([0x30, 0])] }))).detail?.reason).toBe('ATTRIBUTES_UNSUPPORTED');
  });

  it('attach: security import <0600 file> -k <keychain> -f pkcs12 -x -P <random>, the file removed, read back as an identity', async () => {
    const r = scriptedRunner();
    const cust = macCustodian(r.run, { productVersion: '15.1', keychain, tempRoot });
    const req = await cust.createRequest({ keyType: 'rsa2048', subjectDer: SUBJECT, label: 'x' });
    const leaf = pki.client({ subject: '/C=JP/O=テスト銀行/CN=山田 太郎', days: 300, keyPem: derToPem(req.softwarePkcs8!, 'PRIVATE KEY') });
    let file = '';
    let mode = 0;
    let info = '';
    r.push(
      () => findCertificate([]),
      () => findIdentity([]),
      (c) => {
        file = c.args[1]!;
        mode = statSync(file).mode & 0o777;
        const o = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${c.args[8]}`], { encoding: 'utf8' });
        info = o.stdout + o.stderr;
        return ok('');
      },
      () => findCertificate([leaf, pki.issuing]),
      () => findIdentity([leaf]),
    );
    const id = await cust.attach({ keyId: req.keyId, certificateDer: leaf.der, chainDer: [pki.issuing.der, pki.root.der], friendlyName: 'Yamada 2027-04-30', softwarePkcs8: req.softwarePkcs8! });
    expectListing(r.calls[0]!, r.calls[1]!);
    const imp = r.calls[2]!;
    expect(imp.cmd).toBe(SECURITY);
    expect(imp.args).toEqual(['import', file, '-k', keychain, '-f', 'pkcs12', '-x', '-P', imp.args[8]]);
    expect(imp.args[8]).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(mode).toBe(0o600);
    expect(info).toMatch(/AES-256-CBC/); // macOS 15: the modern profile
    expect(existsSync(file)).toBe(false);
    expectListing(r.calls[3]!, r.calls[4]!);
    expect(id.hasPrivateKey).toBe(true);
    expect(id.fingerprint).toBe(hashes(leaf.pem).sha256.toLowerCase());
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('attach refusals, before any command: no key from the journal, a certificate for another key', async () => {
    const r = scriptedRunner();
    const cust = macCustodian(r.run, { productVersion: '14.4', keychain, tempRoot });
    const req = await cust.createRequest({ keyType: 'rsa2048', subjectDer: SUBJECT, label: 'x' });
    const other = pki.client({ subject: '/CN=Other', days: 30 });
    expect((await caught(cust.attach({ keyId: req.keyId, certificateDer: other.der, chainDer: [], friendlyName: 'x' }))).detail?.reason).toBe('NO_SOFTWARE_KEY');
    expect((await caught(cust.attach({ keyId: req.keyId, certificateDer: other.der, chainDer: [], friendlyName: 'x', softwarePkcs8: req.softwarePkcs8! }))).detail?.reason).toBe('KEY_MISMATCH');
    // The right certificate with another key from the journal: refused too.
    const mine = pki.client({ subject: '/CN=Mine', days: 30, keyPem: derToPem(req.softwarePkcs8!, 'PRIVATE KEY') });
    expect((await caught(cust.attach({ keyId: req.keyId, certificateDer: mine.der, chainDer: [], friendlyName: 'x', softwarePkcs8: other.pkcs8 }))).detail?.reason).toBe('KEY_MISMATCH');
    expect(r.calls).toHaveLength(0);
  });

  it('hasKey: an identity in the keychain with that public key; removeKey runs nothing', async () => {
    const r = scriptedRunner();
    const cust = macCustodian(r.run, { productVersion: '14.4', keychain, tempRoot });
    const req = await cust.createRequest({ keyType: 'rsa2048', subjectDer: SUBJECT, label: 'x' });
    const leaf = pki.client({ subject: '/CN=Yamada', days: 30, keyPem: derToPem(req.softwarePkcs8!, 'PRIVATE KEY') });
    r.push(() => findCertificate([leaf]), () => findIdentity([leaf]), () => findCertificate([leaf]), () => findIdentity([]));
    expect(await cust.hasKey(req.keyId)).toBe(true);
    expectListing(r.calls[0]!, r.calls[1]!);
    expect(await cust.hasKey(req.keyId)).toBe(false); // the certificate alone, without its key
    await cust.removeKey(req.keyId);
    expect(r.calls).toHaveLength(4);
    expect(keychainOf({})).toMatch(/Library\/Keychains\/login\.keychain-db$/);
  });
});

describe('read-back without macOS trusting the bank (issue 17)', () => {
  let pki: TestPki;
  let oneTier: TestCert;
  beforeAll(() => {
    pki = makeTestPki('One Tier Bank');
    // The issuing CA is the self-signed root: the leaf is signed by it directly.
    const dir = pki.dir;
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'one.key', '-out', 'one.csr', '-subj', '/CN=One Tier User'], { cwd: dir, stdio: 'ignore' });
    execFileSync('openssl', ['x509', '-req', '-in', 'one.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-out', 'one.pem', '-days', '30', '-extfile', 'client.ext'], { cwd: dir, stdio: 'ignore' });
    const pem = readFileSync(join(dir, 'one.pem'), 'utf8');
    oneTier = { pem, der: new Uint8Array(execFileSync('openssl', ['x509', '-outform', 'DER'], { input: pem })), keyPem: '', pkcs8: new Uint8Array() };
  });

  it('an identity macOS calls CSSMERR_TP_NOT_TRUSTED, root in no keychain: verified by find-identity (no -v) and CertDesk\'s own chain check', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '15.1', keychain });
    r.push(() => findCertificate([oneTier]), () => ok(UNTRUSTED.replace('<SHA1>', hashes(oneTier.pem).sha1)));
    const id = await store.verifyInstalled(hashes(oneTier.pem).sha256, [pki.root.der]);
    expect(id.hasPrivateKey).toBe(true);
    expect(id.nickname).toBe('Yamada Taro 2027-04-30');
    expectListing(r.calls[0]!, r.calls[1]!);
    // No trust is asked of macOS or given to the root.
    expect(r.calls.flatMap((c) => c.args)).not.toEqual(expect.arrayContaining(['-v']));
    expect(r.calls.map((c) => c.args[0])).toEqual(['find-certificate', 'find-identity']);

    // Two tiers with the issuing CA absent from the keychain: the chain cannot be built.
    const leaf = pki.client({ subject: '/CN=Two Tier', days: 30 });
    r.push(() => findCertificate([leaf]), () => findIdentity([leaf]));
    expect((await caught(store.verifyInstalled(hashes(leaf.pem).sha256, [pki.root.der]))).detail?.reason).toBe('UNTRUSTED_CHAIN');
    // With it: verified.
    r.push(() => findCertificate([leaf, pki.issuing]), () => findIdentity([leaf]));
    expect((await store.verifyInstalled(hashes(leaf.pem).sha256, [pki.root.der])).hasPrivateKey).toBe(true);
    // Listed without its key (no identity): KEY_MISSING.
    r.push(() => findCertificate([oneTier]), () => ok('     0 valid identities found\n'));
    expect((await caught(store.verifyInstalled(hashes(oneTier.pem).sha256, [pki.root.der]))).code).toBe('KEY_MISSING');
  });
});

describe('the macOS store\'s key custodians (issue 16)', () => {
  it('keyStorage software and store: the import-non-extractable custodian, no command run; store says it keeps a software key (logged)', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '14.5', keychain });
    const lines: string[] = [];
    const sw = custodianFor([store], 'software', (l) => lines.push(l));
    expect(sw.storage).toBe('software');
    expect(sw.describe()).toBe(`macOS keychain ${keychain} (macOS 14.5, PKCS#12 legacy); key made in CertDesk, imported non-extractable`);
    expect(lines).toEqual([]);
    const st = custodianFor([store], 'store', (l) => lines.push(l));
    expect(st.storage).toBe('software');
    expect(lines).toEqual([`keyStorage "store": the new key is kept as "software" by macOS keychain ${keychain} (macOS 14.5, PKCS#12 legacy); key made in CertDesk, imported non-extractable.`]);
    // The custodian the store gives is the one that imports with -x (its createRequest runs no command).
    const req = await st.createRequest({ keyType: 'ecdsaP256', subjectDer: SUBJECT, label: 'x' });
    expect(req.softwarePkcs8).toBeDefined();
    expect(r.calls).toHaveLength(0);
  });

  it('keyStorage tpm and pkcs11: refused with what to set', () => {
    const store = createMacStore(scriptedRunner().run, { productVersion: '14.5', keychain });
    for (const [storage, words] of [['tpm', /Secure Enclave/], ['pkcs11', /CryptoTokenKit/]] as const) {
      let err: unknown;
      try {
        custodianFor([store], storage);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).detail).toMatchObject({ reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' });
      expect((err as CoreError).message).toMatch(words);
      expect((err as CoreError).message).toMatch(/keyStorage "store" or "software"/);
      expect((err as CoreError).message).toMatch(/non-extractable/);
    }
  });
});
