// policy rememberPin: a token's PIN kept in the OS keychain (the test's real gnome-keyring),
// only once the token took it, used without asking, forgotten and asked again when the
// token's PIN has changed; without rememberPin it is asked every time and never kept.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/shared/policy';
import { tokenPin } from '../../src/main/core/compose/token';
import { decideCustody } from '../../src/main/core/store';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { createKeytarPinStore, type PinStore } from '../../src/main/core/vault';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

const why = missing('softhsm2');
// The key's custody as compose decides it for an NSS store: the policy's module and token.
const NSS = [{ kind: 'nss' as const, lockFile: '/nssdb/certdesk-renewal.lock' }];
(why ? describe.skip : describe)('rememberPin', () => {
  let work: string;
  let token: TestToken;
  let store: PinStore;
  let policy: Policy;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'certdesk-remember-pin-'));
    token = await startSofthsm(join(work, 'token'), 'Remember Card');
    store = createKeytarPinStore({ module: token.module, tokenLabel: token.label }, { service: `CertDesk-test-${randomUUID()}` });
    policy = { keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, rememberPin: true } as Policy;
  });
  afterAll(async () => {
    await store?.delete().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  const never = async (): Promise<string | null> => {
    throw new Error('asked although the keychain holds the PIN');
  };

  it('keeps nothing for a wrong PIN, keeps the right one once the token took it, then uses it without asking', async () => {
    await expect(tokenPin(decideCustody(policy, NSS), policy.rememberPin, async () => '0000', { store })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT' } });
    expect(await store.get()).toBeNull();
    expect(await tokenPin(decideCustody(policy, NSS), policy.rememberPin, async () => token.pin, { store })).toBe(token.pin);
    expect(await store.get()).toBe(token.pin);
    expect(await tokenPin(decideCustody(policy, NSS), policy.rememberPin, never, { store })).toBe(token.pin);
  });

  it('a PIN changed on the token since: the kept one is forgotten and the new one asked and kept', async () => {
    await withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'write', (s) => s.p11.C_SetPIN(s.session, token.pin, '24680'));
    expect(await tokenPin(decideCustody(policy, NSS), policy.rememberPin, async () => '24680', { store })).toBe('24680');
    expect(await store.get()).toBe('24680');
  });

  it('without rememberPin the PIN is asked every time and never kept', async () => {
    await store.delete();
    const asked: string[] = [];
    const off = { ...policy, rememberPin: false };
    for (let i = 0; i < 2; i++) expect(await tokenPin(decideCustody(off, NSS), off.rememberPin, async () => (asked.push('x'), '24680'), { store })).toBe('24680');
    expect(asked).toHaveLength(2);
    expect(await store.get()).toBeNull();
  });
});
