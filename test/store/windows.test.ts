// The Windows adapter cannot run here: these tests check the exact commands and parse the
// real outputs collected in fixtures/os-store-outputs.md (quoted below with their section).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { createWindowsStore, windowsBuildOf, windowsProfile } from '../../src/main/core/store';
import { certutilSucceeded, parseCertRows, parseCertutilFailure, parseCertutilStoreHashes, parsePsDate, parsePsJson } from '../../src/main/core/store/windows/parse';
import { PAIR_SCRIPT } from '../../src/main/core/store/windows/key-scripts';
import { IMPORT_CA_SCRIPT, IMPORT_SCRIPT, LIST_SCRIPT, PS_ARGS, REMOVE_SCRIPT, winFailure } from '../../src/main/core/store/windows/store';
import { fail, ok, scriptedRunner, type Call } from './fake-runner';
import { makeTestPki, type TestCert, type TestPki } from '../support/pki-fixture';

// §1.1
const IMPORTPFX_OK = 'Certificate "Administrator" added to store.\n\nCertUtil: -importPFX command completed successfully.\n';
const IMPORTPFX_OK_KSP = 'CertUtil: -importPFX command completed successfully.\n';
const IMPORTPFX_OK_LOWER = 'CertUtil: -importpfx command completed successfully.\n';
// §1.2, §1.3, §1.4, §1.5 (reconstructed), §1.6
const BAD_PASSWORD = 'CertUtil: -importPFX command FAILED: 0x80070056 (WIN32: 86 ERROR_INVALID_PASSWORD)\nCertUtil: The specified network password is not correct.\n';
const NOT_FOUND = 'CertUtil: -importPFX command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\nCertUtil: The system cannot find the file specified.\nMy "Personal"\nCertUtil: -delstore command completed successfully.\n';
const SELF_SIGNED = 'Enter PFX password:\nCertUtil: -importPFX command FAILED: 0x80092007 (-2146885625 CRYPT_E_SELF_SIGNED)\nCertUtil: The specified certificate is self signed.\n';
const BAD_ENCODE = 'CertUtil: -importPFX command FAILED: 0x80092002 (-2146885630 CRYPT_E_BAD_ENCODE)\nCertUtil: An error occurred during encode or decode operation.\n';
const VERIFY_NOT_FOUND = 'CertUtil: -verify command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND)\nCertUtil: Cannot find object or property.\n';
// §2.2
const PS_PFX_PASSWORD = 'The PFX file you are trying to import requires either a different password or membership in an Active Directory principal to which it is protected.';
// §3.1, §3.2
const PS7_DATE = '{\n  "datetime": "2019-11-19T22:32:50Z"\n}';
const PS51_DATE = '{\n    "datetime":  "\\/Date(1574202819000)\\/"\n}';
const PS51_ETS = '{\n    "value":  "\\/Date(1720919582928)\\/",\n    "DisplayHint":  2,\n    "DateTime":  "Sunday 14 July 2024 02:13:02"\n}';
// §3.3
const PS_ONE = '1';
// §4.1 (spaced hash), §4.2 (two certificates), §4.4 (French)
const STORE_41 = 'Cert Hash(sha1): 32 c6 b7 33 0f 30 64 41 f9 16 95 0d d5 65 a7 30 9c 50 b9 c2\n  Key Container = JoeSoft\nPrivate key is NOT exportable\n';
const STORE_42 = 'My "Personal"\n================ Certificate 0 ================\nCert Hash(sha1): b5dda40e3b765bdedf01097556f48d3b8a68a194\n  Provider = Microsoft Enhanced Cryptographic Provider v1.0\nPrivate key is NOT exportable\nSignature test passed\n\n================ Certificate 1 ================\nCert Hash(sha1): 43a58496d237b3e0e1e463172f4d64e87b59dad7\nEncryption test passed\nCertUtil: -store command completed successfully.\n';
const STORE_FR = '================ Certificat 11 ================\nNuméro de série : 4a19d2388c82591ca55d735f155ddca3\nHach. cert. (sha1) : 18f7c1fcc3090203fd5baa2f861a754976c8dd25\nAucune information sur le fournisseur de clé\n';
// §5
const DELETEKEY_PIPED = "Remove-Item : A parameter cannot be found that matches parameter name 'DeleteKey'.\nAt line:1 char:21\n+ $cert | Remove-Item -DeleteKey\n    + CategoryInfo          : InvalidArgument: (:) [Remove-Item], ParameterBindingException\n    + FullyQualifiedErrorId : NamedParameterNotFound,Microsoft.PowerShell.Commands.RemoveItemCommand\n";

