// The Windows key custodian (certreq + CertEnroll) cannot run here: these tests check the
// exact commands, the INF byte for byte, and the adapter's reading of certreq's outputs
// (test/fixtures/windows, provenance in its README). The requests, placeholders and
// certificates are real: made with WebCrypto and openssl from real keys.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyType } from '../../src/shared/policy';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, derToPem, exportPkcs8, generateKeyPair, subjectDerOf } from '../../src/main/core/pki';
import { buildNameDer } from '../../src/main/core/pki/name';
import { CERTREQ, CERTREQ_ATTRIBUTE_OIDS, createWindowsKeyCustodian } from '../../src/main/core/store/windows/certreq';
import { hresultOf } from '../../src/main/core/store/windows/certreq-errors';
import { buildInf, infBytes, infString, subjectToX500 } from '../../src/main/core/store/windows/certreq-inf';
import { readRequestFile } from '../../src/main/core/store/windows/certreq-request';
import { INSTALL_RESPONSE_SCRIPT, KEY_LIST_SCRIPT, PAIR_SCRIPT, REMOVE_PENDING_SCRIPT } from '../../src/main/core/store/windows/key-scripts';
import { IMPORT_CA_SCRIPT } from '../../src/main/core/store/windows/store';
import { fail, ok, scriptedRunner, type Call } from './fake-runner';
import { caught, expectPs, listing, row, thumbOf } from './scripted';
import { makeTestPki, type TestPki } from './pki-fixture';

const FIX = join(__dirname, '..', 'fixtures', 'windows');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

const CN = '2.5.4.3';
const O = '2.5.4.10';
const C = '2.5.4.6';
// 山田 太郎, "経理" 100%: a Japanese CN with a comma, quotes and a percent sign.
const JP_SUBJECT = buildNameDer([
  { oid: C, value: 'JP' },
  { oid: O, value: 'テスト銀行' },
  { oid: CN, value: '山田 太郎, "経理" 100%' },
]);

/** A real key and the request certreq would write for it, in certreq's PEM layout. */
interface Made {
  keyPem: string;
  csrDer: Uint8Array;
  spki: Uint8Array;
  keyId: string;
  reqText: string;
}
async function makeRequest(subjectDer: Uint8Array, keyType: KeyType = 'rsa2048'): Promise<Made> {
  const keys = await generateKeyPair(keyType);
  const csr = await buildCsr({ keys, subjectDer });
  const keyPem = derToPem(await exportPkcs8(keys.privateKey), 'PRIVATE KEY');
  const spki = new Uint8Array(new X509CertificateFromCsr(csr.der).spki);
  const b64 = Buffer.from(csr.der).toString('base64').replace(/(.{64})/g, '$1\r\n').replace(/\r\n$/, '');
  return { keyPem, csrDer: csr.der, spki, keyId: createHash('sha256').update(spki).digest('hex'), reqText: `-----BEGIN NEW CERTIFICATE REQUEST-----\r\n${b64}\r\n-----END NEW CERTIFICATE REQUEST-----\r\n` };
}

