// 取得 after expiry: the login form with validation, a wrong password, then the real
// issuance through the bank simulator into the NSS db.
import type { Language } from '../../src/shared/contract';
import { pemToDer } from '../../src/main/core/pki';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';
import { readFileSync } from 'node:fs';
import { loggerArgs, type RunRecord } from '../../src/main/cli/record';

const world = useWorld();

const T = {
  ja: { acquire: '電子証明書取得', loginId: 'ログインID', password: 'ログインパスワード', submit: '取得する', errSummary: '入力内容を確認してください', authTitle: 'ログインIDまたはパスワードが違います', retry: 'もう一度試す', done: '電子証明書のインストールが完了しました', close: 'このウィンドウを閉じる', valid: '有効' },
  en: { acquire: 'Obtain certificate', loginId: 'Login ID', password: 'Login password', submit: 'Obtain', errSummary: 'Please check what you entered', authTitle: 'Login ID or password is wrong', retry: 'Try again', done: 'The certificate has been installed', close: 'Close this window', valid: 'Valid' },
} as const;

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`a full 取得 with login ID and password (${lang})`, async ({ page, renderer }) => {
    const id = accountId(`acq-${lang}`);
    const old = await world.backend.seed(id, -5);
    const bridge = await launch(page, renderer, world.backend, lang);

    await page.locator(`[data-fingerprint="${old.fingerprint}"]`).getByRole('button', { name: t.acquire }).click();
    await expect(page.getByRole('heading', { name: t.acquire })).toBeVisible();
    // The expired certificate carries the login ID (its CN): the form starts with it.
    await expect(page.getByLabel(t.loginId)).toHaveValue(id);
    await page.getByLabel(t.loginId).fill('');
    await record(page, '11', 'acquire', lang);

    // Validation before anything is sent.
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page.getByRole('alert')).toContainText(t.errSummary);
    await expect(page.getByLabel(t.loginId)).toBeFocused();
    await expect(page.getByLabel(t.loginId)).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel(t.loginId).fill('bad id!');
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page.getByLabel(t.loginId)).toHaveAttribute('aria-invalid', 'true');
    await record(page, '12', 'acquire-invalid', lang);
    expect(bridge.calls).not.toContain('acquire');

    // A wrong password: the bank says so, the form comes back empty.
    await page.getByLabel(t.loginId).fill(id);
    await page.getByLabel(t.password).fill('wrong-password');
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page.getByRole('heading', { name: t.authTitle })).toBeVisible();
    await expect(page.locator('[data-screen="error"]')).toHaveAttribute('data-code', 'AUTH_FAILED');
    expect(await page.content()).not.toContain('wrong-password');
    await page.getByRole('button', { name: t.retry }).click();
    await expect(page.getByLabel(t.password)).toHaveValue('');

    // Typed full-width (a Japanese input method): normalised before it is sent.
    const fullWidth = id.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    await page.getByLabel(t.loginId).fill(fullWidth);
    await page.getByLabel(t.password).fill(old.password);
    await page.getByRole('button', { name: t.submit }).click();
    await expect(page.getByRole('heading', { name: t.done })).toBeVisible({ timeout: 60_000 });
    expect(await page.content()).not.toContain(old.password);

    const listed = await world.backend.store.list(pemToDer(world.bank.trustAnchorPem, 'CERTIFICATE'));
    const current = world.bank.account(id)?.currentFingerprint;
    expect(current).toBeDefined();
    expect(listed.find((s) => s.fingerprint === current)?.hasPrivateKey).toBe(true);
    expect(listed.map((s) => s.fingerprint)).not.toContain(old.fingerprint);
    // The record the command line would leave (issue 25): the refused password's entry (the
    // bank's answer, never the password), then the 取得's, which the status file holds.
    const status = JSON.parse(readFileSync(world.backend.statusFile, 'utf8')) as RunRecord;
    expect(status).toMatchObject({ command: 'acquire', exitCode: 0, state: 'acquired', certificate: { fingerprint: current } });
    expect(world.backend.logged.map(([, args]) => args.at(-1))).toEqual([expect.stringMatching(/ command=acquire exit=\d+ state=broken error=AUTH_FAILED$/), expect.stringContaining(' command=acquire exit=0 state=acquired ')]);
    expect(world.backend.logged[1]).toEqual(['logger', loggerArgs(status)]);
    expect(JSON.stringify(world.backend.logged)).not.toContain(old.password);

    await page.getByRole('button', { name: t.close }).click();
    await expect(page.locator(`[data-fingerprint="${current}"] [data-phase]`)).toHaveText(t.valid);
    expectNoCspViolation(bridge);
  });
}
