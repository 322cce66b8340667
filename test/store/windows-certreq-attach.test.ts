// The Windows key custodian's attach (certreq + CertEnroll cannot run here): the exact
// commands that install the issued certificate against the pending key, read against certreq's
// and PowerShell's real outputs (test/fixtures/windows). The keys and certificates are real.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTREQ, createWindowsKeyCustodian } from '../../src/main/core/store/windows/certreq';
import { INSTALL_RESPONSE_SCRIPT, KEY_LIST_SCRIPT, PAIR_SCRIPT, REMOVE_PENDING_SCRIPT } from '../../src/main/core/store/windows/key-scripts';
import { IMPORT_CA_SCRIPT } from '../../src/main/core/store/windows/store';
import { fail, ok, scriptedRunner } from './fake-runner';
import { caught, expectPs, listing, row, thumbOf } from './scripted';
import { makeTestPki, type TestPki } from '../support/pki-fixture';
import { fixture, JP_SUBJECT, makeRequest, placeholderCert, type Made } from './certreq-fixture';

describe('the custodian', () => {
  let pki: TestPki;
  let tempRoot: string;
  let scratch: string;
  const placeholder = (keyPem: string, subject?: string): Uint8Array => placeholderCert(scratch, keyPem, subject);

  beforeAll(() => {
    pki = makeTestPki('Certreq Bank');
    tempRoot = mkdtempSync(join(tmpdir(), 'certdesk-certreq-'));
    scratch = mkdtempSync(join(tmpdir(), 'certdesk-certreq-keys-'));
  });
  afterAll(() => {
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
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
