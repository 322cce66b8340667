// The home screen with data that came through the contract from the real renewal service
// (bank simulator + NSS db): one certificate in each phase, as cards, in both languages.
import type { Language } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { renewable: '更新期間中', valid: '有効', acquirable: '有効期限切れ（取得可能）', reissue: '再発行が必要', renew: '証明書更新', acquire: '電子証明書取得', notice: '電子証明書の更新をお願いします', link: '電子証明書の更新はこちら', none: '電子証明書が見つかりません', left: '残り20日', ago: '5日前に期限切れ', opens: '更新は', branch: 'お取引店窓口へお申し出ください' },
  en: { renewable: 'Renewal open', valid: 'Valid', acquirable: 'Expired (can be obtained again)', reissue: 'Reissue required', renew: 'Renew certificate', acquire: 'Obtain certificate', notice: 'Please renew your certificate', link: 'Renew your certificate here', none: 'No デモ信用金庫 certificate was found', left: '20 days left', ago: 'expired 5 days ago', opens: 'Renewal opens on', branch: 'branch counter' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`home: a card per certificate, phase in words and colour, notice and buttons (${lang})`, async ({ page, renderer }) => {
    const renewable = await world.backend.seed(accountId('renewable'), 20);
    const valid = await world.backend.seed(accountId('valid'), 120);
    const expired = await world.backend.seed(accountId('expired'), -5);
    const reissue = await world.backend.seed(accountId('reissue'), -100);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = (fp: string) => page.locator(`[data-fingerprint="${fp}"]`);

    // 重要なお知らせ from the window's start, with its link.
    await expect(page.getByRole('heading', { name: t.notice })).toBeVisible();
    await expect(page.getByRole('link', { name: t.link })).toBeVisible();

    await expect(card(renewable.fingerprint).locator('[data-phase]')).toHaveText(t.renewable);
    await expect(card(renewable.fingerprint).getByRole('button', { name: t.renew })).toBeVisible();
    await expect(card(renewable.fingerprint)).toContainText(t.left);
    // The expiry date is the JST date the service computed, in the language's format.
    const overview = await world.backend.api.getOverview();
    if (!overview.ok) throw new Error(overview.error.message);
    const expiry = overview.value.certificates.find((c) => c.fingerprint === renewable.fingerprint)!.expiryDate;
    const [y, m, d] = expiry.split('-').map(Number);
    await expect(card(renewable.fingerprint).locator('.expiry')).toHaveText(lang === 'ja' ? `${y}年${m}月${d}日` : expiry);

    await expect(card(valid.fingerprint).locator('[data-phase]')).toHaveText(t.valid);
    await expect(card(valid.fingerprint).getByRole('button', { name: t.renew })).toHaveCount(0);
    await expect(card(valid.fingerprint).locator('.phase-help')).toContainText(t.opens);

    await expect(card(expired.fingerprint).locator('[data-phase]')).toHaveText(t.acquirable);
    await expect(card(expired.fingerprint).getByRole('button', { name: t.acquire })).toBeVisible();
    await expect(card(expired.fingerprint)).toContainText(t.ago);

    await expect(card(reissue.fingerprint).locator('[data-phase]')).toHaveText(t.reissue);
    await expect(card(reissue.fingerprint).getByRole('button')).toHaveCount(1); // 詳細 only
    await expect(card(reissue.fingerprint)).toContainText(t.branch);

    expect(bridge.calls).toContain('getOverview');
    await record(page, '01', 'home', lang);
    expectNoCspViolation(bridge);
  });

  test(`home: no certificate on this PC offers 取得 (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    await expect(page.getByText(t.none)).toBeVisible();
    await expect(page.getByRole('button', { name: t.acquire })).toBeVisible();
    await record(page, '02', 'home-empty', lang);
    expectNoCspViolation(bridge);
  });
}
