// The suite of softhsm-renewal and tpm-renewal: 取得 then renewal with keyStorage `pkcs11` (softhsm2) and `tpm` (swtpm + tpm2-pkcs11), ECDSA
// P-256, through the composition root as the command line assembles it (the PIN handed in,
// Node's TLS): each time the new certificate sits in the token beside its key, the NSS db
// (the module registered in it) lists it, NSS's tstclnt presents it to a server that asks
// for one, and NSS cannot export its key; the renewal itself authenticates to the bank with
// the token's key through OpenSSL's pkcs11 engine, and removes the old identity from the
// token. A wrong PIN stops before anything changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCore, type ComposedCore } from '../../src/main/core/compose';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { certificates, keyObjects } from '../../src/main/core/store/pkcs11/objects';
import { BankServer } from '../bank/server';
import { rm, tempDir, writePolicy } from '../support/cli-world';
import { makeTestPki, type TestPki } from '../support/pki-fixture';
import { newNssDb, recordingServer, tstclnt, type RecordingServer } from '../support/nss-tools';
import { missing, startSofthsm, startSwtpm, type TestToken } from '../support/tokens';

const DAY = 86_400_000;

export interface Kind {
  storage: 'pkcs11' | 'tpm';
  start(dir: string): Promise<TestToken>;
}

export const SOFTHSM_KIND: Kind = { storage: 'pkcs11', start: (d) => startSofthsm(d, 'CertDesk Card') };
export const TPM_KIND: Kind = { storage: 'tpm', start: (d) => startSwtpm(d, 'CertDesk', { broker: true }) };

/**
 * One token kind per test file (one process): OpenSSL's engine initialises p11-kit's proxy,
 * with every module it knows, once per process and keeps it, as the command line's one run does.
 */
