// Opening the app in a page and the checks every screen gets: a screenshot per language
// and an axe scan with no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { Language } from '../../src/shared/contract';
import { expect, installBridge, type Bridge, type RendererServer } from './fixtures';
import type { Backend } from './backend';

export const SCREENS_DIR = 'test-results/screens';

export async function launch(page: Page, renderer: RendererServer, backend: Backend, lang: Language = 'ja'): Promise<Bridge> {
  const bridge = await installBridge(page, backend);
  // The user's language as a saved setting; a policy that fixes it (or is broken) wins.
  const current = await backend.api.getSettings();
  if (current.ok && current.value.language !== lang && !current.value.managed.includes('language')) {
    const s = await backend.api.updateSettings({ language: lang });
    expect(s.ok, JSON.stringify(s)).toBe(true);
  }
  await page.setViewportSize({ width: 960, height: 720 });
  await page.goto(renderer.url);
  await expect(page.locator('[data-screen]').first()).toBeVisible();
  if (current.ok) await expect(page.locator('html')).toHaveAttribute('lang', current.value.managed.includes('language') ? current.value.language : lang);
  return bridge;
}

/** Screenshot named NN-screen-lang.png, and the accessibility scan of the same state. */
export async function record(page: Page, nn: string, screen: string, lang: Language): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENS_DIR}/${nn}-${screen}-${lang}.png`, fullPage: true });
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
}

export function expectNoCspViolation(bridge: Bridge): void {
  expect(bridge.cspViolations).toEqual([]);
}
