// The command line's words: every error code said in both languages, saying what the error
// policy says to do, and the phases worded as the app's screens word them.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type Language, type Phase } from '../../src/shared/contract';
import { errorPolicy } from '../../src/shared/error-policy';
import { PHASE_WORDS } from '../../src/shared/phase-words';
import { catalogs } from '../../src/main/cli/messages';
import { ja } from '../../src/shared/i18n/ja';
import { en } from '../../src/shared/i18n/en';

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

describe('one catalog for the window and the command line', () => {
  const keys = (o: object, p = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? keys(v as object, `${p}${k}.`) : [`${p}${k.replace(/_(one|other)$/, '')}`]));
  const placeholders = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();

  it('the command line’s words have the same keys and placeholders in both languages', () => {
    expect([...new Set(keys(en.cli))].sort()).toEqual([...new Set(keys(ja.cli))].sort());
    const flat = (o: object, p = ''): [string, string][] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[`${p}${k}`, v] as [string, string]] : flat(v as object, `${p}${k}.`)));
    const enWords = new Map(flat(en.cli));
    for (const [k, v] of flat(ja.cli)) {
      const other = enWords.get(k) ?? enWords.get(k.replace(/_other$/, '_one'));
      expect(placeholders(other ?? ''), k).toEqual(placeholders(v));
    }
  });

  it.each(LANGUAGES)('%s: the command line reads the catalog through i18next (no key left unresolved, nothing left to fill)', (lang) => {
    const c = catalogs[lang];
    const said = [c.none, c.done, c.notice, c.noticeLine, c.replaced(true), c.replaced(false), c.daysLeft(3), c.daysLeft(-1), c.keysToRemove(1, 'db'), c.keysToRemove(2, 'db'),
      c.unfinished('renew', 's', 't', true), c.unfinished('acquire', 's', 't', false), c.policyIgnored('f', 'u.json', 'm.json', 'SET_BY_IT'), c.pending(2, 90, '10:00'),
      c.usage.unknownCommand('x', 'y'), c.usage.unknownOption('x'), c.support(), c.newPc('https://bank.example'), ...Object.values(c.error), ...Object.values(c.state)];
    for (const s of said) {
      expect(s, s).not.toMatch(/^(cli|home|done|issuing|request|error)\./);
      expect(s, s).not.toContain('{{');
    }
  });

  it.each(LANGUAGES)('%s: one fact, one wording: the done screen, the notice and the wait are the window’s words', (lang) => {
    const ui = lang === 'ja' ? ja : en;
    const c = catalogs[lang];
    expect(c.done).toBe(ui.done.heading);
    expect(c.replaced(true)).toBe(ui.done.removedOld);
    expect(c.notice).toBe(ui.home.noticeTitle);
    expect(c.noticeLine).toContain(ui.home.noticeLabel);
    expect(c.holder).toBe(ui.home.holder);
    expect(c.request.honoured).toBe(ui.request.honoured);
    expect(c.error).toEqual(ui.cli.error);
    if (lang === 'en') expect([c.keysToRemove(1, 'db'), c.keysToRemove(2, 'db')]).toEqual([expect.stringMatching(/^1 key of .* is still .* removes it\.$/), expect.stringMatching(/^2 keys of .* are still .* removes them\.$/)]);
  });
});
