// The home screen in each phase, with data that came through the contract from the real
// renewal service (bank simulator + NSS db): the foundation's promise and the cards.
import type { Language } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { renewable: '更新期間中', valid: '有効', acquirable: '有効期限切れ（取得可能）', reissue: '再発行が必要', renew: '証明書更新', acquire: '電子証明書取得', notice: '電子証明書の更新をお願いします', link: '電子証明書の更新はこちら', none: '電子証明書が見つかりません' },
  en: { renewable: 'Renewal open', valid: 'Valid', acquirable: 'Expired (can be obtained again)', reissue: 'Reissue required', renew: 'Renew certificate', acquire: 'Obtain certificate', notice: 'Please renew your certificate', link: 'Renew your certificate here', none: 'No デモ信用金庫 certificate was found' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];

  test(`renewable: notice, link, 証明書更新 and the card (${lang})`, async ({ page, renderer }) => {
    const id = accountId('renewable');
    const { fingerprint } = await world.backend.seed(id, 20);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = page.locator(`[data-fingerprint="${fingerprint}"]`);
    await expect(card.getByRole('heading', { name: id })).toBeVisible();
    await expect(card.locator('[data-phase]')).toHaveText(t.renewable);
    await expect(page.getByRole('heading', { name: t.notice })).toBeVisible();
    await expect(page.getByRole('link', { name: t.link })).toBeVisible();
    await expect(card.getByRole('button', { name: t.renew })).toBeVisible();
    await expect(card).toContainText(lang === 'ja' ? '残り20日' : '20 days left');
    // The expiry date is the JST date the service computed, in the language's format.
    const overview = await world.backend.api.getOverview();
    if (!overview.ok) throw new Error(overview.error.message);
    const expiry = overview.value.certificates[0]!.expiryDate;
    const [y, m, d] = expiry.split('-').map(Number);
    await expect(card.locator('.expiry')).toHaveText(lang === 'ja' ? `${y}年${m}月${d}日` : expiry);
    expect(bridge.calls).toContain('getOverview');
    await record(page, '01', 'home', lang);
    expectNoCspViolation(bridge);
  });

  test(`valid: no notice, when renewal opens (${lang})`, async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('valid'), 120);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = page.locator(`[data-fingerprint="${fingerprint}"]`);
    await expect(card.locator('[data-phase]')).toHaveText(t.valid);
    await expect(page.getByRole('heading', { name: t.notice })).toHaveCount(0);
    await expect(card.getByRole('button', { name: t.renew })).toHaveCount(0);
    await expect(card.locator('.phase-help')).toContainText(lang === 'ja' ? '更新は' : 'Renewal opens on');
    await record(page, '02', 'home-valid', lang);
    expectNoCspViolation(bridge);
  });

  test(`acquirable: 電子証明書取得 after expiry (${lang})`, async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('expired'), -5);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = page.locator(`[data-fingerprint="${fingerprint}"]`);
    await expect(card.locator('[data-phase]')).toHaveText(t.acquirable);
    await expect(card.getByRole('button', { name: t.acquire })).toBeVisible();
    await expect(card.getByRole('button', { name: t.renew })).toHaveCount(0);
    await expect(card).toContainText(lang === 'ja' ? '5日前に期限切れ' : 'Expired 5 days ago');
    await record(page, '03', 'home-acquirable', lang);
    expectNoCspViolation(bridge);
  });

  test(`reissue: branch guidance after the grace days (${lang})`, async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('reissue'), -100);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = page.locator(`[data-fingerprint="${fingerprint}"]`);
    await expect(card.locator('[data-phase]')).toHaveText(t.reissue);
    await expect(card.getByRole('button', { name: t.acquire })).toHaveCount(0);
    await expect(card).toContainText(lang === 'ja' ? 'お取引店窓口へお申し出ください' : 'branch counter');
    await record(page, '04', 'home-reissue', lang);
    expectNoCspViolation(bridge);
  });

  test(`no certificate on this PC (${lang})`, async ({ page, renderer }) => {
    const bridge = await launch(page, renderer, world.backend, lang);
    await expect(page.getByText(t.none)).toBeVisible();
    await expect(page.getByRole('button', { name: t.acquire })).toBeVisible();
    await record(page, '05', 'home-empty', lang);
    expectNoCspViolation(bridge);
  });
}