/** The SubjectPublicKeyInfo of a request, read with openssl (independent of the adapter's parser). */
class X509CertificateFromCsr {
  readonly spki: Buffer;
  constructor(csrDer: Uint8Array) {
    const pem = execFileSync('openssl', ['req', '-inform', 'DER', '-noout', '-pubkey'], { input: Buffer.from(csrDer) });
    this.spki = Buffer.from(pem.toString('utf8').replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  }
}

describe('the INF', () => {
  it('a Japanese UTF8String subject: RDNs in DER order, every value quoted, quotes and % doubled, FORCE_UTF8_DIR_STR', () => {
    const x = subjectToX500(JP_SUBJECT);
    expect(x).toEqual({ text: 'C="JP", O="テスト銀行", CN="山田 太郎, ""経理"" 100%"', flags: 0x80000 });
    const inf = buildInf({ subjectDer: JP_SUBJECT, keyType: 'rsa2048', storage: 'store', friendlyName: 'Yamada 2027-04-30' });
    expect(inf).toBe(
      [
        '[Version]',
        'Signature="$Windows NT$"',
        '',
        '[NewRequest]',
        'Subject = "C=""JP"", O=""テスト銀行"", CN=""山田 太郎, """"経理"""" 100%%"""',
        'X500NameFlags = 0x80000',
        'KeyAlgorithm = RSA',
        'KeyLength = 2048',
        'ProviderName = "Microsoft Software Key Storage Provider"',
        'Exportable = FALSE',
        'MachineKeySet = FALSE',
        'UseExistingKeySet = FALSE',
        'RequestType = PKCS10',
        'KeyUsage = 0x80',
        'HashAlgorithm = sha256',
        'SMIME = FALSE',
        'Silent = TRUE',
        'FriendlyName = "Yamada 2027-04-30"',
        '',
      ].join('\r\n'),
    );
    // UTF-16LE with a BOM: SetupAPI reads no UTF-8.
    const bytes = Buffer.from(infBytes(inf));
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe(inf);
  });

  it('PrintableString where the value allows it and UTF8String elsewhere: ENABLE_UTF8_UNICODE', () => {
    const mixed = buildNameDer([
      { oid: C, value: 'JP' },
      { oid: O, value: 'Example Bank', encoding: 'printable' },
      { oid: CN, value: '山田' },
    ]);
    expect(subjectToX500(mixed)).toEqual({ text: 'C="JP", O="Example Bank", CN="山田"', flags: 0x40000 });
  });

  it('key types and the TPM provider; an empty subject has no Subject line', () => {
    const tpm = buildInf({ subjectDer: new Uint8Array([0x30, 0]), keyType: 'ecdsaP256', storage: 'tpm', friendlyName: 'a\r\nb"c' });
    expect(tpm).not.toContain('Subject');
    expect(tpm).toContain('KeyAlgorithm = ECDSA_P256\r\nProviderName = "Microsoft Platform Crypto Provider"\r\n');
    expect(tpm).not.toContain('KeyLength');
    expect(tpm).toContain('FriendlyName = "a b""c"\r\n');
    expect(buildInf({ subjectDer: JP_SUBJECT, keyType: 'rsa3072', storage: 'store', friendlyName: 'x' })).toContain('KeyAlgorithm = RSA\r\nKeyLength = 3072\r\n');
    expect(infString('50%"')).toBe('"50%%"""');
  });

  it('subjects certreq cannot reproduce are refused before any key is made', () => {
    const utf8Ascii = buildNameDer([{ oid: O, value: 'Bank', encoding: 'printable' }, { oid: CN, value: 'Ascii' }]);
    const bmp = Buffer.from('300f310d300b06035504031e0400410042', 'hex'); // CN as BMPString
    const teletex = Buffer.from('300d310b3009060355040314024142', 'hex'); // CN as T61String
    const control = buildNameDer([{ oid: CN, value: 'a\tb' }]);
    const spaced = buildNameDer([{ oid: CN, value: 'trailing ' }]);
    const cPrintable = Buffer.from('300d310b3009060355040613024a50', 'hex'); // C as PrintableString: fine
    expect(subjectToX500(new Uint8Array(cPrintable)).text).toBe('C="JP"');
    for (const der of [utf8Ascii, bmp, teletex, control, spaced]) {
      let err: unknown;
      try {
        subjectToX500(new Uint8Array(der));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).detail?.reason).toBe('SUBJECT_NOT_REPRODUCIBLE');
      expect((err as CoreError).message).toMatch(/keyStorage "software"/);
    }
  });

  it('reads certreq\'s request file (NEW CERTIFICATE REQUEST, CRLF) and checks its signature', async () => {
    const made = await makeRequest(JP_SUBJECT);
    const parsed = readRequestFile(made.reqText);
    expect(Buffer.from(parsed.der).equals(Buffer.from(made.csrDer))).toBe(true);
    expect(Buffer.from(parsed.subjectDer).equals(Buffer.from(JP_SUBJECT))).toBe(true);
    // A flipped signature byte: refused.
    const tampered = Buffer.from(made.csrDer);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 5) ^ 1, tampered.length - 5);
    expect(() => readRequestFile(tampered.toString('base64'))).toThrow(/signature/);
    expect(() => readRequestFile('not base64 !')).toThrow(/not base64/);
  });

  it('HRESULTs from the text, else from the exit code (signed or unsigned)', () => {
    expect(hresultOf(fail(1, '', fixture('certreq-new-bad-provider.txt')))).toEqual({ code: '0x80090013', symbol: 'NTE_BAD_PROVIDER' });
    expect(hresultOf(fail(-2146893776, '', ''))).toEqual({ code: '0x80090030', symbol: '' });
    expect(hresultOf(fail(2148073520, '', ''))).toEqual({ code: '0x80090030', symbol: '' });
    expect(hresultOf(fail(1, '', 'garbled cp932 \x83\x65'))).toBeNull();
  });
});