describe('parsers on the collected outputs', () => {
  it('certutil success lines, with or without "added to store", any case', () => {
    for (const s of [IMPORTPFX_OK, IMPORTPFX_OK_KSP, IMPORTPFX_OK_LOWER]) expect(certutilSucceeded(s, 'importPFX')).toBe(true);
    expect(certutilSucceeded(BAD_PASSWORD, 'importPFX')).toBe(false);
    expect(certutilSucceeded(NOT_FOUND, 'importPFX')).toBe(false); // the -delstore success line is another verb's
  });

  it('certutil FAILED lines: verb, HRESULT and symbol, whatever the localised second line', () => {
    expect(parseCertutilFailure(BAD_PASSWORD)).toEqual({ verb: 'importPFX', hresult: '0x80070056', symbol: 'ERROR_INVALID_PASSWORD' });
    expect(parseCertutilFailure(NOT_FOUND)).toEqual({ verb: 'importPFX', hresult: '0x80070002', symbol: 'ERROR_FILE_NOT_FOUND' });
    expect(parseCertutilFailure(SELF_SIGNED)).toEqual({ verb: 'importPFX', hresult: '0x80092007', symbol: 'CRYPT_E_SELF_SIGNED' });
    expect(parseCertutilFailure(VERIFY_NOT_FOUND)).toEqual({ verb: 'verify', hresult: '0x80092004', symbol: 'CRYPT_E_NOT_FOUND' });
    expect(parseCertutilFailure(IMPORTPFX_OK)).toBeNull();
  });

  it('certutil -store hashes: spaced and unspaced, English and French', () => {
    expect(parseCertutilStoreHashes(STORE_41)).toEqual(['32C6B7330F306441F916950DD565A7309C50B9C2']);
    expect(parseCertutilStoreHashes(STORE_42)).toEqual(['B5DDA40E3B765BDEDF01097556F48D3B8A68A194', '43A58496D237B3E0E1E463172F4D64E87B59DAD7']);
    expect(parseCertutilStoreHashes(STORE_FR)).toEqual(['18F7C1FCC3090203FD5BAA2F861A754976C8DD25']);
  });

  it('PowerShell dates: 5.1 \\/Date(ms)\\/, the 5.1 ETS wrapper, 7 ISO with Z or an offset', () => {
    expect(parsePsDate((JSON.parse(PS7_DATE) as { datetime: string }).datetime)?.toISOString()).toBe('2019-11-19T22:32:50.000Z');
    expect(parsePsDate((JSON.parse(PS51_DATE) as { datetime: string }).datetime)?.getTime()).toBe(1574202819000);
    expect(parsePsDate(JSON.parse(PS51_ETS))?.getTime()).toBe(1720919582928);
    expect(parsePsDate('2021-08-05T16:13:05.6394416-07:00')?.toISOString()).toBe('2021-08-05T23:13:05.639Z');
    expect(parsePsDate('/Date(1574202819000-0700)/')?.getTime()).toBe(1574202819000);
    expect(parsePsDate(42)).toBeNull();
  });

  it('ConvertTo-Json shapes: empty output, a single object or scalar, an array', () => {
    expect(parsePsJson('')).toEqual([]);
    expect(parsePsJson('\r\n')).toEqual([]);
    expect(parsePsJson(PS_ONE)).toEqual([1]);
    expect(parsePsJson('[1]')).toEqual([1]);
    expect(parsePsJson('\uFEFF{"a":1}')).toEqual([{ a: 1 }]);
  });

  it('certificate rows in 5.1 (one object, 4-space, \\/Date\\/) and 7 (array, ISO) read the same', () => {
    const raw = Buffer.from('30030201ff', 'hex').toString('base64');
    const v51 = `{\n    "Store":  "My",\n    "Thumbprint":  "3B138D84C077C292579BA35E4410634E164075CD",\n    "HasPrivateKey":  true,\n    "FriendlyName":  "",\n    "NotAfter":  "\\/Date(1745634978000)\\/",\n    "Raw":  "${raw}"\n}`;
    const v7 = `[\n  {\n    "Store": "My",\n    "Thumbprint": "3B138D84C077C292579BA35E4410634E164075CD",\n    "HasPrivateKey": true,\n    "FriendlyName": "",\n    "NotAfter": "2025-04-25T19:36:18-07:00",\n    "Raw": "${raw}"\n  }\n]`;
    const a = parseCertRows(v51);
    const b = parseCertRows(v7);
    expect(a).toHaveLength(1);
    expect(a[0]!.notAfter?.getTime()).toBe(b[0]!.notAfter?.getTime());
    expect({ ...a[0], notAfter: null }).toEqual({ ...b[0], notAfter: null });
    // Redacted thumbprints (§2.3) are not rows.
    expect(parseCertRows('{"Thumbprint":"xxXXxxXXxxXXxxXXxxXXxxXXxxXXxxXXxxXXxxXX"}')).toEqual([]);
  });

  it('errors map on the HRESULT or the English .NET text, with what to do', () => {
    expect(winFailure(fail(1, BAD_PASSWORD), 'write', 'modern')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'PKCS12_REJECTED', hresult: '0x80070056' } });
    expect(winFailure(fail(1, PS_PFX_PASSWORD), 'write', 'legacy')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'PKCS12_REJECTED' } });
    expect(winFailure(fail(1, BAD_ENCODE), 'write')).toMatchObject({ detail: { reason: 'BAD_DER' } });
    expect(winFailure(fail(1, SELF_SIGNED), 'write')).toMatchObject({ detail: { reason: 'SELF_SIGNED' } });
    expect(winFailure(fail(1, DELETEKEY_PIPED), 'write')).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'TOOL_ERROR' } });
    expect(winFailure(fail(1, 'boom'), 'read')).toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('PKCS#12 profile per Windows version', () => {
  it('AES from Windows 10 1709 (build 16299), 3DES before', () => {
    expect(windowsBuildOf('10.0.19045')).toBe(19045);
    expect(windowsProfile(windowsBuildOf('10.0.14393'))).toBe('legacy'); // Server 2016
    expect(windowsProfile(16299)).toBe('modern');
    expect(windowsProfile(windowsBuildOf('6.3.9600'))).toBe('legacy');
  });
});