export function tokenRenewalSuite(kind: Kind): void {
  const why = missing(kind.storage === 'tpm' ? 'tpm' : 'softhsm2');
  if (why) console.warn(`${kind.storage} renewal tests skipped: ${why}`);
  (why ? describe.skip : describe)(`取得 and renewal with keyStorage "${kind.storage}"`, { timeout: 240_000 }, () => {
    let work: string;
    let token: TestToken;
    let bank: BankServer;
    let pki: TestPki;
    let server: RecordingServer;
    let db: string;
    let pinFile: string;
    let policyFile: string;
    let clock: Date | null = null;

    beforeAll(async () => {
      work = await tempDir(`certdesk-${kind.storage}-renewal-`);
      token = await kind.start(join(work, 'token'));
      bank = await BankServer.start({ dataDir: join(work, 'bank') });
      pki = makeTestPki('TLS Peer');
      server = await recordingServer(pki);
      db = newNssDb(work, 'nssdb');
      pinFile = join(work, 'pin');
      writeFileSync(pinFile, token.pin, { mode: 0o600 });
      // The tpm policy names no token: Debian's tpm2-pkcs11 and the label "CertDesk" are the defaults.
      const pkcs11 = kind.storage === 'tpm' ? {} : { pkcs11: { module: token.module, tokenLabel: token.label } };
      policyFile = await writePolicy(work, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, keyStorage: kind.storage, ...pkcs11, keyType: 'ecdsaP256' });
    });
    afterAll(async () => {
      await server?.close();
      await bank?.stop();
      await token?.stop();
      if (pki) await rm(pki.dir, { recursive: true, force: true });
      if (work) await rm(work, { recursive: true, force: true });
    });

    const compose = (pin: string | null): Promise<ComposedCore> =>
      composeCore({
        policyFile,
        store: `nss:${db}`,
        env: { ...process.env, CERTDESK_DATA_DIR: join(work, 'data') },
        emit: () => undefined,
        pin: async () => pin,
        now: () => clock ?? new Date(),
      });

    /** The token's certificates with whether a private key of their CKA_ID is there. */
    const inToken = () =>
      withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'read', (s) =>
        certificates(s).map((c) => ({ der: c.der, sha256: new X509Certificate(c.der).fingerprint256.replace(/:/g, '').toLowerCase(), ca: new X509Certificate(c.der).ca, keyId: c.keyId, label: c.label, hasKey: keyObjects(s, c.keyId).privateKeys.length > 0 })),
      );
    const keyGone = (keyId: string) => withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'read', (s) => keyObjects(s, keyId).privateKeys.length + keyObjects(s, keyId).publicKeys.length === 0);
    /** What NSS lists in the token (certutil through the registered module), nickname and trust. */
    const nssLists = () => execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-h', token.label, '-f', pinFile], { encoding: 'utf8', stdio: 'pipe' });
    const present = async (nickname: string, der: Uint8Array) => {
      const r = await tstclnt(db, `${token.label}:${nickname}`, server.port, ['-W', pinFile]);
      expect(r.code, r.out).toBe(0);
      expect(Buffer.from(server.seen.at(-1)!).equals(Buffer.from(der))).toBe(true);
    };
    const exportRefused = (nickname: string) => {
      const p12 = spawnSync('pk12util', ['-o', join(work, 'out.p12'), '-n', `${token.label}:${nickname}`, '-d', `sql:${db}`, '-k', pinFile, '-W', 'export-password'], { encoding: 'utf8' });
      expect(p12.status, p12.stdout + p12.stderr).not.toBe(0);
      expect(existsSync(join(work, 'out.p12')) && readFileSync(join(work, 'out.p12')).length > 0).toBe(false);
    };

    let acquired: { sha256: string; der: Uint8Array; nickname: string; keyId: string };

    it('取得: the key made in the token, the certificate beside it, the module registered in the db, presented by tstclnt, not exportable', async () => {
      await bank.addAccount('tok1', 'pw-tok1');
      // Obtained 355 days ago (the bank's and CertDesk's clocks): at the real time now it is due for renewal.
      clock = new Date(Date.now() - 355 * DAY);
      bank.setClock(clock);
      const core = await compose(token.pin);
      const t0 = Date.now();
      const r = await core.service.acquire({ loginId: 'tok1', password: 'pw-tok1' });
      console.log(`${kind.storage}: 取得 ${Date.now() - t0} ms`);
      await core.settle();
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const fp = r.ok ? r.value.certificate.sha256 : '';
      const mine = (await inToken()).filter((c) => !c.ca);
      expect(mine.map((c) => c.sha256)).toEqual([fp]);
      expect(mine[0]!.hasKey).toBe(true);
      expect(readFileSync(join(db, 'pkcs11.txt'), 'utf8')).toContain(`library=${token.module}`);
      expect(nssLists()).toMatch(new RegExp(`${mine[0]!.label.replace(/[()]/g, '.')}\\s+u,u,u`));
      const der = mine[0]!.der;
      acquired = { sha256: fp, der, nickname: mine[0]!.label, keyId: mine[0]!.keyId };
      await present(acquired.nickname, der);
      exportRefused(acquired.nickname);
      // The status view sees it through the module, and without the PIN too (status asks none).
      expect(JSON.stringify(await core.service.getOverview())).toContain(fp);
      const noPin = await compose(null);
      expect(JSON.stringify(await noPin.service.getOverview())).toContain(fp);
      await noPin.settle();
    });

    it('a wrong PIN is named and changes nothing: the identity stays in the token with its key, no journal is left', async () => {
      clock = null;
      bank.setClock(null);
      const core = await compose('0000');
      const r = await core.service.renew(acquired.sha256);
      await core.settle();
      expect(r.ok).toBe(false);
      expect(r.ok ? null : { code: r.error.code, reason: r.error.detail?.reason }).toEqual({ code: 'STORE_UNAVAILABLE', reason: 'PIN_INCORRECT' });
      expect(r.ok ? '' : r.error.message).toMatch(/PIN .*wrong/);
      const mine = (await inToken()).filter((c) => !c.ca);
      expect(mine.map((c) => [c.sha256, c.hasKey])).toEqual([[acquired.sha256, true]]);
      expect(existsSync(join(work, 'data', 'renewal-journal.json'))).toBe(false);
    });

    it('renewal: presents the token key to the bank through the engine, the new identity in the token and in NSS, the old one gone', async () => {
      const core = await compose(token.pin);
      const t0 = Date.now();
      const r = await core.service.renew(acquired.sha256);
      console.log(`${kind.storage}: renew ${Date.now() - t0} ms`);
      await core.settle();
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const fp = r.ok ? r.value.certificate.sha256 : '';
      expect(fp).not.toBe(acquired.sha256);
      const mine = (await inToken()).filter((c) => !c.ca);
      expect(mine.map((c) => [c.sha256, c.hasKey])).toEqual([[fp, true]]);
      expect(await keyGone(acquired.keyId)).toBe(true);
      const listing = nssLists();
      expect(listing).toMatch(/u,u,u/);
      const der = mine[0]!.der;
      expect(createHash('sha256').update(der).digest('hex')).toBe(fp);
      await present(mine[0]!.label, der);
      exportRefused(mine[0]!.label);
      expect(existsSync(join(work, 'data', 'renewal-journal.json'))).toBe(false);
    });
  });
}
