// The window's PIN dialog on a retry says what the token told of the tries left (issue 26;
// the flag itself on a real softhsm2 token: test/custody/pin-tries.test.ts), in both languages,
// filled as PinDialog.tsx fills it.
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { pinTriesKey } from '../../src/renderer/src/components/ErrorPanel';
import { en } from '../../src/shared/i18n/en';
import { ja } from '../../src/shared/i18n/ja';

describe("the window's PIN dialog words for the tries left", () => {
  it.each([
    ['ja', ja, 'low', '残りの回数が少なくなっている'],
    ['ja', ja, 'finalTry', '次にPINを間違えると、この装置はロックされます'],
    ['ja', ja, 'unknown', '多くは3回ほど'],
    ['en', en, 'low', 'only a few tries of the PIN are left'],
    ['en', en, 'finalTry', 'the next wrong PIN locks it'],
    ['en', en, 'unknown', 'often about three'],
  ] as const)('%s %s: the retry line names it', async (lang, catalog, tries, words) => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: lang, resources: { [lang]: { translation: catalog } }, interpolation: { escapeValue: false } });
    // As PinDialog.tsx fills it.
    const line = i18n.t('pin.retry', { tries: i18n.t(`pin.tries.${tries}`) });
    expect(line).toContain(words);
    expect(line).toContain(lang === 'ja' ? 'PINが違います' : 'The PIN is wrong');
    expect(line).not.toContain('{{');
  });
});

describe("the window's error panel after the last wrong PIN", () => {
  it('says what the token told (low, final try) under what happened; nothing more where it told nothing', () => {
    expect(pinTriesKey({ detail: { reason: 'PIN_INCORRECT', pinTries: 'low' } })).toBe('pin.tries.low');
    expect(pinTriesKey({ detail: { reason: 'PIN_INCORRECT', pinTries: 'finalTry' } })).toBe('pin.tries.finalTry');
    expect(pinTriesKey({ detail: { reason: 'PIN_INCORRECT', pinTries: 'unknown' } })).toBeNull();
    expect(pinTriesKey({ detail: { reason: 'PIN_INCORRECT' } })).toBeNull();
    expect(pinTriesKey({ detail: { reason: 'PIN_LOCKED', pinTries: 'locked' } })).toBeNull();
    expect(ja.pin.tries.finalTry).toContain('ロックされます');
    expect(en.pin.tries.finalTry).toContain('locks it');
  });
});