describe('commands', () => {
  let pki: TestPki;
  let leaf: TestCert;
  let tempRoot: string;
  const row = (c: TestCert, store: string, hasKey: boolean) => ({
    Store: store,
    Thumbprint: execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha1'], { input: c.pem, encoding: 'utf8' }).split('=')[1]!.replace(/:/g, '').trim(),
    HasPrivateKey: hasKey,
    FriendlyName: '',
    NotAfter: '\\/Date(1745634978000)\\/',
    Raw: Buffer.from(c.der).toString('base64'),
  });
  const ps51 = (rows: object[]) => (rows.length === 0 ? '' : JSON.stringify(rows.length === 1 ? rows[0] : rows, null, 4).replace(/\\\\\//g, '\\/'));
  const expectPs = (c: Call, script: string) => {
    // By full path (Node on Windows runs a bare name from the current folder first).
    expect(c.cmd).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(c.args).toEqual([...PS_ARGS, script]);
    expect(PS_ARGS).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
  };
  /** What the PFX handed to Windows uses, read with openssl from the file during the call. */
  const pfxAlgorithms = (c: Call) => {
    const file = c.opts?.env?.CERTDESK_PFX_FILE ?? c.args[c.args.indexOf('-importPFX') + 2]!;
    const password = c.opts?.env?.CERTDESK_PFX_PASSWORD ?? c.args[c.args.indexOf('-p') + 1]!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // openssl prints the -info lines on stderr.
    const r = spawnSync('openssl', ['pkcs12', '-info', '-noout', '-legacy', '-in', file, '-passin', 'env:PW'], { env: { ...process.env, PW: password }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout + r.stderr;
  };

  beforeAll(() => {
    pki = makeTestPki('Win Test Bank');
    leaf = pki.client({ subject: '/C=JP/O=Example/CN=Windows User', days: 300 });
    tempRoot = mkdtempSync(join(tmpdir(), 'certdesk-win-'));
  });
  afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

  it('list: one Get-ChildItem script, rows of My that chain to the anchor through CurrentUser\\CA', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    const junk = { ...row(leaf, 'My', true), Thumbprint: 'AB'.repeat(20), Raw: 'MAMCAf8=' }; // a DER no parser takes: skipped
    r.push(() => ok(ps51([row(leaf, 'My', true), junk, row(pki.issuing, 'CA', false)])));
    const ids = await store.list([pki.root.der]);
    expectPs(r.calls[0]!, LIST_SCRIPT);
    expect(LIST_SCRIPT).toContain('Cert:\\CurrentUser\\');
    expect(LIST_SCRIPT).toContain('ConvertTo-Json -InputObject @($rows)');
    expect(ids).toHaveLength(1);
    expect(ids[0]!.hasPrivateKey).toBe(true);
    // Empty store: empty output.
    r.push(() => ok(''));
    expect(await store.list([pki.root.der])).toEqual([]);
  });

  it('install (build 19045): modern PFX via env vars to Import-PfxCertificate without -Exportable, confirmed by listing', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    let info = '';
    r.push(
      () => ok(''),
      (c) => {
        info = pfxAlgorithms(c);
        return ok('"' + row(leaf, 'My', true).Thumbprint + '"');
      },
      () => ok(ps51([row(leaf, 'My', true)])),
    );
    const id = await store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [pki.issuing.der], friendlyName: 'Windows User 2026-09-01' });
    expect(id.hasPrivateKey).toBe(true);
    const imp = r.calls[1]!;
    expectPs(imp, IMPORT_SCRIPT);
    expect(IMPORT_SCRIPT).not.toMatch(/Exportable/);
    expect(IMPORT_SCRIPT).toContain('-CertStoreLocation Cert:\\CurrentUser\\My');
    expect(Object.keys(imp.opts?.env ?? {}).sort()).toEqual(['CERTDESK_PFX_FILE', 'CERTDESK_PFX_PASSWORD']);
    for (const a of imp.args) expect(a).not.toContain(imp.opts!.env!.CERTDESK_PFX_PASSWORD);
    expect(info).toMatch(/AES-256-CBC/);
    expect(existsSync(imp.opts!.env!.CERTDESK_PFX_FILE!)).toBe(false);
    expect(r.pending()).toBe(0);
  });

  it('install (Server 2016, build 14393): legacy 3DES/SHA-1 PFX', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 14393, tempRoot });
    let info = '';
    r.push(() => ok(''), (c) => ((info = pfxAlgorithms(c)), ok('')), () => ok(ps51([row(leaf, 'My', true)])));
    await store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' });
    expect(info).toMatch(/3-KeyTripleDES/);
    expect(info).not.toMatch(/AES/);
  });

  it('install with certutil.exe: -user -p … -importPFX My FILE NoExport,NoRoot, success line checked', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot, importWith: 'certutil' });
    r.push(() => ok(''), (c) => (pfxAlgorithms(c), ok(IMPORTPFX_OK)), () => ok(ps51([row(leaf, 'My', true)])));
    await store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' });
    const c = r.calls[1]!;
    expect(c.cmd).toBe('C:\\Windows\\System32\\certutil.exe');
    expect(c.args.slice(0, 2)).toEqual(['-user', '-p']);
    expect(c.args.slice(3, 5)).toEqual(['-importPFX', 'My']);
    expect(c.args[6]).toBe('NoExport,NoRoot');
  });

  it('a silent import (no error, but not listed with its key) is a failure, never trusted', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    r.push(() => ok(''), () => ok(''), () => ok(ps51([row(leaf, 'My', false)])));
    await expect(store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' })).rejects.toMatchObject({ code: 'KEY_MISSING' });
    r.push(() => ok(''), () => ok(''), () => ok(''));
    await expect(store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' })).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'NOT_LISTED' } });
    r.push(() => ok(''), () => fail(1, `Import-PfxCertificate : ${PS_PFX_PASSWORD}`));
    await expect(store.install({ privateKeyPkcs8: leaf.pkcs8, certificateDer: leaf.der, chainDer: [], friendlyName: 'x' })).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'PKCS12_REJECTED' } });
  });

  it('remove: Remove-Item -Path Cert:\\CurrentUser\\My\\<thumbprint> -DeleteKey, confirmed by listing', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    const thumb = row(leaf, 'My', true).Thumbprint;
    r.push(() => ok(ps51([row(leaf, 'My', true)])), () => ok(''), () => ok(''));
    const sha256 = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: leaf.pem, encoding: 'utf8' }).split('=')[1]!.replace(/:/g, '').trim();
    await store.remove(sha256);
    expectPs(r.calls[1]!, REMOVE_SCRIPT);
    expect(REMOVE_SCRIPT).toContain('-DeleteKey');
    expect(REMOVE_SCRIPT).toMatch(/Remove-Item -Path/);
    expect(r.calls[1]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumb });
    // Still listed afterwards: an error.
    r.push(() => ok(ps51([row(leaf, 'My', true)])), () => ok(''), () => ok(ps51([row(leaf, 'My', true)])));
    await expect(store.remove(sha256)).rejects.toBeInstanceOf(CoreError);
  });

  it('CA certificates: the issuing CA into CurrentUser\\CA; never the root, never CurrentUser\\Root', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    r.push(() => ok(''), () => ok(''));
    await store.installCaCertificates([pki.issuing.der, pki.root.der]);
    expect(r.calls).toHaveLength(2);
    expectPs(r.calls[1]!, IMPORT_CA_SCRIPT);
    expect(r.calls[1]!.opts?.env?.CERTDESK_STORE).toBe('CA');
    // The root stays out of CurrentUser\\Root.
    expect(r.calls.map((c) => c.opts?.env?.CERTDESK_STORE)).not.toContain('Root');
  });

  it('verifyInstalled: present, paired by a signature, chain from CurrentUser\\My + \\CA and the anchor; Windows trusting the root plays no part (issue 17)', async () => {
    const fp = (c: TestCert) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: c.pem, encoding: 'utf8' }).split('=')[1]!.replace(/:/g, '').trim();
    const paired = (o: object = {}) => ok(JSON.stringify({ Paired: true, Algorithm: 'RSA', Provider: 'Microsoft Software Key Storage Provider', Exportable: false, ...o }));
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    r.push(() => ok(ps51([row(leaf, 'My', true), row(pki.issuing, 'CA', false)])), paired);
    const id = await store.verifyInstalled(fp(leaf), [pki.root.der]);
    expect(id.hasPrivateKey).toBe(true);
    expectPs(r.calls[0]!, LIST_SCRIPT);
    expectPs(r.calls[1]!, PAIR_SCRIPT);
    expect(r.calls[1]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: row(leaf, 'My', true).Thumbprint });
    // The pairing is a signature made by the key and verified with the certificate, in JSON (no localised certutil text).
    expect(PAIR_SCRIPT).toContain('GetRSAPrivateKey($c)');
    expect(PAIR_SCRIPT).toContain('GetECDsaPrivateKey($c)');
    expect(PAIR_SCRIPT).toContain('VerifyData($data');
    expect(PAIR_SCRIPT).not.toMatch(/Root|certutil|X509Chain/);

    // A one-tier CA: the leaf issued by the root itself, which no Windows store holds.
    const dir = pki.dir;
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'onetier.key', '-out', 'onetier.csr', '-subj', '/CN=One Tier User'], { cwd: dir, stdio: 'ignore' });
    execFileSync('openssl', ['x509', '-req', '-in', 'onetier.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-out', 'onetier.pem', '-days', '30', '-extfile', 'client.ext'], { cwd: dir, stdio: 'ignore' });
    const pem = readFileSync(join(dir, 'onetier.pem'), 'utf8');
    const oneTier = { pem, der: new Uint8Array(execFileSync('openssl', ['x509', '-outform', 'DER'], { input: pem })), keyPem: '', pkcs8: new Uint8Array() };
    r.push(() => ok(ps51([row(oneTier, 'My', true)])), paired);
    expect((await store.verifyInstalled(fp(oneTier), [pki.root.der])).fingerprint).toBe(fp(oneTier).toLowerCase());

    // A key that does not sign for the certificate: KEY_MISSING, whatever HasPrivateKey said.
    r.push(() => ok(ps51([row(leaf, 'My', true), row(pki.issuing, 'CA', false)])), () => paired({ Paired: false }));
    await expect(store.verifyInstalled(fp(leaf), [pki.root.der])).rejects.toMatchObject({ code: 'KEY_MISSING', detail: { reason: 'KEY_NOT_PAIRED' } });
    // The issuing CA in no store: the chain cannot be built from the store and the anchor.
    r.push(() => ok(ps51([row(leaf, 'My', true)])), paired);
    await expect(store.verifyInstalled(fp(leaf), [pki.root.der])).rejects.toMatchObject({ code: 'VERIFY_FAILED', detail: { reason: 'UNTRUSTED_CHAIN' } });
    // A PowerShell in Constrained Language Mode may not run the check: HasPrivateKey stands, as before it.
    const clm = "Cannot invoke method. Method invocation is supported only on core types in this language mode.\r\n    + FullyQualifiedErrorId : MethodInvocationNotSupportedInConstrainedLanguage\r\n";
    r.push(() => ok(ps51([row(leaf, 'My', true), row(pki.issuing, 'CA', false)])), () => fail(1, clm));
    expect((await store.verifyInstalled(fp(leaf), [pki.root.der])).hasPrivateKey).toBe(true);
    // PowerShell failing the check: mapped like any other PowerShell failure.
    r.push(() => ok(ps51([row(leaf, 'My', true)])), () => fail(1, 'Get-Item : Access is denied'));
    await expect(store.verifyInstalled(fp(leaf), [pki.root.der])).rejects.toMatchObject({ detail: { reason: 'ACCESS_DENIED' } });
    expect(r.pending()).toBe(0);
  });

  it('leaves no temporary file behind', () => {
    mkdirSync(tempRoot, { recursive: true });
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
