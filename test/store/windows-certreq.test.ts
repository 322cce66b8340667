// The Windows key custodian (certreq + CertEnroll) cannot run here: these tests check the
// exact commands, the INF byte for byte, and the adapter's reading of certreq's outputs
// (test/fixtures/windows, provenance in its README). The requests, placeholders and
// certificates are real: made with WebCrypto and openssl from real keys.
// Here: createRequest and its failures; attach is in windows-certreq-attach.test.ts, the INF
// in windows-certreq-inf.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { subjectDerOf } from '../../src/main/core/pki';
import { buildNameDer } from '../../src/main/core/pki/name';
import { CERTREQ, CERTREQ_ATTRIBUTE_OIDS, createWindowsKeyCustodian } from '../../src/main/core/store/windows/certreq';
import { buildInf, infBytes } from '../../src/main/core/store/windows/certreq-inf';
import { KEY_LIST_SCRIPT, REMOVE_PENDING_SCRIPT } from '../../src/main/core/store/windows/key-scripts';
import { fail, ok, scriptedRunner, type Call } from './fake-runner';
import { caught, expectPs, listing, row, thumbOf } from './scripted';
import { CN, fixture, JP_SUBJECT, makeRequest, O, placeholderCert } from './certreq-fixture';

describe('the custodian', () => {
  let tempRoot: string;
  let scratch: string;

  /** certreq's placeholder in CurrentUser\REQUEST: a self-signed certificate with the new key. */
  const placeholder = (keyPem: string, subject?: string): Uint8Array => placeholderCert(scratch, keyPem, subject);
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
  it('leaves no temporary file behind', () => {
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
