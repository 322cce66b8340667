// The UI catalogs: the compiler already demands a text per ErrorCode (ErrorCatalog); this
// checks what it cannot: no empty text, the same placeholders in both languages, and only
// placeholders the error panel fills.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/shared/contract';
import { en } from '../../src/renderer/src/i18n/en';
import { ja } from '../../src/renderer/src/i18n/ja';

const placeholders = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
/** What ErrorPanel's errorVars always provides. */
const FILLED = new Set(['field', 'date']);

describe('error texts', () => {
  it.each(ERROR_CODES)('%s: title, what happened and what to do in both languages, same placeholders', (code) => {
    for (const part of ['title', 'happened', 'todo'] as const) {
      const j = ja.errors[code][part];
      const e = en.errors[code][part];
      expect(j.trim(), `ja ${code}.${part}`).not.toBe('');
      expect(e.trim(), `en ${code}.${part}`).not.toBe('');
      expect(placeholders(e), `${code}.${part}`).toEqual(placeholders(j));
      for (const p of placeholders(j)) expect(FILLED.has(p), `${code}.${part} uses {{${p}}}`).toBe(true);
    }
  });

  it('has no text for a code the contract does not have', () => {
    expect(Object.keys(ja.errors).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.keys(en.errors).sort()).toEqual([...ERROR_CODES].sort());
  });
});
