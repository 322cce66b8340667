// The macOS adapter cannot run here: these tests check the exact `security` commands and
// parse the outputs collected in fixtures/os-store-outputs.md (quoted with their section).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMacStore, macosProfile } from '../../src/main/core/store';
import { macFailure, SECURITY } from '../../src/main/core/store/macos/store';
import { parseFindCertificate, parseFindIdentity, parseImportCounts, parseSecurityError } from '../../src/main/core/store/macos/parse';
import { fail, ok, scriptedRunner, type Call } from './fake-runner';
import { makeTestPki, type TestCert, type TestPki } from '../support/pki-fixture';

// §7.1 (the PR author's paste: one leading space), §7.2 (reconstructed full layout)
const FIND_IDENTITY_V = ' 1) 3F60B8D9578EAEF1E13A7EEC1394D4CE34139555 "Developer ID Application: App Inc (FR57J8KL90)"\n 2) 7952E8BC89E7BF5FCED31AF352783B7A34FADC0D "Developer ID Application: App Inc (FR57J8KL90)"\n';
const FIND_IDENTITY_NONE = '     0 valid identities found\n';
const findIdentityFull = (rows: Array<[string, string, string?]>) =>
  `\nPolicy: X.509 Basic\n  Matching identities\n${rows.map(([h, l, e], i) => `${String(i + 1).padStart(3)}) ${h} "${l}"${e ? ` (${e})` : ''}`).join('\n')}\n     ${rows.length} identities found\n\n  Valid identities only\n${rows
    .filter((r) => !r[2])
    .map(([h, l], i) => `${String(i + 1).padStart(3)}) ${h} "${l}"`)
    .join('\n')}\n     ${rows.filter((r) => !r[2]).length} valid identities found\n`;
// §6.1
const IMPORT_PKCS12 = '1 identity imported.\n';
const IMPORT_OPENSSL = '1 key imported.\n1 certificate imported.\n';
// §6.2
const MAC_FAILED = 'security: SecKeychainItemImport: MAC verification failed during PKCS12 import (wrong password?)\n';
const PASSPHRASE = 'security: SecKeychainItemImport: The user name or passphrase you entered is not correct.\n';
const DECODE = 'security: SecKeychainItemImport: Unable to decode the provided data.\n';
const EXISTS = 'security: SecKeychainItemImport: The specified item already exists in the keychain.\n';
const INTERACTION = 'security: SecKeychainItemImport: User interaction is not allowed.\n';
const NO_KEYCHAIN = 'security: SecKeychainDelete: The specified keychain could not be found.\n';
// §9 (reconstructed: no trailing newline)
const DELETE_NO_MATCH = 'Unable to delete certificate matching "0123456789ABCDEF0123456789ABCDEF01234567"';

const hashes = (c: TestCert) => {
  const h = (alg: string) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', `-${alg}`], { input: c.pem, encoding: 'utf8' }).split('=')[1]!.replace(/:/g, '').trim();
  return { sha256: h('sha256'), sha1: h('sha1') };
};
/** §8.2 layout (reconstructed from keychain_find.c): SHA-256, SHA-1, PEM per match. */
const findCertificate = (certs: TestCert[], withSha256 = true) =>
  certs.map((c) => `${withSha256 ? `SHA-256 hash: ${hashes(c).sha256}\n` : ''}SHA-1 hash: ${hashes(c).sha1}\n${c.pem.trim()}\n`).join('');

