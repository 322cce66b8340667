// What the bank's /csrattrs asked for, on the screen after the checks: a bank whose /csrattrs
// asks for an ECDSA P-256 key, SHA-256, the client certificate's extensions and a
// challengePassword (the simulator's `rich` shape), read by the real preflight.
import type { Language } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { englishSentences } from '../support/english';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld({ csrAttrs: 'rich' });

const T = {
  ja: { link: '電子証明書の更新はこちら', start: '電子証明書更新開始', title: '今回の申請の内容', key: 'ECDSA P-256（銀行の指定）', hash: 'SHA-256（銀行の指定）', details: '銀行からの指定の詳細（ヘルプデスク向け）', ignored: '採用しなかった指定', custody: 'ブラウザーの証明書データベース（NSS）の中で作り、そのまま保管します' },
  en: { link: 'Renew your certificate here', start: 'Start certificate renewal', title: 'What the request will contain', key: "ECDSA P-256 (the bank's choice)", hash: "SHA-256 (the bank's choice)", details: 'What the bank asked for (for the helpdesk)', ignored: 'Not followed', custody: "made and kept inside the browsers' certificate database (NSS)" },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`the checks show what the bank asked the request to contain (${lang})`, async ({ page, renderer }) => {
    await world.backend.seed(accountId(`csrattrs-${lang}`), 20);
    const bridge = await launch(page, renderer, world.backend, lang);
    await page.getByRole('link', { name: t.link }).first().click();
    await expect(page.getByRole('heading', { name: t.start })).toBeVisible({ timeout: 60_000 });

    // Key type, signature and what the bank asked stay behind the helpdesk's disclosure until opened.
    const box = page.getByTestId('request');
    const challenge = box.getByText(/challengePassword/);
    await expect(challenge).toBeHidden();
    await expect(box.getByText(t.key)).toBeHidden();
    await record(page, '56', 'start-request', lang);
    await box.getByText(t.details).click();
    await expect(box.getByRole('heading', { name: t.title })).toBeVisible();
    await expect(box).toContainText(t.key);
    await expect(box).toContainText(t.hash);
    await expect(box.getByRole('heading', { name: t.ignored })).toBeVisible();
    await expect(challenge).toBeVisible();
    // Where the key is kept: the core's custody decision as the preflight reported it (one NSS db, keyStorage "store").
    await expect(box.locator('[data-fact="custody-nss-token"]')).toContainText(t.custody);
    // In the reader's language: the bank's wishes and what was done with them, no English sentence.
    if (lang === 'ja') expect(englishSentences(await box.innerText())).toEqual([]);
    await record(page, '57', 'start-request-details', lang);
    expectNoCspViolation(bridge);
  });
}
