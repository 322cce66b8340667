// 更新 from the notice to the installed certificate, by keyboard alone, against the real
// renewal service, the bank simulator and a real NSS db; a screenshot of every screen.
import type { Language } from '../../src/shared/contract';
import { pemToDer } from '../../src/main/core/pki';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { expectVisibleFocus, tabTo } from './keys';
import { accountId, useWorld } from './setup';
import { readFileSync } from 'node:fs';
import { loggerArgs, type RunRecord } from '../../src/main/cli/record';

const world = useWorld();

const T = {
  ja: { link: '電子証明書の更新はこちら', start: '電子証明書更新開始', renew: '更新', yes: 'はい', no: 'いいえ', issuing: '電子証明書発行処理中', done: '電子証明書のインストールが完了しました', close: 'このウィンドウを閉じる', valid: '有効', pending: '銀行で発行手続き中です', next: '次回の更新は', login: '法人インターネットバンキングにログイン', details: '詳細（ヘルプデスク向け）' },
  en: { link: 'Renew your certificate here', start: 'Start certificate renewal', renew: 'Renew', yes: 'Yes', no: 'No', issuing: 'Issuing the certificate', done: 'The certificate has been installed', close: 'Close this window', valid: 'Valid', pending: 'The bank is still processing', next: 'The next renewal opens on', login: 'Log in to corporate internet banking', details: 'Details (for the helpdesk)' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`a full renewal by keyboard alone (${lang})`, async ({ page, renderer }) => {
    const id = accountId(`renew-${lang}`);
    const old = await world.backend.seed(id, 20);
    // One "pending" answer, so the issuing screen shows the wait (slept through briefly).
    world.bank.setPending(1, 2);
    const bridge = await launch(page, renderer, world.backend, lang);

    await tabTo(page, t.link);
    await expectVisibleFocus(page);
    await page.keyboard.press('Enter');

    // 電子証明書更新前処理中 → advances by itself when every check passes.
    await expect(page.getByRole('heading', { name: t.start })).toBeVisible();
    expect(bridge.calls).toContain('runPreflight');
    await record(page, '07', 'start', lang);

    // The dialog: focus inside on いいえ; Esc answers いいえ.
    await tabTo(page, t.renew);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: t.no })).toBeFocused();
    await expect(dialog).toContainText(lang === 'ja' ? '新しい鍵を作成' : 'make a new key');
    await record(page, '08', 'confirm', lang);
    // Focus stays in the dialog: Tab twice cycles いいえ → はい → (not the page behind).
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.yes })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(page.getByRole('heading', { name: t.start })).toBeVisible();
    expect(bridge.calls).not.toContain('renew');

    await tabTo(page, t.renew);
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('button', { name: t.no })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(dialog.getByRole('button', { name: t.yes })).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(page.getByRole('heading', { name: t.issuing })).toBeVisible();
    await expect(page.getByTestId('pending')).toContainText(t.pending, { timeout: 60_000 });
    await record(page, '09', 'issuing', lang);

    await expect(page.getByRole('heading', { name: t.done })).toBeVisible({ timeout: 60_000 });
    // Until when and when next first; the bank's login (the policy has bankSiteUrl); the
    // particulars behind 詳細（ヘルプデスク向け）.
    await expect(page.getByTestId('done-next')).toContainText(t.next);
    await expect(page.getByRole('button', { name: t.login })).toBeVisible();
    await expect(page.locator('[data-screen="done"] details')).not.toHaveAttribute('open', '');
    await record(page, '10', 'done', lang);
    await page.getByText(t.details).click();

    // What the screen says is what the NSS db holds: the new certificate with its key, the old one gone.
    const anchors = pemToDer(world.bank.trustAnchorPem, 'CERTIFICATE');
    const listed = await world.backend.store.list(anchors);
    expect(listed.map((s) => s.fingerprint)).not.toContain(old.fingerprint);
    expect(listed).toHaveLength(1);
    const installed = listed[0]!;
    expect(installed.hasPrivateKey).toBe(true);
    const grouped = installed.fingerprint.toUpperCase().match(/.{2}/g)!.join(':');
    await expect(page.locator('[data-screen="done"]')).toContainText(grouped);
    expect(world.bank.account(id)?.currentFingerprint).toBe(installed.fingerprint);
    // The record the command line would leave (issue 25): the status file and the syslog entry.
    const status = JSON.parse(readFileSync(world.backend.statusFile, 'utf8')) as RunRecord;
    expect(status).toMatchObject({ command: 'renew', exitCode: 0, state: 'renewed', certificate: { fingerprint: installed.fingerprint } });
    expect(world.backend.logged).toEqual([['logger', loggerArgs(status)]]);

    await tabTo(page, t.close);
    await page.keyboard.press('Enter');
    const card = page.locator(`[data-fingerprint="${installed.fingerprint}"]`);
    await expect(card.locator('[data-phase]')).toHaveText(t.valid);
    expectNoCspViolation(bridge);
  });
}
