// The error panel's "what to do" line when the core promises that the next start finishes the
// job: the promise, never the code's own advice (KEY_MISSING's would send the user to another PC).
import { describe, expect, it } from 'vitest';
import { textKey, todoKey } from '../../src/renderer/src/components/ErrorPanel';
import { REASONS_WITHOUT_RETRY } from '../../src/shared/error-texts';
import { en } from '../../src/renderer/src/i18n/en';
import { ja } from '../../src/renderer/src/i18n/ja';

describe('todoKey', () => {
  it("is the code's own advice by default", () => {
    expect(todoKey({ code: 'KEY_MISSING' })).toBe('errors.KEY_MISSING.todo');
    expect(todoKey({ code: 'KEY_MISSING', detail: { resumesAtStart: false } })).toBe('errors.KEY_MISSING.todo');
  });
  it('is the resume promise when the core says the next start finishes the job', () => {
    expect(todoKey({ code: 'KEY_MISSING', detail: { resumesAtStart: true, store: 'NSS db /x' } })).toBe('error.resumesAtStart');
    expect(todoKey({ code: 'STORE_WRITE_FAILED', detail: { resumesAtStart: true } })).toBe('error.resumesAtStart');
  });
  it('has the words in both languages', () => {
    expect(ja.error.resumesAtStart).toContain('ホームに戻る');
    expect(ja.error.home).toBe('ホームに戻る');
    expect(en.error.resumesAtStart).toContain(en.error.home);
  });
  it('a token PIN reason has its own words, not the store code\'s "cannot be opened"', () => {
    const pin = { code: 'STORE_UNAVAILABLE' as const, detail: { reason: 'PIN_REQUIRED' as const } };
    expect(textKey(pin)).toBe('errorReasons.PIN_REQUIRED');
    expect(todoKey(pin)).toBe('errorReasons.PIN_REQUIRED.todo');
    expect(textKey({ code: 'STORE_UNAVAILABLE', detail: { reason: 'TOOL_MISSING' } })).toBe('errors.STORE_UNAVAILABLE');
    for (const r of ['PIN_REQUIRED', 'PIN_INCORRECT', 'PIN_LOCKED'] as const) {
      for (const cat of [ja, en]) expect(Object.values(cat.errorReasons[r]).every((v) => v.length > 0)).toBe(true);
    }
    expect(ja.errorReasons.PIN_REQUIRED.happened).toContain('何も変更していません');
  });
  it('a keyStorage the custody decision refused has its own words (the company\'s IT changes the policy), and no retry', () => {
    const refused = { code: 'STORE_UNAVAILABLE' as const, detail: { reason: 'CUSTODIAN_UNAVAILABLE' as const, field: 'keyStorage' } };
    expect(textKey(refused)).toBe('errorReasons.KEY_STORAGE_NOT_HERE');
    expect(todoKey(refused)).toBe('errorReasons.KEY_STORAGE_NOT_HERE.todo');
    expect(REASONS_WITHOUT_RETRY).toContain('KEY_STORAGE_NOT_HERE');
    // The window's catalogs take the shared table's words (REASON_TEXTS).
    const words = (cat: typeof ja | typeof en) => (cat.errorReasons as Record<string, { title: string; happened: string; todo: string }>).KEY_STORAGE_NOT_HERE!;
    expect(words(ja).todo).toContain('会社のIT部門');
    expect(words(en).todo).toContain("company's IT");
    // A key store this run cannot reach for another cause keeps the store's words.
    expect(textKey({ code: 'STORE_UNAVAILABLE', detail: { reason: 'CUSTODIAN_UNAVAILABLE' } })).toBe('errors.STORE_UNAVAILABLE');
  });
  it('the core\'s process stopping has its own words: not resent, the journal decides, what to press (ja, en)', () => {
    const stopped = { code: 'INTERNAL' as const, detail: { reason: 'CORE_STOPPED' as const, operation: 'renew' } };
    expect(textKey(stopped)).toBe('errorReasons.CORE_STOPPED');
    expect(todoKey(stopped)).toBe('errorReasons.CORE_STOPPED.todo');
    expect(textKey({ code: 'INTERNAL' })).toBe('errors.INTERNAL');
    expect(ja.errorReasons.CORE_STOPPED.happened).toContain('二度送ることはありません');
    expect(ja.errorReasons.CORE_STOPPED.todo).toContain(ja.error.home);
    expect(ja.errorReasons.CORE_STOPPED.todo).toContain('ジャーナル');
    expect(en.errorReasons.CORE_STOPPED.happened).toContain('Nothing is sent to the bank twice');
    expect(en.errorReasons.CORE_STOPPED.todo).toContain(en.error.home);
    expect(en.errorReasons.CORE_STOPPED.todo).toContain('journal');
  });
});
