// Launched by a certdesk: link (the bank's 「証明書発行アプリの起動」): the shell parses the link
// and sends a launch event; the window asks before it does anything, いいえ does nothing.
import type { Language } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { renewTitle: '電子証明書の更新を始めますか？', acquireTitle: '電子証明書の取得を始めますか？', yes: 'はい', no: 'いいえ', start: '電子証明書更新開始', acquire: '電子証明書取得', loginId: 'ログインID', diag: '診断情報', home: 'デモ信用金庫 電子証明書' },
  en: { renewTitle: 'Start renewing your certificate?', acquireTitle: 'Start obtaining a certificate?', yes: 'Yes', no: 'No', start: 'Start certificate renewal', acquire: 'Obtain certificate', loginId: 'Login ID', diag: 'Diagnostics', home: 'デモ信用金庫 certificates' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`a certdesk: link asks first, then renews or opens 取得 with the login ID (${lang})`, async ({ page, renderer }) => {
    const id = accountId(`link-${lang}`);
    await world.backend.seed(id, 20);
    const bridge = await launch(page, renderer, world.backend, lang);
    const dialog = page.getByRole('dialog');

    // certdesk://renew: asked, naming whose certificate; いいえ (focused first) changes nothing.
    bridge.emit('launch', { action: 'renew' });
    await expect(dialog.getByRole('heading', { name: t.renewTitle })).toBeVisible();
    await expect(dialog).toContainText(id);
    await expect(dialog.getByRole('button', { name: t.no })).toBeFocused();
    await record(page, '55', 'launch-renew', lang);
    await dialog.getByRole('button', { name: t.no }).click();
    await expect(dialog).toHaveCount(0);
    expect(bridge.calls).not.toContain('runPreflight');

    // Asked again, はい: the checks of the renewable certificate start.
    bridge.emit('launch', { action: 'renew' });
    await dialog.getByRole('button', { name: t.yes }).click();
    await expect(page.getByRole('heading', { name: t.start })).toBeVisible({ timeout: 60_000 });
    expect(bridge.calls).toContain('runPreflight');

    // certdesk://acquire?loginId=…: the question names the login ID, the form starts with it.
    bridge.emit('launch', { action: 'acquire', loginId: 'DEMO0001' });
    await expect(dialog.getByRole('heading', { name: t.acquireTitle })).toBeVisible();
    await expect(dialog).toContainText('DEMO0001');
    await dialog.getByRole('button', { name: t.yes }).click();
    await expect(page.getByRole('heading', { name: t.acquire })).toBeVisible();
    await expect(page.getByLabel(t.loginId)).toHaveValue('DEMO0001');

    // certdesk://open: home, nothing asked.
    await page.getByRole('button', { name: t.diag, exact: true }).click();
    bridge.emit('launch', { action: 'open' });
    await expect(page.getByRole('heading', { name: t.home })).toBeVisible();
    await expect(dialog).toHaveCount(0);
    expect(bridge.calls).not.toContain('renew');
    expect(bridge.calls).not.toContain('acquire');
    expectNoCspViolation(bridge);
  });
}