describe('parsers on the collected outputs', () => {
  it('find-identity: -v lines, the full two-section layout, trust errors, zero found', () => {
    expect(parseFindIdentity(FIND_IDENTITY_V).map((r) => r.sha1)).toEqual(['3F60B8D9578EAEF1E13A7EEC1394D4CE34139555', '7952E8BC89E7BF5FCED31AF352783B7A34FADC0D']);
    const full = findIdentityFull([
      ['3F60B8D9578EAEF1E13A7EEC1394D4CE34139555', 'Taro'],
      ['7952E8BC89E7BF5FCED31AF352783B7A34FADC0D', 'Vorssaint Utils Signing', 'CSSMERR_TP_NOT_TRUSTED'],
    ]);
    expect(parseFindIdentity(full)).toEqual([
      { sha1: '3F60B8D9578EAEF1E13A7EEC1394D4CE34139555', label: 'Taro' },
      { sha1: '7952E8BC89E7BF5FCED31AF352783B7A34FADC0D', label: 'Vorssaint Utils Signing', error: 'CSSMERR_TP_NOT_TRUSTED' },
    ]);
    expect(parseFindIdentity(FIND_IDENTITY_NONE)).toEqual([]);
    // The author-redacted hash of §7.1 is not an identity.
    expect(parseFindIdentity('  1) DF40E24B... "Vorssaint Utils Signing" (CSSMERR_TP_NOT_TRUSTED)')).toEqual([]);
  });

  it('import counts: identity, key + certificate, and nothing at all (macOS 15 -f pkcs12)', () => {
    expect(parseImportCounts(IMPORT_PKCS12)).toEqual({ identities: 1, keys: 0, certificates: 0 });
    expect(parseImportCounts(IMPORT_OPENSSL)).toEqual({ identities: 0, keys: 1, certificates: 1 });
    expect(parseImportCounts('2 identities imported.\n')).toEqual({ identities: 2, keys: 0, certificates: 0 });
    expect(parseImportCounts('')).toEqual({ identities: 0, keys: 0, certificates: 0 });
  });

  it('errors: "security: <function>: <message>" mapped with what to do', () => {
    expect(parseSecurityError(MAC_FAILED)).toEqual({ fn: 'SecKeychainItemImport', message: 'MAC verification failed during PKCS12 import (wrong password?)' });
    expect(macFailure(fail(1, MAC_FAILED), 'write', 'k', 'legacy')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'PKCS12_REJECTED' } });
    expect(macFailure(fail(1, PASSPHRASE), 'write', 'k', 'modern').message).toMatch(/older than it reports/);
    expect(macFailure(fail(1, DECODE), 'write', 'k')).toMatchObject({ detail: { reason: 'BAD_DER' } });
    expect(macFailure(fail(1, INTERACTION), 'write', 'k')).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'KEYCHAIN_LOCKED' } });
    expect(macFailure(fail(1, NO_KEYCHAIN), 'read', 'k')).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'KEYCHAIN_MISSING' } });
    expect(macFailure(fail(1, DELETE_NO_MATCH), 'write', 'k')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'TOOL_ERROR' } });
  });

  it('find-certificate blocks: hashes then PEM; SHA-1 only before macOS 10.15; nothing for no match', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMAMCAf8=\n-----END CERTIFICATE-----\n';
    const two = `SHA-256 hash: ${'AB'.repeat(32)}\nSHA-1 hash: ${'CD'.repeat(20)}\n${pem}SHA-1 hash: ${'EF'.repeat(20)}\n${pem}`;
    const blocks = parseFindCertificate(two);
    expect(blocks.map((b) => [b.sha256, b.sha1])).toEqual([['AB'.repeat(32), 'CD'.repeat(20)], [null, 'EF'.repeat(20)]]);
    expect(Buffer.from(blocks[0]!.der).toString('hex')).toBe('30030201ff');
    expect(parseFindCertificate('')).toEqual([]);
  });

  it('PKCS#12 profile: AES only from macOS 15', () => {
    expect(macosProfile('14.4.1')).toBe('legacy');
    expect(macosProfile('10.15.7')).toBe('legacy');
    expect(macosProfile('15.0')).toBe('modern');
    expect(macosProfile('26.1')).toBe('modern');
    expect(macosProfile('garbage')).toBe('legacy');
  });
});

