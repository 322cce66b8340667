// The Windows store's key custodians (issue 16): which one each keyStorage gets, a request
// made in Windows' key storage through to the store listing the identity, and recovery's
// removal of a key certreq made before the journal learnt its ID. Windows cannot run here:
// the exact commands are checked; keys, requests, placeholders and certificates are real.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, derToPem, exportPkcs8, generateKeyPair } from '../../src/main/core/pki';
import { buildNameDer } from '../../src/main/core/pki/name';
import type { Engine } from '../../src/main/core/renewal/engine';
import { removeOrphanKey } from '../../src/main/core/renewal/key-cleanup';
import type { JournalRecord } from '../../src/main/core/renewal/journal';
import { createWindowsStore } from '../../src/main/core/store';
import { custodianFor, custodyFor } from '../support/custodian';
import { CERTREQ, type WindowsKeyCustodian } from '../../src/main/core/store/windows/certreq';
import { INSTALL_RESPONSE_SCRIPT, KEY_LIST_SCRIPT, PAIR_SCRIPT, REMOVE_PENDING_SCRIPT } from '../../src/main/core/store/windows/key-scripts';
import { IMPORT_CA_SCRIPT, LIST_SCRIPT, PS_ARGS } from '../../src/main/core/store/windows/store';
import { ok, scriptedRunner } from './fake-runner';
import { caught, expectPs, listing, row, thumbOf } from './scripted';
import { makeTestPki, type TestPki } from '../support/pki-fixture';

const SUBJECT = buildNameDer([
  { oid: '2.5.4.6', value: 'JP' },
  { oid: '2.5.4.10', value: 'テスト銀行' },
  { oid: '2.5.4.3', value: '山田 太郎' },
]);
const LABEL = 'CertDesk 0b6a1e2f-3a4b-4c6d-9e8f-7f3c2a105d4e';

const freshKeyPem = async () => derToPem(await exportPkcs8((await generateKeyPair('ecdsaP256')).privateKey), 'PRIVATE KEY');

