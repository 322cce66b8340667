import { expect, type Page } from '@playwright/test';

/** Presses Tab until the focused element is the control named `name` (never clicks). */
export async function tabTo(page: Page, name: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const id = el.getAttribute('id');
      const byFor = id ? document.querySelector(`label[for="${id}"]`)?.textContent : null;
      return (el.getAttribute('aria-label') ?? byFor ?? el.textContent ?? '').trim();
    });
    if (label === name) return;
  }
  throw new Error(`"${name}" was not reached with Tab`);
}

/** The focused element is visibly outlined (focus must be seen, not guessed). */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const outline = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return 'none';
    const s = getComputedStyle(el);
    return `${s.outlineStyle} ${s.outlineWidth}`;
  });
  expect(outline).not.toMatch(/^none|0px$/);
}
