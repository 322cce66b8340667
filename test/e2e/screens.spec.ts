// Certificate details for the helpdesk, diagnostics and settings, against the real service.
import { readFileSync } from 'node:fs';
import type { Language } from '../../src/shared/contract';
import { factLines } from '../../src/shared/cert-facts';
import { englishSentences } from '../support/english';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { details: '詳細', heading: '証明書の詳細', copyAll: 'すべてコピー', copied: 'コピーしました。', diag: '診断情報', save: 'ファイルに保存', saved: 'に保存しました', settings: '設定', language: '表示言語', managed: '組織の管理者が設定しています', endpoint: '証明書発行サーバー', reminders: 'ログイン時に有効期限のお知らせを表示する' },
  en: { details: 'Details', heading: 'Certificate details', copyAll: 'Copy all', copied: 'Copied.', diag: 'Diagnostics', save: 'Save to a file', saved: 'Saved to', settings: 'Settings', language: 'Language', managed: 'Managed by your organisation', endpoint: 'Issuing server', reminders: 'Show expiry reminders at login' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];

  test(`certificate details: every field, copyable (${lang})`, async ({ page, renderer, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: renderer.url.replace(/\/$/, '') });
    const id = accountId('details');
    const { fingerprint } = await world.backend.seed(id, 60);
    const bridge = await launch(page, renderer, world.backend, lang);
    await page.locator(`[data-fingerprint="${fingerprint}"]`).getByRole('button', { name: t.details }).click();
    await expect(page.getByRole('heading', { name: t.heading })).toBeVisible();
    const d = await world.backend.api.getDetails(fingerprint);
    if (!d.ok) throw new Error(d.error.message);
    const screen = page.locator('[data-screen="details"]');
    await expect(screen).toContainText(d.value.subject.text);
    await expect(screen).toContainText(d.value.issuer.text);
    await expect(screen).toContainText(d.value.serialHex.toUpperCase().match(/.{1,2}/g)!.join(':'));
    await expect(screen).toContainText(d.value.sha1.toUpperCase().match(/.{2}/g)!.join(':'));
    await expect(screen.locator('textarea')).toHaveValue(d.value.pem);
    // Field by field what `certdesk inspect` prints for this certificate (the shared formatter's lines).
    const rows = screen.locator('[data-fact]');
    await expect(rows).toHaveCount(factLines(d.value, lang).length);
    const shown = await rows.evaluateAll((els) => els.map((e) => `${e.querySelector('dt')?.textContent ?? ''}: ${e.querySelector('dd')?.textContent ?? ''}`));
    expect(shown).toEqual(factLines(d.value, lang));
    if (lang === 'ja') expect(englishSentences(await screen.innerText())).toEqual([]);
    await screen.getByRole('button', { name: t.copyAll }).click();
    await expect(screen.getByRole('status').first()).toHaveText(t.copied);
    const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    expect(copied).toContain(d.value.pem.trim());
    expect(copied).toContain(d.value.subject.text);
    await record(page, '13', 'details', lang);
    expectNoCspViolation(bridge);
  });

  test(`diagnostics: shown and saved through the desktop API (${lang})`, async ({ page, renderer }) => {
    await world.backend.seed(accountId('diag'), 60);
    const bridge = await launch(page, renderer, world.backend, lang);
    await page.getByRole('button', { name: t.diag, exact: true }).click();
    // The service's own report (it carries the time it was made, so compare what is stable).
    const box = page.getByLabel(t.diag);
    await expect(box).toHaveValue(new RegExp(world.backend.dbDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // In the chosen language, times in JST; the machine keys ([store], sha256=) unchanged.
    const text = await box.inputValue();
    expect(text).toMatch(lang === 'ja' ? /^CertDesk 診断情報\n作成日時: \d{4}年\d{1,2}月\d{1,2}日 [\d:]{8} JST\n/ : /^CertDesk diagnostics\ngenerated: [A-Z][a-z]{2} \d{1,2}, \d{4} [\d:]{8} JST\n/);
    expect(text).toContain('[store]');
    if (lang === 'ja') expect(englishSentences(text.split('\n').filter((l) => !/^\w+: [[{"\d]/.test(l) && !l.startsWith('os: ')).join('\n'))).toEqual([]);
    await page.getByRole('button', { name: t.save }).click();
    await expect(page.locator('[data-screen="diagnostics"]')).toContainText(t.saved);
    expect(world.backend.savedDiagnostics).toHaveLength(1);
    expect(readFileSync(world.backend.savedDiagnostics[0]!, 'utf8')).toContain(world.backend.dbDir);
    await record(page, '14', 'diagnostics', lang);
    expectNoCspViolation(bridge);
  });

  test(`settings: language switch and managed fields read-only (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    await page.getByRole('button', { name: t.settings, exact: true }).click();
    const select = page.getByLabel(t.language);
    await expect(select).toHaveValue(lang);
    // The endpoint and bank name come from the machine policy: read-only, said so.
    await expect(page.getByLabel(t.endpoint)).toHaveValue(world.bank.url);
    await expect(page.getByLabel(t.endpoint)).toHaveAttribute('readonly', '');
    await expect(page.locator('[data-screen="settings"]')).toContainText(t.managed);
    const reminders = page.getByLabel(t.reminders);
    await reminders.uncheck();
    const s = await world.backend.api.getSettings();
    expect(s.ok && s.value.remindersAtLogin).toBe(false);
    await record(page, '15', 'settings', lang);
    const other: Language = lang === 'ja' ? 'en' : 'ja';
    await select.selectOption(other);
    await expect(page.locator('html')).toHaveAttribute('lang', other);
    await expect(page.getByRole('heading', { name: T[other].settings })).toBeVisible();
    const after = await world.backend.api.getSettings();
    expect(after.ok && after.value.language).toBe(other);
    expectNoCspViolation(bridge);
  });
}

test('a policy that sets the language hides the switch and locks the setting', async ({ page, renderer }) => {
  const backend = await world.restart({ policy: { language: 'en' } });
  const bridge = await launch(page, renderer, backend, 'en');
  await expect(page.getByRole('button', { name: '日本語' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByLabel('Language')).toBeDisabled();
  expectNoCspViolation(bridge);
});
