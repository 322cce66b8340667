// Issue 29: the command line's catalog is built on first use, for the language used only.
// Building both at load cost every run (status too) 10–16 ms of CPU in i18next.
import { describe, expect, it, vi } from 'vitest';

const built = vi.hoisted(() => [] as string[]);
vi.mock('../../src/shared/i18n', async (original) => {
  const real = await original<typeof import('../../src/shared/i18n')>();
  return { ...real, translator: (lang: 'ja' | 'en') => (built.push(lang), real.translator(lang)) };
});

describe('the command line’s catalogs', () => {
  it('loading the messages builds none; the first word read builds its language alone, once', async () => {
    const { catalogs } = await import('../../src/main/cli/messages');
    expect(built).toEqual([]);
    expect(catalogs.en.none).toBeTruthy();
    expect(catalogs.en.passed).toBeTruthy();
    expect(built).toEqual(['en']);
    expect(catalogs.ja.none).not.toBe(catalogs.en.none);
    expect(built).toEqual(['en', 'ja']);
  });
});
