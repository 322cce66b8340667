// Every reason an error can carry has words in both languages: the test reads the sources for
// the reasons they make (test/support/reasons-in-src.ts) and the bank's named reasons, and
// fails when one would reach a reader as a bare code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorDetailText } from '../../src/shared/error-detail';
import { REASON_TEXTS } from '../../src/shared/error-texts';
import { reasonWords } from '../../src/shared/i18n/reason-words';
import { reasonsInSource } from '../support/reasons-in-src';

const ROOT = join(import.meta.dirname, '..', '..');
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
// A scheduled check's outcomes (CheckItem.reason) are not errors: check-words says them.
const sites = reasonsInSource(ROOT, ['src/main', 'src/shared'], ['src/main/core/renewal/check.ts']);
/** The reasons a bank names in its 403 answer, as status-errors.ts's table knows them. */
const bankReasons = [...readFileSync(join(ROOT, 'src/main/core/est/status-errors.ts'), 'utf8').matchAll(/^\s+([A-Z_]+): \{\s*\n?\s*code:/gm)].map((m) => m[1]!);
const reasons = [...new Set([...sites.map((s) => s.reason), ...bankReasons, ...Object.keys(REASON_TEXTS.ja)])].sort();
const where = (r: string) => sites.filter((s) => s.reason === r).map((s) => `${s.file}:${s.line}`).join(', ') || 'a bank answer';

describe('reason words', () => {
  it('finds the reasons the sources make: literals, ternaries, and helpers whose parameter is named reason', () => {
    // One of each kind, so that a scanner that stopped finding them fails here, not silently.
    expect(reasons).toEqual(expect.arrayContaining(['DNS', 'MISSING', 'UNREADABLE', 'KEY_MISMATCH', 'LOGIN_FAILED', 'DB_CORRUPT', 'TOO_LONG', 'SUPERSEDED', 'GRACE_OVER']));
    // A comparison is not a reason, nor is an error code named as one by mistake of the scanner.
    expect(reasons).not.toContain('ENOENT');
    expect(reasons.length).toBeGreaterThan(150);
  });

  it.each(reasons)('%s has words in Japanese and in English', (reason) => {
    const ja = reasonWords(reason, 'ja');
    const en = reasonWords(reason, 'en');
    expect(ja ?? '', `no Japanese words for ${reason} (made at ${where(reason)}): add it to src/shared/i18n/reasons-ja.ts`).toMatch(JAPANESE);
    expect(en ?? '', `no English words for ${reason} (made at ${where(reason)}): add it to src/shared/i18n/reasons-en.ts`).toMatch(/^[A-Z]/);
    expect(en).not.toMatch(JAPANESE);
  });

  it('the 詳細 line says the reason in words with its code; a bank spelling its reason in lower case is found too', () => {
    expect(errorDetailText({ code: 'STORE_UNAVAILABLE', message: 'x', detail: { reason: 'DB_CORRUPT' } }, 'ja')).toContain('理由: 証明書の保存場所（NSS データベース）が壊れています（DB_CORRUPT）');
    expect(reasonWords('not_open', 'en')).toBe(reasonWords('NOT_OPEN', 'en'));
    expect(reasonWords('constructor', 'ja')).toBeUndefined();
  });
});
