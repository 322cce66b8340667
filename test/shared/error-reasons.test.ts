// detail.reason is typed per error code (src/shared/error-reasons.ts): one list per code, the
// error table's facts among them, and a misspelt or foreign reason does not compile where an
// error is made, matched or named in the table. The typecheck is the test of the last part:
// npm test's typecheck step runs tsc over this file, and a `@ts-expect-error` line that stops
// erroring (a reason typed as any string again) fails it.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ApiError } from '../../src/shared/contract';
import { ERROR_POLICY } from '../../src/shared/error-policy';
import { ERROR_REASONS, errnoOf } from '../../src/shared/error-reasons';
import { CoreError, isCoreError } from '../../src/main/core/errors';
import { reasonWords } from '../../src/shared/i18n/reason-words';

describe('the reasons of each error code', () => {
  it('has one list per code, each reason once', () => {
    expect(Object.keys(ERROR_REASONS).sort()).toEqual([...ERROR_CODES].sort());
    for (const [code, reasons] of Object.entries(ERROR_REASONS)) expect(new Set(reasons).size, code).toBe(reasons.length);
  });

  it('every listed reason has words in Japanese and in English (a reason the scanner of reason-words.test misses too)', () => {
    const missing = [...new Set(Object.values(ERROR_REASONS).flat())].filter((r) => !/[\u3040-\u30ff\u4e00-\u9fff]/.test(reasonWords(r, 'ja') ?? '') || !/^[A-Z]/.test(reasonWords(r, 'en') ?? ''));
    expect(missing).toEqual([]);
  });

  it("names in the error table's facts only reasons of the row's code", () => {
    for (const [code, row] of Object.entries(ERROR_POLICY)) {
      for (const w of row.when ?? []) {
        if (w.detail.reason !== undefined) expect(ERROR_REASONS[code as keyof typeof ERROR_REASONS] as readonly string[], code).toContain(w.detail.reason);
      }
    }
  });

  it('a misspelt reason, or another code’s, does not compile: where an error is made, matched or named in the table', () => {
    const right = new CoreError('KEY_MISSING', 'The certificate is here, its key is not.', { reason: 'KEY_NOT_LISTED' });
    // @ts-expect-error misspelt (KEY_NOT_LISTED)
    const misspelt = new CoreError('KEY_MISSING', 'x', { reason: 'KEY_NOT_LSTED' });
    // @ts-expect-error a reason of another code (STORE_UNAVAILABLE's), not KEY_MISSING's
    const foreign = new CoreError('KEY_MISSING', 'x', { reason: 'PIN_LOCKED' });
    expect([misspelt.code, foreign.code]).toEqual(['KEY_MISSING', 'KEY_MISSING']);

    // Matching sites: an ApiError, a caught CoreError (instanceof keeps the reason typed), a code's own.
    const api: ApiError = right.toApiError();
    // @ts-expect-error misspelt where an error is matched
    expect(api.detail?.reason === 'KEY_NOT_LSTED').toBe(false);
    expect(api.detail?.reason === 'KEY_NOT_LISTED').toBe(true);
    const caught: unknown = right;
    // @ts-expect-error misspelt after instanceof
    if (caught instanceof CoreError) expect(caught.detail?.reason === 'KEY_NOT_LSTED').toBe(false);
    // @ts-expect-error a reason KEY_MISSING never carries, once the code is known
    if (isCoreError(caught, 'KEY_MISSING')) expect(caught.detail?.reason === 'PIN_LOCKED').toBe(false);

    // The error table's facts: the row's own reasons only.
    const row: (typeof ERROR_POLICY)['KEY_MISSING'] = {
      ...ERROR_POLICY.KEY_MISSING,
      // @ts-expect-error STORE_UNAVAILABLE's reason in KEY_MISSING's row
      when: [{ detail: { reason: 'PIN_LOCKED' }, then: { resumesAtStart: true } }],
    };
    expect(row.exit).toBe(ERROR_POLICY.KEY_MISSING.exit);
  });

  it("passes an OS error's code on as the reason only where it has an errno's shape", () => {
    expect(errnoOf(Object.assign(new Error('full'), { code: 'ENOSPC' }))).toBe('ENOSPC');
    expect(errnoOf(Object.assign(new Error('x'), { code: 'not-an-errno' }))).toBeUndefined();
    expect(errnoOf(new Error('no code'))).toBeUndefined();
    expect(errnoOf(null)).toBeUndefined();
  });
});
