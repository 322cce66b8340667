// The app's PIN (compose's pinPerOperation, the window's dialog behind `pin`), on a real
// token (app-pin: softhsm2; app-pin-tpm: swtpm behind tpm2-abrmd): never asked while the core is assembled or for reading; asked when 取得 or
// a renewal starts; a wrong PIN asked again saying so (retry), up to the asks allowed, then
// PIN_INCORRECT; no PIN (cancelled, closed, timed out) fails with PIN_REQUIRED before anything
// changes; with rememberPin the dialog's "remember" decides whether the keychain keeps it.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/shared/policy';
import { composeCore, type PinQuestion, type PinReply } from '../../src/main/core/compose';
import { tokenPin } from '../../src/main/core/compose/token';
import { decideCustody } from '../../src/main/core/store';
import { createKeytarPinStore } from '../../src/main/core/vault';
import { BankServer } from '../bank/server';
import { rm, tempDir, writePolicy } from '../support/cli-world';
import { newNssDb } from '../support/nss-tools';
import { missing, type TestToken } from '../support/tokens';
import type { Kind } from './token-renewal-suite';

/**
 * `wrongPins`: how many wrong PINs the kind may be given (a TPM counts them towards its
 * dictionary-attack lockout: it gets one).
 */
export function appPinSuite(kind: Kind, o: { wrongPins: number }): void {
  const why = missing(kind.storage === 'tpm' ? 'tpm' : 'softhsm2');
  (why ? describe.skip : describe)(`the app's PIN, asked per operation (keyStorage "${kind.storage}")`, { timeout: 240_000 }, () => {
    let work: string;
    let token: TestToken;
    let bank: BankServer;
    let db: string;
    let policyFile: string;

    beforeAll(async () => {
      work = await tempDir('certdesk-app-pin-');
      token = await kind.start(join(work, 'token'));
      bank = await BankServer.start({ dataDir: join(work, 'bank') });
      db = newNssDb(work, 'nssdb');
      policyFile = await writePolicy(work, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, keyStorage: kind.storage, ...(kind.storage === 'tpm' ? {} : { pkcs11: { module: token.module, tokenLabel: token.label } }), keyType: 'ecdsaP256' });
    });
    afterAll(async () => {
      await bank?.stop();
      await token?.stop();
      if (work) await rm(work, { recursive: true, force: true });
    });

    /** The dialog: answers in turn, recording each question. */
    const dialog = (replies: PinReply[]) => {
      const asked: PinQuestion[] = [];
      return { asked, pin: async (q: PinQuestion) => (asked.push(q), replies.shift() ?? null) };
    };
    const compose = (d: ReturnType<typeof dialog>) =>
      composeCore({ policyFile, store: `nss:${db}`, env: { ...process.env, CERTDESK_DATA_DIR: join(work, 'data') }, emit: () => undefined, pin: d.pin, pinPerOperation: { asks: 3 } });

    it('not asked to start or to list; no PIN given: PIN_REQUIRED and nothing made', async () => {
      const d = dialog([null]);
      const core = await compose(d);
      expect((await core.service.getOverview()).ok).toBe(true);
      expect(d.asked).toEqual([]);
      await bank.addAccount('pin1', 'pw-pin1');
      const r = await core.service.acquire({ loginId: 'pin1', password: 'pw-pin1' });
      await core.settle();
      expect(r.ok ? null : { code: r.error.code, reason: r.error.detail?.reason }).toEqual({ code: 'STORE_UNAVAILABLE', reason: 'PIN_REQUIRED' });
      expect(d.asked).toEqual([{ token: expect.stringContaining(token.label), tokenLabel: token.label, retry: false, offerRemember: false }]);
      const listed = await core.service.getOverview();
      expect(listed.ok && listed.value.certificates).toEqual([]);
    });

    it('a wrong PIN is asked again saying so; the right one does the 取得; listing after it asks none', async () => {
      const d = dialog(['0000', token.pin]);
      const core = await compose(d);
      const running = core.service.acquire({ loginId: 'pin1', password: 'pw-pin1' });
      // A second operation while the first waits for its PIN: BUSY, not asked.
      const second = await core.service.renew('0'.repeat(64));
      expect(second.ok ? null : second.error.code).toBe('BUSY');
      const r = await running;
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(d.asked.map((q) => q.retry)).toEqual([false, true]);
      // Listing after the operation needs no PIN and asks none.
      const listed = await core.service.getOverview();
      expect(listed.ok && listed.value.certificates.map((c) => c.fingerprint)).toEqual([r.ok ? r.value.certificate.sha256 : '']);
      expect(d.asked).toHaveLength(2);
      await core.settle();
    });

    (o.wrongPins >= 3 ? it : it.skip)('three wrong PINs: PIN_INCORRECT, each asked as a retry after the first', async () => {
      const d = dialog(['0000', '1111', '2222', token.pin]);
      const core = await compose(d);
      const fp = await core.service.getOverview().then((o) => (o.ok ? o.value.certificates[0]!.fingerprint : ''));
      const r = await core.service.renew(fp);
      await core.settle();
      expect(r.ok ? null : { code: r.error.code, reason: r.error.detail?.reason }).toEqual({ code: 'STORE_UNAVAILABLE', reason: 'PIN_INCORRECT' });
      expect(d.asked.map((q) => q.retry)).toEqual([false, true, true]);
    });

    (o.wrongPins >= 3 ? it : it.skip)('rememberPin: the box is offered; unticked nothing is kept, ticked the keychain keeps it after the token took it', async () => {
      const policy = { keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, rememberPin: true } as Policy;
      const store = createKeytarPinStore({ module: token.module, tokenLabel: token.label }, { service: `CertDesk-test-${randomUUID()}` });
      try {
        const d = dialog([{ pin: '0000', remember: true }, { pin: token.pin, remember: false }]);
        expect(await tokenPin(decideCustody(policy, [{ kind: 'nss', lockFile: join(work, 'certdesk-renewal.lock') }]), policy.rememberPin, d.pin, { store, asks: 3 })).toBe(token.pin);
        expect(d.asked.map((q) => [q.retry, q.offerRemember])).toEqual([[false, true], [true, true]]);
        expect(await store.get()).toBeNull();
        expect(await tokenPin(decideCustody(policy, [{ kind: 'nss', lockFile: join(work, 'certdesk-renewal.lock') }]), policy.rememberPin, dialog([{ pin: token.pin, remember: true }]).pin, { store, asks: 3 })).toBe(token.pin);
        expect(await store.get()).toBe(token.pin);
      } finally {
        await store.delete().catch(() => undefined);
      }
    });
  });
}
