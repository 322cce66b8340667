// The home screen with data that came through the contract from the real renewal service
// (bank simulator + NSS db): one certificate in each phase, as cards, in both languages.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '../../src/shared/contract';
import { formatDay } from '../../src/shared/format';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { expiredNotice: '電子証明書の有効期限が切れています', expiredLink: '電子証明書の取得はこちら', reminder: 'あと20日', renewable: '更新期間中', valid: '有効', acquirable: '有効期限切れ（取得可能）', reissue: '再発行が必要', renew: '証明書更新', acquire: '電子証明書取得', notice: '電子証明書の更新をお願いします', link: '電子証明書の更新はこちら', none: '電子証明書が見つかりません', left: '残り20日', ago: '5日前に期限切れ', opens: '更新は', branch: 'お取引店窓口へお申し出ください' },
  en: { expiredNotice: 'Your certificate has expired', expiredLink: 'Obtain your certificate here', reminder: 'expires in 20 days', renewable: 'Renewal open', valid: 'Valid', acquirable: 'Expired (can be obtained again)', reissue: 'Reissue required', renew: 'Renew certificate', acquire: 'Obtain certificate', notice: 'Please renew your certificate', link: 'Renew your certificate here', none: 'No デモ信用金庫 certificate was found', left: '20 days left', ago: 'expired 5 days ago', opens: 'Renewal opens on', branch: 'branch counter' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`home: a card per certificate, phase in words and colour, notice and buttons (${lang})`, async ({ page, renderer }) => {
    const ids = new Map<string, string>();
    const seed = async (prefix: string, days: number) => {
      const id = accountId(prefix);
      const s = await world.backend.seed(id, days);
      ids.set(s.fingerprint, id);
      return s;
    };
    const accountIdOf = (s: { fingerprint: string }) => ids.get(s.fingerprint)!;
    const renewable = await seed('renewable', 20);
    const valid = await seed('valid', 120);
    const expired = await seed('expired', -5);
    const reissue = await seed('reissue', -100);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = (fp: string) => page.locator(`[data-fingerprint="${fp}"]`);

    // 重要なお知らせ from the window's start, with its link: for the renewal due and for the
    // expired certificate, each naming whose it is, the expired one first.
    await expect(page.getByRole('heading', { name: t.notice })).toBeVisible();
    await expect(page.getByRole('link', { name: t.link })).toBeVisible();
    await expect(page.getByRole('heading', { name: t.expiredNotice })).toBeVisible();
    await expect(page.getByRole('link', { name: t.expiredLink })).toBeVisible();
    const notices = page.locator('[data-fingerprint-notice]');
    await expect(notices).toHaveCount(2);
    await expect(notices.nth(0)).toContainText(accountIdOf(expired));
    await expect(notices.nth(1)).toContainText(accountIdOf(renewable));
    // Cards by urgency: expired (取得 possible, then past it) → renewable → valid.
    expect(await page.locator('li[data-fingerprint]').evaluateAll((els) => els.map((e) => e.getAttribute('data-fingerprint')))).toEqual([expired.fingerprint, reissue.fingerprint, renewable.fingerprint, valid.fingerprint]);

    await expect(card(renewable.fingerprint).locator('[data-phase]')).toHaveText(t.renewable);
    await expect(card(renewable.fingerprint).getByRole('button', { name: t.renew })).toBeVisible();
    await expect(card(renewable.fingerprint)).toContainText(t.left);
    // The expiry date is the JST date the service computed, in the language's format.
    const overview = await world.backend.api.getOverview();
    if (!overview.ok) throw new Error(overview.error.message);
    const expiry = overview.value.certificates.find((c) => c.fingerprint === renewable.fingerprint)!.expiryDate;
    const [y, m, d] = expiry.split('-').map(Number);
    // The JST day in each language's form, as the command line and the export write it (src/shared/format.ts).
    await expect(card(renewable.fingerprint).locator('.expiry')).toHaveText(lang === 'ja' ? `${y}年${m}月${d}日` : formatDay(expiry, 'en'));

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
    // The reminder at login says what the notice says: no second banner for it. (Sent straight
    // into the page, to the preload's listener of the event's channel, and a frame let through,
    // so the absence is checked after React rendered.)
    const remind = async (fingerprint: string) => {
      await page.evaluate((p) => (globalThis as unknown as { __certdeskIpcEmit(c: string, p: unknown): void }).__certdeskIpcEmit('certdesk:event:reminder', p), { fingerprint, threshold: 30, daysLeft: 20 });
      await page.evaluate(() => new Promise((r) => (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() => r(null))));
    };
    await remind(renewable.fingerprint);
    await expect(page.getByText(t.reminder)).toHaveCount(0);
    // A reminder for a certificate without a notice is still shown (the banner works).
    await remind(valid.fingerprint);
    await expect(page.getByText(t.reminder)).toHaveCount(1);
    expectNoCspViolation(bridge);
  });

  test(`home: says the scheduled check renewed by itself, with the new expiry and the browser advice (${lang})`, async ({ page, renderer }) => {
    const s = await world.backend.seed(accountId('autorenewed'), 365);
    const overview = await world.backend.api.getOverview();
    const expiryDate = overview.ok ? overview.value.certificates[0]!.expiryDate : '';
    mkdirSync(world.backend.journalDir, { recursive: true });
    // What `certdesk check` leaves in the data folder after an automatic renewal (renewal/check-ledger.ts).
    writeFileSync(join(world.backend.journalDir, 'auto-renew.json'), JSON.stringify({ failures: {}, told: {}, lastRenewal: { at: new Date().toISOString(), replaced: 'old', fingerprint: s.fingerprint, notAfter: '', expiryDate } }));
    const bridge = await launch(page, renderer, world.backend, lang);
    const banner = page.locator('[data-notice="auto-renewed"]');
    await expect(banner).toHaveText(lang === 'ja'
      ? `電子証明書を自動更新しました（新しい有効期限: ${formatDay(expiryDate, 'ja')}）。次にログインする前に、ブラウザをいったんすべて閉じてください。`
      : `Your certificate was renewed automatically (new expiry: ${formatDay(expiryDate, 'en')}). Close all browser windows once before you next log in.`);
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