describe('commands', () => {
  let pki: TestPki;
  let leaf: TestCert;
  let tempRoot: string;
  const keychain = '/Users/taro/Library/Keychains/login.keychain-db';
  const listing = (certs: TestCert[], withKey: TestCert[], withSha256 = true) => [
    () => ok(findCertificate(certs, withSha256)),
    () => ok(findIdentityFull(withKey.map((c) => [hashes(c).sha1, 'Mac User']))),
  ];
  const expectListing = (c1: Call, c2: Call) => {
    expect([c1.cmd, ...c1.args]).toEqual([SECURITY, 'find-certificate', '-a', '-Z', '-p', keychain]);
    expect([c2.cmd, ...c2.args]).toEqual([SECURITY, 'find-identity', keychain]);
  };
  const p12Info = (c: Call) => {
    const file = c.args[1]!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const r = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-legacy', '-in', file, '-passin', `pass:${c.args[c.args.indexOf('-P') + 1]}`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout + r.stderr;
  };

  beforeAll(() => {
    pki = makeTestPki('Mac Test Bank');
    leaf = pki.client({ subject: '/C=JP/O=Example/CN=Mac User', days: 300 });
    tempRoot = mkdtempSync(join(tmpdir(), 'certdesk-mac-'));
  });
  afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

  it('list: find-certificate -a -Z -p and find-identity on the login keychain; old macOS without SHA-256 lines too', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '14.4', keychain, tempRoot });
    r.push(...listing([leaf, pki.issuing], [leaf]));
    const ids = await store.list([pki.root.der]);
    expectListing(r.calls[0]!, r.calls[1]!);
    expect(ids.map((i) => [i.fingerprint, i.hasPrivateKey, i.nickname])).toEqual([[hashes(leaf).sha256.toLowerCase(), true, 'Mac User']]);
    r.push(...listing([leaf, pki.issuing], [], false));
    expect((await store.list([pki.root.der])).map((i) => i.hasPrivateKey)).toEqual([false]);
    r.push(() => ok(''), () => ok(FIND_IDENTITY_NONE));
    expect(await store.list([pki.root.der])).toEqual([]);
  });

  it('install on macOS 14: legacy PKCS#12, security import -f pkcs12 -x, confirmed by listing', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '14.4', keychain, tempRoot });
    let info = '';
    let file = '';
    r.push(...listing([], []), (c) => ((info = p12Info(c)), (file = c.args[1]!), ok(IMPORT_PKCS12)), ...listing([leaf, pki.issuing], [leaf]));
    const id = await store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [pki.issuing.der, pki.root.der], friendlyName: 'Mac User 2026-09-01' });
    expect(id.hasPrivateKey).toBe(true);
    const c = r.calls[2]!;
    expect(c.cmd).toBe(SECURITY);
    expect(c.args).toEqual(['import', file, '-k', keychain, '-f', 'pkcs12', '-x', '-P', c.args[8]]);
    expect(info).toMatch(/3-KeyTripleDES/);
    expect(info).toMatch(/MAC: sha1/);
    expect(info).not.toMatch(/AES/);
    expect(existsSync(file)).toBe(false);
  });

  it('install on macOS 15: modern PKCS#12; empty output on success is fine, the listing decides', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '15.1', keychain, tempRoot });
    let info = '';
    r.push(...listing([], []), (c) => ((info = p12Info(c)), ok('')), ...listing([leaf], [leaf]));
    await store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' });
    expect(info).toMatch(/AES-256-CBC/);
    expect(r.calls[2]!.args).toContain('pkcs12');
  });

  it('install failures: refused PKCS#12, imported without key, locked keychain; "already exists" is confirmed by listing', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '15.1', keychain, tempRoot });
    const opts = { privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' };
    r.push(...listing([], []), () => fail(1, MAC_FAILED));
    await expect(store.install(opts)).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'PKCS12_REJECTED' } });
    r.push(...listing([], []), () => ok(IMPORT_OPENSSL), ...listing([leaf], []));
    await expect(store.install(opts)).rejects.toMatchObject({ code: 'KEY_MISSING' });
    r.push(...listing([], []), () => fail(1, INTERACTION));
    await expect(store.install(opts)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'KEYCHAIN_LOCKED' } });
    r.push(...listing([], []), () => fail(1, EXISTS), ...listing([leaf], [leaf]));
    await expect(store.install(opts)).resolves.toMatchObject({ hasPrivateKey: true });
    expect(r.pending()).toBe(0);
  });

  it('remove: delete-identity -Z <SHA-1> on the keychain (delete-certificate when there is no key), confirmed by listing', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '15.1', keychain, tempRoot });
    const fp = hashes(leaf).sha256;
    r.push(...listing([leaf], [leaf]), () => ok(''), ...listing([], []));
    await store.remove(fp);
    expect([r.calls[2]!.cmd, ...r.calls[2]!.args]).toEqual([SECURITY, 'delete-identity', '-Z', hashes(leaf).sha1, keychain]);
    r.push(...listing([leaf], []), () => ok(''), ...listing([], []));
    await store.remove(fp);
    expect(r.calls[7]!.args.slice(0, 3)).toEqual(['delete-certificate', '-Z', hashes(leaf).sha1]);
    r.push(...listing([leaf], [leaf]), () => fail(1, DELETE_NO_MATCH), ...listing([leaf], [leaf]));
    await expect(store.remove(fp)).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    r.push(...listing([], []));
    await store.remove(fp); // not there: nothing to do
  });

  it('CA certificates: add-certificates for the issuing CA; the root never, and nothing as a trust root', async () => {
    const r = scriptedRunner();
    const store = createMacStore(r.run, { productVersion: '15.1', keychain, tempRoot });
    r.push(...listing([], []), (c) => {
      // Added without trust settings: chain material, never a trust root.
      expect(c.args).toEqual(['add-certificates', '-k', keychain, expect.stringMatching(/ca\.cer$/)]);
      return ok('');
    });
    await store.installCaCertificates([pki.issuing.der, pki.root.der]);
    expect(r.calls).toHaveLength(3);
    expect(r.calls.some((c) => c.args.includes('add-trusted-cert') || c.args.includes('trustRoot'))).toBe(false);
    expect(r.pending()).toBe(0);
  });

  it('leaves no temporary file behind', () => {
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