describe('the Windows store and its key custodians', () => {
  let pki: TestPki;
  let tempRoot: string;
  let scratch: string;
  /** certreq's placeholder in CurrentUser\REQUEST: a self-signed certificate with the new key. */
  const placeholder = (keyPem: string): Uint8Array => {
    const keyFile = join(scratch, `k${createHash('sha1').update(keyPem).digest('hex')}.pem`);
    writeFileSync(keyFile, keyPem, { mode: 0o600 });
    return new Uint8Array(execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', '/C=JP/O=Test Bank/CN=Yamada Taro', '-days', '2', '-outform', 'DER']));
  };

  beforeAll(() => {
    pki = makeTestPki('Windows Custody Bank');
    tempRoot = mkdtempSync(join(tmpdir(), 'certdesk-wincust-'));
    scratch = mkdtempSync(join(tmpdir(), 'certdesk-wincust-keys-'));
  });
  afterAll(() => {
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keyStorage store → the software KSP, tpm → the Platform Crypto Provider, software → made in CertDesk; no command run to choose', () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const ksp = custodianFor([store], 'store', log);
    expect(ksp.storage).toBe('store');
    expect(ksp.describe()).toBe('Windows key storage "Microsoft Software Key Storage Provider" (current user, not exportable)');
    const tpm = custodianFor([store], 'tpm', log);
    expect(tpm.storage).toBe('tpm');
    expect(tpm.describe()).toContain('"Microsoft Platform Crypto Provider"');
    const sw = custodianFor([store], 'software', log);
    expect(sw.storage).toBe('software');
    expect(sw.describe()).toContain('key made in CertDesk, imported');
    expect(lines).toEqual([]);
    expect(r.calls).toHaveLength(0);
  });

  it('keyStorage pkcs11 is refused with what to set (smart cards go through their minidriver in Windows\' own key storage)', () => {
    const store = createWindowsStore(scriptedRunner().run, { build: 19045, tempRoot });
    let err: unknown;
    try {
      custodianFor([store], 'pkcs11');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('STORE_UNAVAILABLE');
    expect((err as CoreError).detail).toMatchObject({ reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' });
    expect((err as CoreError).message).toMatch(/minidriver/);
    expect((err as CoreError).message).toMatch(/keyStorage "store"/);
  });

  it('keyStorage store with two stores: a software key, and the log says why (never silent)', () => {
    const a = createWindowsStore(scriptedRunner().run, { build: 19045, tempRoot });
    // Another store (its own lock file): one store named twice counts once in the custody decision.
    const b = Object.assign(Object.create(createWindowsStore(scriptedRunner().run, { build: 19045, tempRoot })) as typeof a, { lockFile: join(tempRoot, 'other.lock') });
    const lines: string[] = [];
    const c = custodianFor([a, b], 'store', (l) => lines.push(l));
    expect(c.storage).toBe('software');
    expect(lines).toEqual(['keyStorage "store": the new key is made in CertDesk as a software key (sealed in the journal until installed), because the key must reach 2 stores and a key made inside one cannot be copied into another.']);
  });

  it('a whole request through the store\'s custodian: certreq -new, CertEnroll InstallResponse, the issuing CA into CurrentUser\\CA, pairing proved, then the store lists and verifies the identity', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    const cust = custodianFor([store], 'store');

    // The key certreq makes, and the request it writes (certreq's PEM layout, CRLF).
    const keys = await generateKeyPair('ecdsaP256');
    const csr = await buildCsr({ keys, subjectDer: SUBJECT });
    const keyPem = derToPem(await exportPkcs8(keys.privateKey), 'PRIVATE KEY');
    const b64 = Buffer.from(csr.der).toString('base64').replace(/(.{64})/g, '$1\r\n').replace(/\r\n$/, '');
    const reqText = `-----BEGIN NEW CERTIFICATE REQUEST-----\r\n${b64}\r\n-----END NEW CERTIFICATE REQUEST-----\r\n`;
    const pending = placeholder(keyPem);
    r.push(
      () => listing(),
      (c) => {
        expect(c.cmd).toBe(CERTREQ);
        expect(c.args.slice(0, 3)).toEqual(['-new', '-q', '-user']);
        expect(c.args).toHaveLength(5);
        writeFileSync(c.args[4]!, reqText);
        return ok('CertReq: Request Created\r\n');
      },
    );
    const req = await cust.createRequest({ keyType: 'ecdsaP256', subjectDer: SUBJECT, label: LABEL });
    expectPs(r.calls[0]!, KEY_LIST_SCRIPT);
    expect(req.softwarePkcs8).toBeUndefined();
    expect(Buffer.from(req.csrDer).equals(Buffer.from(csr.der))).toBe(true);

    // The bank issues for that key; attach binds it to the pending key.
    const issued = pki.client({ subject: '/C=JP/O=テスト銀行/CN=山田 太郎', days: 300, keyPem }).der;
    r.push(
      () => listing(row(pending, 'REQUEST', true, LABEL)),
      () => ok(''),
      () => ok(''),
      () => listing(row(issued, 'My', true, 'ベンチ 2027-04-30'), row(pki.issuing.der, 'CA', false)),
      () => ok(JSON.stringify({ Paired: true, Algorithm: 'ECDSA', Provider: 'Microsoft Software Key Storage Provider', Exportable: false })),
    );
    const attached = await cust.attach({ keyId: req.keyId, certificateDer: issued, chainDer: [pki.issuing.der, pki.root.der], friendlyName: 'ベンチ 2027-04-30' });
    expectPs(r.calls[3]!, INSTALL_RESPONSE_SCRIPT, { CERTDESK_CERT_B64: Buffer.from(issued).toString('base64'), CERTDESK_THUMBPRINT: thumbOf(issued), CERTDESK_FRIENDLY_NAME: 'ベンチ 2027-04-30' });
    expect(r.calls[4]!.args).toEqual([...PS_ARGS, IMPORT_CA_SCRIPT]);
    expectPs(r.calls[5]!, KEY_LIST_SCRIPT);
    expectPs(r.calls[6]!, PAIR_SCRIPT, { CERTDESK_THUMBPRINT: thumbOf(issued) });
    const fp = new X509Certificate(issued).fingerprint256.replace(/:/g, '').toLowerCase();
    expect(attached).toMatchObject({ fingerprint: fp, hasPrivateKey: true, nickname: 'ベンチ 2027-04-30' });

    // What the renewal reads next: the store lists the identity and verifies it.
    const after = [row(issued, 'My', true, 'ベンチ 2027-04-30'), row(pki.issuing.der, 'CA', false)];
    r.push(() => listing(...after), () => listing(...after), () => ok(JSON.stringify({ Paired: true, Algorithm: 'ECDSA', Provider: 'Microsoft Software Key Storage Provider', Exportable: false })));
    const listed = await store.list([pki.root.der]);
    expectPs(r.calls[7]!, LIST_SCRIPT);
    expect(listed.map((i) => [i.fingerprint, i.hasPrivateKey, i.nickname])).toEqual([[fp, true, 'ベンチ 2027-04-30']]);
    expect((await store.verifyInstalled(fp, [pki.root.der])).fingerprint).toBe(fp);
    expect(r.pending()).toBe(0);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('removeKeysLabelled: only the pending requests certreq named "CertDesk <journal id>", confirmed; none → one listing; still there → STILL_LISTED', async () => {
    const r = scriptedRunner();
    const cust = custodianFor([createWindowsStore(r.run, { build: 19045, tempRoot })], 'store') as WindowsKeyCustodian;
    const ours = placeholder(await freshKeyPem());
    const theirs = placeholder(await freshKeyPem());
    const installed = pki.client({ subject: '/CN=installed', days: 30 }).der;
    r.push(
      () => listing(row(theirs, 'REQUEST', true, 'Other VPN client'), row(ours, 'REQUEST', true, LABEL), row(installed, 'My', true, LABEL)),
      () => ok(''),
      () => listing(row(theirs, 'REQUEST', true, 'Other VPN client'), row(installed, 'My', true, LABEL)),
    );
    await cust.removeKeysLabelled!(LABEL);
    expectPs(r.calls[0]!, KEY_LIST_SCRIPT);
    expectPs(r.calls[1]!, REMOVE_PENDING_SCRIPT, { CERTDESK_THUMBPRINT: thumbOf(ours) });
    expect(r.calls).toHaveLength(3);

    r.push(() => listing(row(theirs, 'REQUEST', true, 'Other VPN client')));
    await cust.removeKeysLabelled!(LABEL);
    expect(r.calls).toHaveLength(4);
    await cust.removeKeysLabelled!('');
    expect(r.calls).toHaveLength(4);

    r.push(() => listing(row(ours, 'REQUEST', true, LABEL)), () => ok(''), () => listing(row(ours, 'REQUEST', true, LABEL)));
    const err = await caught(cust.removeKeysLabelled!(LABEL));
    expect([err.code, err.detail?.reason]).toEqual(['STORE_WRITE_FAILED', 'STILL_LISTED']);
    expect(err.message).toContain(LABEL);
    expect(r.pending()).toBe(0);
  });

  it('recovery after a kill inside certreq -new (journal with keyStorage store, no key ID): the labelled pending request goes', async () => {
    const r = scriptedRunner();
    const store = createWindowsStore(r.run, { build: 19045, tempRoot });
    const ours = placeholder(await freshKeyPem());
    r.push(() => listing(row(ours, 'REQUEST', true, LABEL)), () => ok(''), () => listing());
    // The engine's own custodian is software (the policy changed since): the journal's kind decides.
    const e = { stores: [store], custody: custodyFor([store], 'software') } as unknown as Engine;
    const rec = { id: LABEL.slice('CertDesk '.length), keyStorage: 'store' } as unknown as JournalRecord;
    await removeOrphanKey(e, rec);
    expectPs(r.calls[1]!, REMOVE_PENDING_SCRIPT, { CERTDESK_THUMBPRINT: thumbOf(ours) });
    expect(r.pending()).toBe(0);
  });
});
