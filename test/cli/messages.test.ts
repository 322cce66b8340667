// The command line's words: every error code said in both languages, saying what the error
// policy says to do, and the phases worded as the app's screens word them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type Language, type Phase } from '../../src/shared/contract';
import { errorPolicy } from '../../src/shared/error-policy';
import { PHASE_WORDS } from '../../src/shared/phase-words';
import { catalogs } from '../../src/main/cli/messages';

const LANGUAGES: readonly Language[] = ['ja', 'en'];
// The wording every code had before each one had its own; what the user could do was missing.
const GENERIC = { ja: 'エラーが発生しました。', en: 'An error occurred.' };
const AGAIN = { ja: 'もう一度', en: 'again' };
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

describe('the command line’s error messages', () => {
  it.each(LANGUAGES)('%s: one message per code, each its own, none the generic fallback', (lang) => {
    const error = catalogs[lang].error;
    expect(Object.keys(error).sort()).toEqual([...ERROR_CODES].sort());
    for (const c of ERROR_CODES) {
      expect(error[c].trim(), c).not.toBe('');
      expect(error[c], c).not.toBe(GENERIC[lang]);
      expect(JAPANESE.test(error[c]), `${c} in ${lang}`).toBe(lang === 'ja');
    }
    expect(new Set(Object.values(error)).size).toBe(ERROR_CODES.length);
  });

  it.each(LANGUAGES)('%s: says what the error policy offers: 取得 by its command, a retry in words', (lang) => {
    for (const c of ERROR_CODES) {
      const p = errorPolicy(c);
      if (p.offersAcquire) expect(catalogs[lang].error[c], c).toContain('certdesk acquire');
      if (p.retry) expect(catalogs[lang].error[c], c).toContain(AGAIN[lang]);
    }
  });
});

describe('one wording per phase', () => {
  it('the command line words the phases as the app does', async () => {
    for (const lang of LANGUAGES) {
      expect(catalogs[lang].phase).toEqual(PHASE_WORDS[lang]);
      // Read at run time: the renderer's files are not part of the node typecheck project.
      const ui = (await import(join(import.meta.dirname, '..', '..', 'src', 'renderer', 'src', 'i18n', `${lang}.ts`))) as Record<Language, { phase: Record<Phase, string> }>;
      expect(ui[lang].phase, `the app's ${lang} catalog`).toEqual(PHASE_WORDS[lang]);
    }
  });
});
