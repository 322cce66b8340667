import { expect, type Page } from '@playwright/test';

// Runs in the page; the test project has no DOM types, so the page is described here.
interface El {
  getAttribute(n: string): string | null;
  textContent: string | null;
}
interface PageGlobals {
  document: { activeElement: El | null; querySelector(s: string): El | null };
  getComputedStyle(el: El): { outlineStyle: string; outlineWidth: string };
}

/** Presses Tab until the focused element is the control named `name` (never clicks). */
export async function tabTo(page: Page, name: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const el = g.document.activeElement;
      if (!el) return '';
      const id = el.getAttribute('id');
      const byFor = id ? g.document.querySelector(`label[for="${id}"]`)?.textContent : null;
      return (el.getAttribute('aria-label') ?? byFor ?? el.textContent ?? '').trim();
    });
    if (label === name) return;
  }
  throw new Error(`"${name}" was not reached with Tab`);
}

/** The focused element is visibly outlined (focus must be seen, not guessed). */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const outline = await page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const el = g.document.activeElement;
    if (!el) return 'none';
    const s = g.getComputedStyle(el);
    return `${s.outlineStyle} ${s.outlineWidth}`;
  });
  expect(outline).not.toMatch(/^none|0px$/);
}
