// A new or replaced PC, against the real renewal service and the bank simulator: the account's
// certificate lives on the old PC (in the bank, not in this PC's NSS db). 取得 is refused while
// it is valid (before the renewal window and inside it), the window explains the two ways with
// no retry; after the IB administrator revokes the old certificate, 取得 works. The done screen
// puts the dates first, the particulars behind a disclosure, and logs in to the bank by name.
import type { Language } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const SUPPORT = { name: 'デモ信用金庫 法人IBヘルプデスク', phone: '0120-000-000', hours: '平日 9:00〜17:00' };
const POLICY = { support: SUPPORT, newPcGuideUrl: 'https://ib.example.jp/newpc', bankLoginUrl: 'https://ib.example.jp/login' };

const T = {
  ja: {
    newPc: 'パソコンを買い替えた方・新しいパソコンでお使いの方へ', heading: '新しいパソコンで電子証明書を使うには', refused: 'このパソコンではまだ取得できません',
    wayRevoke: '以前のパソコンの証明書を失効してから取得する', wayRenew: '以前のパソコンで更新する', toAcquire: '電子証明書取得へ', guide: 'デモ信用金庫の案内を開く',
    loginId: 'ログインID', password: 'ログインパスワード', submit: '取得する', retry: 'もう一度試す', stillValid: '以前のパソコンでまだ有効です',
    done: '電子証明書のインストールが完了しました', next: '次回の更新は', login: '法人インターネットバンキングにログイン', details: '詳細（ヘルプデスク向け）', sha256: 'SHA-256 フィンガープリント',
  },
  en: {
    newPc: 'New or replaced PC?', heading: 'Using your certificate on a new PC', refused: 'The certificate cannot be obtained on this PC yet',
    wayRevoke: "Revoke the previous PC's certificate, then obtain a new one", wayRenew: 'Renew on the previous PC', toAcquire: 'Go to Obtain certificate', guide: 'Open the guide of デモ信用金庫',
    loginId: 'Login ID', password: 'Login password', submit: 'Obtain', retry: 'Try again', stillValid: 'still valid on your previous PC',
    done: 'The certificate has been installed', next: 'The next renewal opens on', login: 'Log in to corporate internet banking', details: 'Details (for the helpdesk)', sha256: 'SHA-256 fingerprint',
  },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`a new PC: 取得 refused while the old certificate is valid, then done after the administrator revokes it (${lang})`, async ({ page, renderer }) => {
    const backend = await world.restart({ policy: POLICY });
    const id = accountId(`newpc-${lang}`);
    // The certificate is on the old PC: the bank knows it, this PC's store does not.
    const old = await world.bank.seedAccount(id, 40);
    const bridge = await launch(page, renderer, backend, lang);
    const screen = page.locator('[data-screen]');

    await page.getByRole('button', { name: t.newPc }).click();
    await expect(page.getByRole('heading', { name: t.heading })).toBeVisible();
    await expect(page.getByRole('heading', { name: t.wayRevoke })).toBeVisible();
    await expect(page.getByRole('heading', { name: t.wayRenew })).toBeVisible();
    await expect(screen).toContainText(SUPPORT.phone);
    await record(page, '50', 'new-pc', lang);

    const acquire = async () => {
      await page.getByRole('button', { name: t.toAcquire }).click();
      await page.getByLabel(t.loginId).fill(id);
      await page.getByLabel(t.password).fill(old.password);
      await page.getByRole('button', { name: t.submit }).click();
    };
    // Before the renewal window the bank answers RENEWAL_NOT_OPEN: not "try later", the new-PC screen.
    await acquire();
    await expect(page.getByRole('heading', { name: t.refused })).toBeVisible({ timeout: 60_000 });
    await expect(page.locator('[data-screen="newPc"]')).toHaveAttribute('data-code', 'RENEWAL_NOT_OPEN');
    await expect(screen).toContainText(t.stillValid);
    await expect(page.getByRole('button', { name: t.retry })).toHaveCount(0);
    await record(page, '51', 'new-pc-refused', lang);

    // The bank's own guide, by name: the shell maps the page to the policy's URL.
    await page.getByRole('button', { name: t.guide }).click();
    await expect.poll(() => backend.openedUrls.length).toBe(1);
    expect(backend.openedUrls[0]).toBe(POLICY.newPcGuideUrl);

    // The IB administrator revokes the old PC's certificate; 取得 now works.
    await world.bank.revokeByAdmin(id);
    // The form comes back with the login ID just tried.
    await page.getByRole('button', { name: t.toAcquire }).click();
    await expect(page.getByLabel(t.loginId)).toHaveValue(id);
    await page.getByRole('button', { name: lang === 'ja' ? '戻る' : 'Back' }).click();
    await page.getByRole('button', { name: t.newPc }).click();
    await acquire();
    await expect(page.getByRole('heading', { name: t.done })).toBeVisible({ timeout: 60_000 });
    const current = world.bank.account(id)?.currentFingerprint;
    expect(current).toBeDefined();
    expect(current).not.toBe(old.fingerprint);

    // Dates first; the particulars folded away until asked for.
    const done = page.locator('[data-screen="done"]');
    await expect(page.getByTestId('done-next')).toContainText(t.next);
    await expect(page.getByTestId('done-expiry')).not.toBeEmpty();
    await expect(done.getByText(t.sha256)).toBeHidden();
    await record(page, '52', 'done', lang);
    await done.getByText(t.details).click();
    await expect(done.getByText(t.sha256)).toBeVisible();
    await expect(done).toContainText(current!.toUpperCase().match(/.{2}/g)!.join(':'));
    await page.getByRole('button', { name: t.login }).click();
    await expect.poll(() => backend.openedUrls.length).toBe(2);
    expect(backend.openedUrls[1]).toBe(POLICY.bankLoginUrl);
    expect(bridge.calls.filter((c) => c === 'openBankSite')).toHaveLength(2);
    expectNoCspViolation(bridge);
  });
}

test('a new PC inside the renewal window: the bank says RENEWAL_REQUIRED, the same screen, no retry', async ({ page, renderer }) => {
  const id = accountId('newpc-open');
  const old = await world.bank.seedAccount(id, 20);
  const bridge = await launch(page, renderer, world.backend, 'ja');
  await page.getByRole('button', { name: T.ja.newPc }).click();
  await page.getByRole('button', { name: T.ja.toAcquire }).click();
  await page.getByLabel(T.ja.loginId).fill(id);
  await page.getByLabel(T.ja.password).fill(old.password);
  await page.getByRole('button', { name: T.ja.submit }).click();
  await expect(page.getByRole('heading', { name: T.ja.refused })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-screen="newPc"]')).toHaveAttribute('data-code', 'SERVER_REJECTED');
  await expect(page.getByRole('button', { name: T.ja.retry })).toHaveCount(0);
  // Without newPcGuideUrl in the policy there is no guide button, and no helpdesk named: the IB documents.
  await expect(page.getByRole('button', { name: T.ja.guide })).toHaveCount(0);
  await expect(page.getByTestId('support')).toContainText('法人インターネットバンキングのご案内');
  expectNoCspViolation(bridge);
});
