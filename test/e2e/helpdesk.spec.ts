// The helpdesk named from the policy's `support`: on every error screen, the home screen's
// footer and the diagnostics screen; without it, the text says where the bank's contact is.
import type { Language } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const SUPPORT = { name: 'デモ信用金庫 法人IBヘルプデスク', phone: '0120-000-000', hours: '平日 9:00〜17:00', url: 'https://ib.example.jp/support', email: 'ib-help@example.jp' };

const T = {
  ja: { contact: 'お問い合わせ先', acquire: '電子証明書取得', loginId: 'ログインID', password: 'ログインパスワード', submit: '取得する', authTitle: 'ログインIDまたはパスワードが違います', diag: '診断情報', none: '法人インターネットバンキングのご案内' },
  en: { contact: 'Contact', acquire: 'Obtain certificate', loginId: 'Login ID', password: 'Login password', submit: 'Obtain', authTitle: 'Login ID or password is wrong', diag: 'Diagnostics', none: 'corporate internet banking documents of デモ信用金庫' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`the helpdesk is named on home, on an error and in diagnostics (${lang})`, async ({ page, renderer }) => {
    const backend = await world.restart({ policy: { support: SUPPORT } });
    const id = accountId(`help-${lang}`);
    await backend.seed(id, -5);
    const bridge = await launch(page, renderer, backend, lang);
    const support = page.getByTestId('support');

    // Home's footer.
    await expect(support).toContainText(t.contact);
    for (const v of Object.values(SUPPORT)) await expect(support).toContainText(v);
    await record(page, '53', 'home-support', lang);

    // An error screen: a wrong password at 取得.
    await page.getByRole('button', { name: t.acquire }).first().click();
    await page.getByLabel(t.loginId).fill(id);
    await page.getByLabel(t.password).fill('wrong-password');
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page.getByRole('heading', { name: t.authTitle })).toBeVisible();
    await expect(page.locator('[data-screen="error"]').getByTestId('support')).toContainText(SUPPORT.phone);
    await record(page, '54', 'error-support', lang);

    // Diagnostics.
    await page.getByRole('button', { name: t.diag, exact: true }).click();
    await expect(page.locator('[data-screen="diagnostics"]').getByTestId('support')).toContainText(SUPPORT.name);
    expectNoCspViolation(bridge);
  });

  test(`without support in the policy the text says the contact is in the bank's IB documents (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    await expect(page.getByTestId('support')).toContainText(t.none);
    await page.getByRole('button', { name: t.diag, exact: true }).click();
    await expect(page.locator('[data-screen="diagnostics"]').getByTestId('support')).toContainText(t.none);
    expectNoCspViolation(bridge);
  });
}
