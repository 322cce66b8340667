// How many PIN tries are left, as the token says it (issue 26): softhsm2 sets
// CKF_USER_PIN_COUNT_LOW in C_GetTokenInfo's flags after a refused login and clears it after a
// good one. The flag arrives as the PIN error's detail.pinTries, in the app's retry question,
// and in the words of both front ends (the window's dialog catalogs, the command line's
// headline) in Japanese and English; the window's dialog words: test/renderer/pin-tries.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/shared/contract';
import type { Policy } from '../../src/shared/policy';
import { en } from '../../src/shared/i18n/en';
import { ja } from '../../src/shared/i18n/ja';
import { tokenPin, type PinQuestion } from '../../src/main/core/compose/token';
import { decideCustody } from '../../src/main/core/store';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { catalogs, errorHeadline } from '../../src/main/cli/messages';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

const why = missing('softhsm2');
(why ? describe.skip : describe)('the PIN tries the token says are left', () => {
  let work: string;
  let token: TestToken;
  let policy: Policy;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'certdesk-pin-tries-'));
    token = await startSofthsm(join(work, 'token'), 'Tries Card');
    policy = { keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, rememberPin: false } as Policy;
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const login = (pin: string) => withModuleToken({ module: token.module, tokenLabel: token.label, pin }, 'read', () => 'in');

  it('a wrong PIN: PIN_INCORRECT with the flag softhsm2 sets (pinTries "low"); the right PIN still logs in', async () => {
    const err = await login('0000').then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT', pinTries: 'low' } });
    expect((err as Error).message).toContain('only a few tries are left');
    expect(await login(token.pin)).toBe('in');
  });

  it("the app's retry question carries it; the first question has none", async () => {
    const asked: PinQuestion[] = [];
    const replies = ['1111', token.pin];
    expect(await tokenPin(decideCustody(policy, [{ kind: 'nss', lockFile: join(work, 'certdesk-renewal.lock') }]), policy.rememberPin, async (q: PinQuestion) => (asked.push(q), replies.shift() ?? null), { asks: 3 })).toBe(token.pin);
    expect(asked.map((q) => [q.retry, q.pinTries])).toEqual([
      [false, undefined],
      [true, 'low'],
    ]);
  });

  it('the command line says it in both languages, after the wrong-PIN headline', async () => {
    const err = await login('2222').then(() => null, (e: ApiError<'STORE_UNAVAILABLE'>) => e);
    const jaLine = errorHeadline(catalogs.ja, err!, false);
    expect(jaLine).toBe(`PINが違います。何も変更していません。正しいPINを確かめて、もう一度実行してください。${ja.pin.tries.low}`);
    expect(jaLine).toContain('残りの回数が少なくなっている');
    expect(errorHeadline(catalogs.en, err!, false)).toBe(`The PIN is wrong; nothing was changed. Check the PIN and run it again. ${en.pin.tries.low}`);
    // A token that tells nothing (tpm2-pkcs11, many cards): what is usual, as before.
    expect(errorHeadline(catalogs.ja, { code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT', pinTries: 'unknown' } }, false)).toContain('多くは3回ほど');
    expect(errorHeadline(catalogs.en, { code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT' } }, false)).toContain('often about three');
  });
});