describe('the custodian', () => {
  let pki: TestPki;
  let tempRoot: string;
  let scratch: string;

  /** certreq's placeholder in CurrentUser\REQUEST: a self-signed certificate with the new key. */
  const placeholder = (keyPem: string, subject = '/CN=placeholder'): Uint8Array => {
    const keyFile = join(scratch, `k${Math.random().toString(36).slice(2)}.pem`);
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    return new Uint8Array(execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', subject, '-days', '2', '-outform', 'DER']));
  };
  // A run's request as certreq leaves it after a failure: its placeholder carries the
  // request's subject and the INF's friendly name (the run's label), and no request file.
  const SUBJECT = '/C=JP/O=Test Bank/CN=Yamada Taro';
  const LABEL = 'CertDesk 7f3c2a10-5d4e-4b6a-9c8d-1e2f3a4b5c6d';
  const subjectOf = (der: Uint8Array) => subjectDerOf(der);
  /** The fake certreq: checks the INF it is given and writes the request where asked. */
  const certreqWrites = (reqText: string | null, out: string, code = 0, expectInf?: string) => (c: Call) => {
    expect(c.cmd).toBe(CERTREQ);
    expect(CERTREQ).toBe('C:\\Windows\\System32\\certreq.exe');
    expect(c.args.slice(0, 3)).toEqual(['-new', '-q', '-user']);
    const [infFile, reqFile] = c.args.slice(3);
    expect(c.args).toHaveLength(5);
    expect(dirname(infFile!)).toBe(dirname(reqFile!));
    expect(dirname(infFile!).startsWith(tempRoot)).toBe(true);
    expect(statSync(infFile!).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(infFile!)).mode & 0o777).toBe(0o700);
    if (expectInf !== undefined) expect(readFileSync(infFile!)).toEqual(Buffer.from(infBytes(expectInf)));
    if (reqText !== null) writeFileSync(reqFile!, reqText);
    return { code, stdout: out, stderr: '' };
  };

  beforeAll(() => {
    pki = makeTestPki('Certreq Bank');
    tempRoot = mkdtempSync(join(tmpdir(), 'certdesk-certreq-'));
    scratch = mkdtempSync(join(tmpdir(), 'certdesk-certreq-keys-'));
  });
  afterAll(() => {
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('createRequest (store, Japanese subject): a listing, then certreq -new -q -user INF REQ; the key ID is the SPKI SHA-256', async () => {
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
    const made = await makeRequest(JP_SUBJECT);
    const inf = buildInf({ subjectDer: JP_SUBJECT, keyType: 'rsa2048', storage: 'store', friendlyName: 'Yamada 2027-04-30' });
    r.push(() => listing(), certreqWrites(made.reqText, fixture('certreq-new-ok.txt'), 0, inf));
    const req = await cust.createRequest({ keyType: 'rsa2048', subjectDer: JP_SUBJECT, label: 'Yamada 2027-04-30' });
    expectPs(r.calls[0]!, KEY_LIST_SCRIPT);
    expect(r.calls).toHaveLength(2);
    expect(req.keyId).toBe(made.keyId);
    expect(Buffer.from(req.csrDer).equals(Buffer.from(made.csrDer))).toBe(true);
    expect(Buffer.from(req.publicKeySpki).equals(Buffer.from(made.spki))).toBe(true);
    expect(req.softwarePkcs8).toBeUndefined();
    // openssl agrees the request is signed and keeps the subject's UTF8Strings.
    const text = execFileSync('openssl', ['req', '-inform', 'DER', '-verify', '-noout', '-nameopt', 'utf8,show_type', '-subject'], { input: Buffer.from(req.csrDer), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(text).toContain('UTF8STRING:テスト銀行');
    expect(readdirSync(tempRoot)).toEqual([]);
    expect(cust.describe()).toContain('Microsoft Software Key Storage Provider');
    expect(cust.storage).toBe('store');
  });

  it('createRequest (tpm, ECDSA P-256): the Platform Crypto Provider; the Japanese success line is fine', async () => {
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'tpm', tempRoot });
    const made = await makeRequest(JP_SUBJECT, 'ecdsaP256');
    const inf = buildInf({ subjectDer: JP_SUBJECT, keyType: 'ecdsaP256', storage: 'tpm', friendlyName: 'x' });
    r.push(() => listing(), certreqWrites(made.reqText, fixture('certreq-new-ok-ja.txt'), 0, inf));
    const req = await cust.createRequest({ keyType: 'ecdsaP256', subjectDer: JP_SUBJECT, label: 'x' });
    expect(req.keyId).toBe(made.keyId);
    expect(inf).toContain('ProviderName = "Microsoft Platform Crypto Provider"');
  });

  it('refused before any command: RSA-3072 in a TPM, request attributes, an unreproducible subject, another keyStorage', async () => {
    const r = scriptedRunner();
    const tpm = createWindowsKeyCustodian(r.run, { storage: 'tpm', tempRoot });
    expect((await caught(tpm.createRequest({ keyType: 'rsa3072', subjectDer: JP_SUBJECT, label: 'x' }))).code).toBe('POLICY_INVALID');
    expect((await caught(tpm.createRequest({ keyType: 'rsa2048', subjectDer: JP_SUBJECT, label: 'x', attributesDer: [new Uint8Array([0x30, 0])] }))).detail?.reason).toBe('ATTRIBUTES_UNSUPPORTED');
    expect(CERTREQ_ATTRIBUTE_OIDS).toEqual([]);
    const bmp = new Uint8Array(Buffer.from('300f310d300b06035504031e0400410042', 'hex'));
    expect((await caught(tpm.createRequest({ keyType: 'rsa2048', subjectDer: bmp, label: 'x' }))).detail?.reason).toBe('SUBJECT_NOT_REPRODUCIBLE');
    expect(r.calls).toHaveLength(0);
    expect(() => createWindowsKeyCustodian(r.run, { storage: 'software' as 'store', tempRoot })).toThrow(/"store" or "tpm"/);
  });

  it('TPM not ready: a clear error saying what IT does, and the placeholder certreq left is removed with its key', async () => {
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'tpm', tempRoot });
    const made = await makeRequest(JP_SUBJECT, 'ecdsaP256');
    const old = placeholder((await makeRequest(JP_SUBJECT)).keyPem, SUBJECT); // someone else's pending request: kept
    const left = placeholder(made.keyPem, SUBJECT);
    const meanwhile = placeholder((await makeRequest(JP_SUBJECT)).keyPem, SUBJECT); // another program's, made during the run: kept
    r.push(
      () => listing(row(old, 'REQUEST', true, LABEL)),
      certreqWrites(null, fixture('certreq-new-tpm-not-ready.txt'), -2146893776),
      () => listing(row(old, 'REQUEST', true, LABEL), row(meanwhile, 'REQUEST', true, 'Other VPN client'), row(left, 'REQUEST', true, LABEL)),
      () => ok(''),
    );
    const err = await caught(cust.createRequest({ keyType: 'ecdsaP256', subjectDer: subjectOf(left), label: LABEL }));
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.detail).toMatchObject({ reason: 'TPM_UNAVAILABLE', hresult: '0x80090030', symbol: 'NTE_DEVICE_NOT_READY', step: 'new' });
    expect(err.message).toMatch(/tpm\.msc/);
    expect(err.message).toMatch(/keyStorage "store"/);
    expectPs(r.calls[3]!, REMOVE_PENDING_SCRIPT);
    expect(r.calls[3]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumbOf(left) });
    expect(REMOVE_PENDING_SCRIPT).toContain('-DeleteKey');
    expect(REMOVE_PENDING_SCRIPT).toContain("'Cert:\\CurrentUser\\REQUEST\\'");
    expect(r.pending()).toBe(0);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('after a failed certreq, only the placeholder that is ours goes: by its key when the request file was written, else by subject and label; none identified → none removed, and IT is told where to look', async () => {
    // certreq failed after writing the request file: its key identifies the placeholder,
    // whatever friendly name or subject it shows.
    const made = await makeRequest(JP_SUBJECT);
    const left = placeholder(made.keyPem);
    const sameName = placeholder((await makeRequest(JP_SUBJECT)).keyPem, SUBJECT);
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
    r.push(
      () => listing(),
      certreqWrites(made.reqText, fixture('certreq-new-property-empty.txt'), 2148089860),
      () => listing(row(sameName, 'REQUEST', true, LABEL), row(left, 'REQUEST', true)),
      () => ok(''),
    );
    expect((await caught(cust.createRequest({ keyType: 'rsa2048', subjectDer: subjectOf(sameName), label: LABEL }))).detail?.reason).toBe('TOOL_ERROR');
    expect(r.calls).toHaveLength(4);
    expectPs(r.calls[3]!, REMOVE_PENDING_SCRIPT);
    expect(r.calls[3]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumbOf(left) });
    expect(r.pending()).toBe(0);

    // No request file, and the new placeholders are another program's (another label, or
    // our label on another subject): nothing is removed, and the error says what is left where.
    const other = placeholder((await makeRequest(JP_SUBJECT)).keyPem, SUBJECT);
    const otherSubject = placeholder((await makeRequest(JP_SUBJECT)).keyPem, '/CN=Someone Else');
    const r2 = scriptedRunner();
    const cust2 = createWindowsKeyCustodian(r2.run, { storage: 'tpm', tempRoot });
    r2.push(
      () => listing(),
      certreqWrites(null, fixture('certreq-new-tpm-not-ready.txt'), -2146893776),
      () => listing(row(other, 'REQUEST', true, 'Other VPN client'), row(otherSubject, 'REQUEST', true, LABEL)),
    );
    const err = await caught(cust2.createRequest({ keyType: 'ecdsaP256', subjectDer: subjectOf(other), label: LABEL }));
    expect(r2.calls).toHaveLength(3);
    expect(r2.pending()).toBe(0);
    expect(err.code).toBe('STORE_UNAVAILABLE');
    expect(err.detail).toMatchObject({ reason: 'TPM_UNAVAILABLE', cleanup: 'not-identified', pendingLeft: `${thumbOf(other)},${thumbOf(otherSubject)}` });
    expect(err.message).toMatch(/tpm\.msc/);
    expect(err.message).toContain('could not tell whether it is its own, so it removed none');
    expect(err.message).toContain(`named "${LABEL}"`);
    expect(err.message).toContain('certmgr.msc under Certificate Enrollment Requests > Certificates');
    expect(err.message).toContain(thumbOf(other));
  });

  it('certreq failures map on the HRESULT: provider missing, cancelled, not supported, 0x80094004, no request file, certreq missing', async () => {
    const cases: [string, number, string, string][] = [
      ['certreq-new-bad-provider.txt', -2146893805, 'STORE_UNAVAILABLE', 'PROVIDER_MISSING'],
      ['certreq-new-cancelled.txt', 1223, 'CANCELLED', 'CANCELLED'],
      ['certreq-new-not-supported.txt', -2146893783, 'POLICY_INVALID', 'KEY_TYPE_UNSUPPORTED'],
      ['certreq-new-property-empty.txt', 2148089860, 'STORE_WRITE_FAILED', 'TOOL_ERROR'],
    ];
    for (const [file, code, errCode, reason] of cases) {
      const r = scriptedRunner();
      const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
      r.push(() => listing(), certreqWrites(null, fixture(file), code), () => listing());
      const err = await caught(cust.createRequest({ keyType: 'rsa2048', subjectDer: JP_SUBJECT, label: 'x' }));
      expect([file, err.code, err.detail?.reason]).toEqual([file, errCode, reason]);
      expect(r.pending()).toBe(0); // nothing new in REQUEST: nothing removed
    }
    // Exit 0 and no file.
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
    r.push(() => listing(), certreqWrites(null, fixture('certreq-new-ok.txt')), () => listing());
    expect((await caught(cust.createRequest({ keyType: 'rsa2048', subjectDer: JP_SUBJECT, label: 'x' }))).detail?.reason).toBe('NO_REQUEST_FILE');
    // certreq.exe absent: the runner's TOOL_MISSING, with what to do.
    const gone = createWindowsKeyCustodian(
      async (cmd) => {
        if (cmd === CERTREQ) throw new CoreError('STORE_UNAVAILABLE', 'certreq.exe was not found', { reason: 'TOOL_MISSING', tool: cmd });
        return ok('');
      },
      { storage: 'store', tempRoot },
    );
    const missing = await caught(gone.createRequest({ keyType: 'rsa2048', subjectDer: JP_SUBJECT, label: 'x' }));
    expect(missing.message).toMatch(/part of Windows; ask IT/);
    // certreq stopped by the timeout after it made the key: the placeholder goes too.
    const made = await makeRequest(JP_SUBJECT);
    const left = placeholder(made.keyPem, SUBJECT);
    const slow = scriptedRunner();
    const hung = createWindowsKeyCustodian(slow.run, { storage: 'tpm', tempRoot });
    slow.push(
      () => listing(),
      () => {
        throw new CoreError('STORE_UNAVAILABLE', 'certreq.exe did not finish within 120 s and was stopped.', { reason: 'TOOL_TIMEOUT', tool: CERTREQ });
      },
      () => listing(row(left, 'REQUEST', true, LABEL)),
      () => ok(''),
    );
    expect((await caught(hung.createRequest({ keyType: 'ecdsaP256', subjectDer: subjectOf(left), label: LABEL }))).detail?.reason).toBe('TOOL_TIMEOUT');
    expectPs(slow.calls[3]!, REMOVE_PENDING_SCRIPT);
    expect(slow.calls[3]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumbOf(left) });
    expect(slow.pending()).toBe(0);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('a subject Windows encoded otherwise, or another key type: the request is not returned and its key is removed', async () => {
    // Windows wrote O as PrintableString where the bank's is UTF8String.
    const bank = buildNameDer([{ oid: O, value: 'Bank' }, { oid: CN, value: '山田' }]);
    const windows = buildNameDer([{ oid: O, value: 'Bank', encoding: 'printable' }, { oid: CN, value: '山田' }]);
    const made = await makeRequest(windows);
    const left = placeholder(made.keyPem);
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
    r.push(() => listing(), certreqWrites(made.reqText, fixture('certreq-new-ok.txt')), () => listing(row(left, 'REQUEST', true)), () => ok(''), () => listing());
    const err = await caught(cust.createRequest({ keyType: 'rsa2048', subjectDer: bank, label: 'x' }));
    expect([err.code, err.detail?.reason]).toEqual(['INVALID_INPUT', 'SUBJECT_NOT_KEPT']);
    expect(r.calls[3]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumbOf(left) });
    expect(r.pending()).toBe(0);

    const ec = await makeRequest(JP_SUBJECT, 'ecdsaP256');
    const ecLeft = placeholder(ec.keyPem);
    const r2 = scriptedRunner();
    const cust2 = createWindowsKeyCustodian(r2.run, { storage: 'store', tempRoot });
    r2.push(() => listing(), certreqWrites(ec.reqText, ''), () => listing(row(ecLeft, 'REQUEST', true)), () => ok(''), () => listing());
    expect((await caught(cust2.createRequest({ keyType: 'rsa2048', subjectDer: JP_SUBJECT, label: 'x' }))).detail?.reason).toBe('KEY_TYPE_MISMATCH');
    expect(r2.pending()).toBe(0);
  });

  it('a removal that fails after a failed request says so, and keeps the first error', async () => {
    const made = await makeRequest(JP_SUBJECT);
    const left = placeholder(made.keyPem, SUBJECT);
    const r = scriptedRunner();
    const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
    r.push(() => listing(), certreqWrites(null, fixture('certreq-new-property-empty.txt'), 1), () => listing(row(left, 'REQUEST', true, LABEL)), () => fail(1, 'Remove-Item : Access is denied. 0x80070005'));
    const err = await caught(cust.createRequest({ keyType: 'rsa2048', subjectDer: subjectOf(left), label: LABEL }));
    expect(err.code).toBe('STORE_WRITE_FAILED');
    expect(err.detail).toMatchObject({ hresult: '0x80094004', cleanup: 'failed' });
    expect(err.message).toMatch(/could not be removed either/);
  });

  describe('attach', () => {
    let made: Made;
    let pending: Uint8Array;
    let issued: Uint8Array;
    beforeAll(async () => {
      made = await makeRequest(JP_SUBJECT);
      pending = placeholder(made.keyPem);
      issued = pki.client({ subject: '/C=JP/O=テスト銀行/CN=山田 太郎', days: 300, keyPem: made.keyPem }).der;
    });
    const pair = (o: object) => ok(JSON.stringify({ Paired: true, Algorithm: 'RSA', Provider: 'Microsoft Software Key Storage Provider', Exportable: false, ...o }));

    it('installs the leaf against the pending key with CertEnroll (untrusted root allowed), the issuing CA into CurrentUser\\CA, then proves the pairing', async () => {
      const r = scriptedRunner();
      const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
      let caFileMode = 0;
      r.push(
        () => listing(row(pending, 'REQUEST', true)),
        () => ok(''),
        (c) => {
          caFileMode = statSync(c.opts!.env!.CERTDESK_CERT_FILE!).mode & 0o777;
          return ok('');
        },
        () => listing(row(issued, 'My', true, 'Yamada 2027-04-30')),
        () => pair({}),
      );
      const id = await cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [pki.issuing.der, pki.root.der], friendlyName: 'Yamada 2027-04-30' });
      expectPs(r.calls[1]!, INSTALL_RESPONSE_SCRIPT);
      expect(r.calls[1]!.opts?.env).toEqual({ CERTDESK_CERT_B64: Buffer.from(issued).toString('base64'), CERTDESK_THUMBPRINT: thumbOf(issued), CERTDESK_FRIENDLY_NAME: 'Yamada 2027-04-30' });
      expect(INSTALL_RESPONSE_SCRIPT).toContain('$e.Initialize(1)');
      expect(INSTALL_RESPONSE_SCRIPT).toContain("$e.InstallResponse(4, $env:CERTDESK_CERT_B64, 1, '')");
      expectPs(r.calls[2]!, IMPORT_CA_SCRIPT);
      expect(r.calls[2]!.opts?.env?.CERTDESK_STORE).toBe('CA');
      expect(caFileMode).toBe(0o600);
      expect(r.calls).toHaveLength(5); // the root: neither imported nor trusted
      expectPs(r.calls[4]!, PAIR_SCRIPT);
      expect(r.calls[4]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumbOf(issued) });
      expect(id).toEqual({ fingerprint: new X509Certificate(issued).fingerprint256.replace(/:/g, '').toLowerCase(), certificateDer: issued, hasPrivateKey: true, nickname: 'Yamada 2027-04-30' });
      expect(readdirSync(tempRoot)).toEqual([]);
    });

    it('a resumed attach: the certificate already sits with its key, nothing is installed twice', async () => {
      const r = scriptedRunner();
      const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
      r.push(() => listing(row(issued, 'My', true), row(pki.issuing.der, 'CA', false)), () => listing(row(issued, 'My', true), row(pki.issuing.der, 'CA', false)), () => pair({}));
      await cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [pki.issuing.der], friendlyName: 'x' });
      expect(r.calls.map((c) => c.args[3])).toEqual([KEY_LIST_SCRIPT, KEY_LIST_SCRIPT, PAIR_SCRIPT]);
    });

    it('refusals: a certificate for another key, a pending request gone, CertEnroll CRYPT_E_NOT_FOUND', async () => {
      const r = scriptedRunner();
      const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
      const other = pki.client({ subject: '/CN=Other', days: 30 }).der;
      expect((await caught(cust.attach({ keyId: made.keyId, certificateDer: other, chainDer: [], friendlyName: 'x' }))).detail?.reason).toBe('KEY_MISMATCH');
      expect(r.calls).toHaveLength(0);
      r.push(() => listing());
      expect((await caught(cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [], friendlyName: 'x' }))).detail?.reason).toBe('PENDING_REQUEST_GONE');
      r.push(() => listing(row(pending, 'REQUEST', true)), () => fail(1, fixture('installresponse-not-found.txt')));
      const err = await caught(cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [], friendlyName: 'x' }));
      expect([err.code, err.detail?.reason, err.detail?.hresult]).toEqual(['KEY_MISSING', 'PENDING_REQUEST_GONE', '0x80092004']);
    });

    it('the read-back insists: listed, with its key, paired, in the policy\'s provider, not exportable', async () => {
      const run = async (storage: 'store' | 'tpm', afterRows: object[], pairAnswer?: object) => {
        const r = scriptedRunner();
        const cust = createWindowsKeyCustodian(r.run, { storage, tempRoot });
        r.push(() => listing(row(pending, 'REQUEST', true)), () => ok(''), () => listing(...afterRows));
        if (pairAnswer) r.push(() => pair(pairAnswer));
        return caught(cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [], friendlyName: 'x' }));
      };
      expect((await run('store', [])).detail?.reason).toBe('NOT_LISTED');
      expect((await run('store', [row(issued, 'My', false)])).detail?.reason).toBe('KEY_NOT_LISTED');
      expect((await run('store', [row(issued, 'My', true)], { Paired: false })).detail?.reason).toBe('KEY_NOT_PAIRED');
      expect((await run('tpm', [row(issued, 'My', true)], {})).detail?.reason).toBe('WRONG_PROVIDER');
      expect((await run('store', [row(issued, 'My', true)], { Exportable: true })).detail?.reason).toBe('KEY_EXPORTABLE');
      expect((await run('store', [row(issued, 'My', true)], { Exportable: null })).detail?.reason).toBe('KEY_EXPORTABLE');
      const tpmOk = scriptedRunner();
      const tpm = createWindowsKeyCustodian(tpmOk.run, { storage: 'tpm', tempRoot });
      tpmOk.push(() => listing(row(pending, 'REQUEST', true)), () => ok(''), () => listing(row(issued, 'My', true)), () => pair({ Provider: 'Microsoft Platform Crypto Provider' }));
      expect((await tpm.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [], friendlyName: 'x' })).hasPrivateKey).toBe(true);
    });

    it('restricted PowerShell (Constrained Language Mode): certreq -accept -q -user <0600 .cer> instead; its untrusted-root refusal says what IT can do', async () => {
      const r = scriptedRunner();
      const cust = createWindowsKeyCustodian(r.run, { storage: 'tpm', tempRoot });
      let cer = '';
      let mode = 0;
      let content = Buffer.alloc(0);
      r.push(
        () => listing(row(pending, 'REQUEST', true)),
        () => fail(1, fixture('ps-clm-comobject.txt')),
        (c) => {
          expect(c.cmd).toBe(CERTREQ);
          cer = c.args[3]!;
          expect(c.args).toEqual(['-accept', '-q', '-user', cer]);
          mode = statSync(cer).mode & 0o777;
          content = readFileSync(cer);
          return ok(fixture('certreq-accept-ok.txt'));
        },
        () => listing(row(issued, 'My', true)),
        () => fail(1, fixture('ps-clm-method.txt')), // the pairing check cannot run either
      );
      const id = await cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [], friendlyName: 'x' });
      expect(id.hasPrivateKey).toBe(true);
      expect(mode).toBe(0o600);
      expect(content.equals(Buffer.from(issued))).toBe(true);
      expect(readdirSync(tempRoot)).toEqual([]);

      r.push(() => listing(row(pending, 'REQUEST', true)), () => fail(1, fixture('ps-clm-comobject.txt')), () => fail(-2146762487, '', fixture('certreq-accept-untrusted-root.txt')));
      const err = await caught(cust.attach({ keyId: made.keyId, certificateDer: issued, chainDer: [], friendlyName: 'x' }));
      expect([err.code, err.detail?.reason, err.detail?.hresult]).toEqual(['STORE_WRITE_FAILED', 'UNTRUSTED_ROOT_RESTRICTED', '0x800b0109']);
      expect(err.message).toMatch(/Constrained Language Mode/);
      expect(r.pending()).toBe(0);
      expect(readdirSync(tempRoot)).toEqual([]);
    });

    it('hasKey: the pending request or a certificate with the key; removeKey: the pending request only, confirmed', async () => {
      const r = scriptedRunner();
      const cust = createWindowsKeyCustodian(r.run, { storage: 'store', tempRoot });
      r.push(() => listing(row(pending, 'REQUEST', true)), () => listing(row(issued, 'My', true)), () => listing(row(issued, 'My', false)), () => listing());
      expect(await cust.hasKey(made.keyId)).toBe(true);
      expect(await cust.hasKey(made.keyId)).toBe(true);
      expect(await cust.hasKey(made.keyId)).toBe(false);
      expect(await cust.hasKey(made.keyId)).toBe(false);

      r.push(() => listing(row(pending, 'REQUEST', true), row(issued, 'My', true)), () => ok(''), () => listing(row(issued, 'My', true)));
      await cust.removeKey(made.keyId);
      expectPs(r.calls[5]!, REMOVE_PENDING_SCRIPT);
      expect(r.calls[5]!.opts?.env).toEqual({ CERTDESK_THUMBPRINT: thumbOf(pending) });
      // What a recovery sees after a kill inside certreq -new.
      r.push(() => listing(row(pending, 'REQUEST', true), row(issued, 'My', true)));
      const seen = await cust.listPending();
      expect(seen.map((p) => [p.keyId, p.thumbprint])).toEqual([[made.keyId, thumbOf(pending)]]);
      expect(Buffer.from(seen[0]!.subjectDer).toString('hex')).toBe(`3016311430120603550403 0c0b${Buffer.from('placeholder').toString('hex')}`.replace(' ', ''));
      // Nothing pending: one listing, nothing removed (the installed certificate keeps its key).
      r.push(() => listing(row(issued, 'My', true)));
      await cust.removeKey(made.keyId);
      expect(r.calls).toHaveLength(9);
      // Still there after removal.
      r.push(() => listing(row(pending, 'REQUEST', true)), () => ok(''), () => listing(row(pending, 'REQUEST', true)));
      expect((await caught(cust.removeKey(made.keyId))).detail?.reason).toBe('STILL_LISTED');
    });
  });

  it('leaves no temporary file behind', () => {
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
