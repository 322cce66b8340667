// Every contract error code, produced by a real condition of the real service (the bank's
// clock, pending answers, a misbehaving front end, a broken NSS db, a bad policy, …), shown
// with what happened and what to do; a screenshot of each in both languages.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ERROR_CODES, type ErrorCode } from '../../src/shared/contract';
import { startBank } from '../bank';
import type { BankServer } from '../bank/server';
import { pemToDer } from '../../src/main/core/pki';
import { englishSentences } from '../support/english';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { startFront } from './front';
import { accountId, useWorld } from './setup';

const world = useWorld();
const DAY = 86_400_000;

/** The screen as a Japanese reader sees it (the helpdesk's disclosure closed): no English sentence. */
async function expectNoEnglish(page: Page): Promise<void> {
  const text = await page.locator('[data-screen]').first().innerText();
  expect(englishSentences(text), text).toEqual([]);
}

/** Screenshot in Japanese, switch to English with the header button, screenshot again. */
async function shoot(page: Page, code: ErrorCode): Promise<void> {
  const nn = String(20 + ERROR_CODES.indexOf(code)).padStart(2, '0');
  const name = `error-${code.toLowerCase().replace(/_/g, '-')}`;
  const panel = page.locator(`.error-panel[data-code="${code}"]`);
  await expect(panel).toBeVisible({ timeout: 90_000 });
  await expect(panel.getByRole('heading', { name: /何が起きたか/ })).toBeVisible();
  await expect(panel.getByRole('heading', { name: /どうすればよいか/ })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'ヘルプデスク用に詳細をコピー' })).toBeVisible();
  await expectNoEnglish(page);
  await record(page, nn, name, 'ja');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(panel.getByRole('heading', { name: 'What to do' })).toBeVisible();
  await record(page, nn, name, 'en');
}

/** The bank's dates at 更新前処理: information with the next step (not the red error panel), both languages. */
async function shootInfo(page: Page, code: ErrorCode): Promise<void> {
  const nn = String(20 + ERROR_CODES.indexOf(code)).padStart(2, '0');
  const name = `preflight-${code.toLowerCase().replace(/_/g, '-')}`;
  const card = page.locator(`.card-info[data-code="${code}"]`);
  await expect(card).toBeVisible({ timeout: 90_000 });
  await expect(page.locator('.error-panel')).toHaveCount(0);
  await expect(page.locator('.banner-error')).toHaveCount(0);
  await expectNoEnglish(page);
  await record(page, nn, name, 'ja');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(card.getByRole('button', { name: 'Back to home' })).toBeVisible();
  await record(page, nn, name, 'en');
}

async function pressRenew(page: Page, fingerprint: string): Promise<void> {
  await page.locator(`[data-fingerprint="${fingerprint}"]`).getByRole('button', { name: '証明書更新' }).click();
}

async function confirmRenew(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: '電子証明書更新開始' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: '更新', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'はい' }).click();
}

async function acquireWith(page: Page, loginId: string, password: string): Promise<void> {
  await page.getByRole('button', { name: '電子証明書取得' }).first().click();
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('ログインパスワード').fill(password);
  await page.getByRole('button', { name: '取得する' }).click();
}

test.describe('preflight stops with what failed', () => {
  test('RENEWAL_NOT_OPEN: the clock moved back before renewal opened; shows the opening date', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('notopen'), 20);
    const bridge = await launch(page, renderer, world.backend);
    world.backend.setClock(new Date(Date.now() - 40 * DAY));
    await pressRenew(page, fingerprint);
    const panel = page.locator('.card-info[data-code="RENEWAL_NOT_OPEN"]');
    await expect(panel).toContainText(/\d{4}年\d{1,2}月\d{1,2}日以降にもう一度お試しください/);
    // Information with a next step, not a failed check of this PC.
    await expect(page.locator('[data-key="identity"]')).toHaveAttribute('data-state', 'info');
    await shootInfo(page, 'RENEWAL_NOT_OPEN');
    await expect(panel).toContainText(/on or after [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    expectNoCspViolation(bridge);
  });

  test('ACQUIRE_REQUIRED: expired by the time 更新 is pressed; offers 取得', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('expiring'), 20);
    await launch(page, renderer, world.backend);
    world.backend.setClock(new Date(Date.now() + 25 * DAY));
    await pressRenew(page, fingerprint);
    await expect(page.getByRole('button', { name: '電子証明書取得へ' })).toBeVisible({ timeout: 60_000 });
    await shootInfo(page, 'ACQUIRE_REQUIRED');
  });

  test('NO_CERTIFICATE: the certificate was removed from the NSS db meanwhile', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('gone'), 20);
    await launch(page, renderer, world.backend);
    await world.backend.store.remove(fingerprint);
    await pressRenew(page, fingerprint);
    await shoot(page, 'NO_CERTIFICATE');
    // Not on this PC (any more): the new-PC screen explains the ways.
    await page.getByRole('button', { name: 'New or replaced PC?' }).click();
    await expect(page.getByRole('heading', { name: 'Using your certificate on a new PC' })).toBeVisible();
  });

  test('KEY_MISSING: the certificate is in the NSS db without its key', async ({ page, renderer }) => {
    const id = accountId('nokey');
    const seeded = await world.bank.seedAccount(id, 20);
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-cert-'));
    try {
      writeFileSync(join(dir, 'c.pem'), seeded.certPem);
      writeFileSync(join(dir, 'ca.pem'), world.bank.issuingCaPem);
      execFileSync('certutil', ['-A', '-d', `sql:${world.backend.dbDir}`, '-n', 'issuing', '-t', 'CT,,', '-a', '-i', join(dir, 'ca.pem')]);
      execFileSync('certutil', ['-A', '-d', `sql:${world.backend.dbDir}`, '-n', id, '-t', ',,', '-a', '-i', join(dir, 'c.pem')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await launch(page, renderer, world.backend);
    await expect(page.getByText('この証明書の秘密鍵がこのパソコンに見つかりません。')).toBeVisible();
    await pressRenew(page, seeded.fingerprint);
    await shoot(page, 'KEY_MISSING');
  });

  test('STORE_UNAVAILABLE: the NSS db is damaged', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('corrupt'), 20);
    await launch(page, renderer, world.backend);
    writeFileSync(join(world.backend.dbDir, 'cert9.db'), 'this is not an sqlite database'.repeat(100));
    await pressRenew(page, fingerprint);
    await shoot(page, 'STORE_UNAVAILABLE');
  });

  test('CLOCK_SKEW: the bank\'s clock is two hours ahead of this PC', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('skew'), 20);
    await launch(page, renderer, world.backend);
    world.bank.setClock(new Date(Date.now() + 2 * 3_600_000));
    await pressRenew(page, fingerprint);
    await expect(page.locator('[data-key="clock"]')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    await shoot(page, 'CLOCK_SKEW');
  });

  test('NETWORK: nothing listens at the endpoint', async ({ page, renderer }) => {
    const backend = await world.restart({ policy: { endpoint: 'https://127.0.0.1:9/.well-known/est' } });
    const { fingerprint } = await backend.seed(accountId('net'), 20);
    await launch(page, renderer, backend);
    await pressRenew(page, fingerprint);
    await expect(page.locator('[data-key="endpoint"]')).toHaveAttribute('data-state', 'failed', { timeout: 60_000 });
    await shoot(page, 'NETWORK');
  });
});

test.describe('the bank answers badly during issuing', () => {
  for (const [code, mode] of [
    ['SERVER_ERROR', 'serverError'],
    ['BAD_RESPONSE', 'html'],
    ['CLIENT_CERT_REJECTED', 'unauthorized'],
    ['VERIFY_FAILED', 'other'],
  ] as const) {
    test(`${code}: the bank's front end answers ${mode}; the old certificate stays`, async ({ page, renderer }) => {
      const front = await startFront(world.bank, world.bankDir);
      try {
        const backend = await world.restart({ policy: { endpoint: front.url } });
        const { fingerprint } = await backend.seed(accountId(mode), 20);
        if (mode === 'other') front.setMode({ otherCertPem: (await world.bank.seedAccount(accountId('other'), 300)).certPem });
        else front.setMode(mode);
        await launch(page, renderer, backend);
        await pressRenew(page, fingerprint);
        await confirmRenew(page);
        await shoot(page, code);
        const left = await backend.store.list(pemToDer(world.bank.trustAnchorPem, 'CERTIFICATE'));
        expect(left.map((x) => x.fingerprint)).toEqual([fingerprint]);
      } finally {
        await front.close();
      }
    });
  }

  test('PENDING_TIMEOUT: the bank answers "pending" more often than the policy waits', async ({ page, renderer }) => {
    const backend = await world.restart({ policy: { pendingMaxAttempts: 0 } });
    const { fingerprint } = await backend.seed(accountId('pending'), 20);
    world.bank.setPending(1, 1);
    await launch(page, renderer, backend);
    await pressRenew(page, fingerprint);
    await confirmRenew(page);
    await shoot(page, 'PENDING_TIMEOUT');
  });

  test('CANCELLED: 中止 while the bank says "pending"; retry starts over', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('cancel'), 20);
    world.bank.setPending(5, 60);
    await launch(page, renderer, world.backend);
    await pressRenew(page, fingerprint);
    await confirmRenew(page);
    await expect(page.getByTestId('pending')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: '中止' }).click();
    await shoot(page, 'CANCELLED');
    await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  });

  test('STORE_WRITE_FAILED: the NSS db became read-only (immutable) before install', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('ro'), 20);
    await launch(page, renderer, world.backend);
    await pressRenew(page, fingerprint);
    await expect(page.getByRole('heading', { name: '電子証明書更新開始' })).toBeVisible({ timeout: 60_000 });
    const files = ['cert9.db', 'key4.db'].map((f) => join(world.backend.dbDir, f));
    execFileSync('chattr', ['+i', ...files]);
    try {
      await confirmRenew(page);
      await shoot(page, 'STORE_WRITE_FAILED');
    } finally {
      execFileSync('chattr', ['-i', ...files]);
    }
  });

  test('JOURNAL_WRITE_FAILED: the journal folder cannot be written', async ({ page, renderer }) => {
    // The core keeps its journal and settings in one folder (CERTDESK_DATA_DIR): made immutable
    // once the window is up (root ignores permissions), nothing new can be written into it.
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-data-'));
    try {
      const backend = await world.restart({ journalDir: dir });
      const { fingerprint } = await backend.seed(accountId('journal'), 20);
      await launch(page, renderer, backend);
      execFileSync('chattr', ['+i', dir]);
      await pressRenew(page, fingerprint);
      // The checks pass (the folder is there); the journal's first write, before anything is done, fails.
      await confirmRenew(page);
      await shoot(page, 'JOURNAL_WRITE_FAILED');
    } finally {
      execFileSync('chattr', ['-i', dir]);
      // The core process still has this folder as its data folder and writes into it once it can
      // (its record of the failed run): move it to a fresh one before the folder goes.
      await world.restart();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('BUSY: another renewal through the same service is still running', async ({ page, renderer }) => {
    const { fingerprint } = await world.backend.seed(accountId('busy'), 20);
    // The first renewal (another caller of this main process) waits out a long "pending".
    world.bank.setPending(1, 600);
    const bridge = await launch(page, renderer, world.backend);
    const first = world.backend.api.renew(fingerprint);
    try {
      await expect(page.getByTestId('pending').or(page.locator('[data-screen="home"]'))).toBeVisible();
      await pressRenew(page, fingerprint);
      await confirmRenew(page);
      await shoot(page, 'BUSY');
      expect(bridge.calls.filter((c) => c === 'renew')).toHaveLength(1);
    } finally {
      await world.backend.api.cancel();
      const r = await first;
      expect(r.ok ? 'ok' : r.error.code).toBe('CANCELLED');
    }
  });
});

test.describe('取得 refused', () => {
  test('AUTH_FAILED: a wrong password', async ({ page, renderer }) => {
    const id = accountId('auth');
    await world.bank.seedAccount(id, -5);
    await launch(page, renderer, world.backend);
    await acquireWith(page, id, 'not-the-password');
    await shoot(page, 'AUTH_FAILED');
  });

  // (取得 while the certificate is still valid on another PC is the new-PC screen: new-pc.spec.ts.)
  test('SERVER_REJECTED: 取得 for an account the branch has deactivated', async ({ page, renderer }) => {
    const id = accountId('inactive');
    const s = await world.bank.seedAccount(id, -5);
    await (world.bank as unknown as BankServer).setAccountActive(id, false);
    await launch(page, renderer, world.backend);
    await acquireWith(page, id, s.password);
    // A stopped account: the bank must be asked; もう一度試す would change nothing, so it is not offered.
    const panel = page.locator('.error-panel[data-code="SERVER_REJECTED"]');
    await expect(panel.getByRole('heading', { name: 'このログインIDは現在ご利用いただけません' })).toBeVisible({ timeout: 90_000 });
    await expect(panel).toContainText('お取引店または銀行のヘルプデスクへお問い合わせください');
    await expect(panel.getByRole('button', { name: 'もう一度試す' })).toHaveCount(0);
    await shoot(page, 'SERVER_REJECTED');
  });

  test('REISSUE_REQUIRED: 取得 after the grace days names the branch counter', async ({ page, renderer }) => {
    const id = accountId('late');
    const s = await world.bank.seedAccount(id, -100);
    await launch(page, renderer, world.backend);
    await acquireWith(page, id, s.password);
    await expect(page.locator('.error-panel')).toContainText('お取引店窓口', { timeout: 60_000 });
    await shoot(page, 'REISSUE_REQUIRED');
  });

  test('TLS_UNTRUSTED: the policy pins another bank\'s anchor', async ({ page, renderer }) => {
    const otherDir = mkdtempSync(join(tmpdir(), 'certdesk-e2e-bank2-'));
    const otherBank = await startBank({ dataDir: otherDir });
    try {
      const backend = await world.restart({ policy: { trustAnchorPem: otherBank.trustAnchorPem } });
      const id = accountId('tls');
      const s = await world.bank.seedAccount(id, -5);
      await launch(page, renderer, backend);
      await acquireWith(page, id, s.password);
      await shoot(page, 'TLS_UNTRUSTED');
    } finally {
      await otherBank.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

test.describe('the app around the service', () => {
  test('POLICY_INVALID: the machine policy has a wrong field', async ({ page, renderer }) => {
    const backend = await world.restart({ policy: { renewWindowDays: -1 } });
    await launch(page, renderer, backend);
    await expect(page.locator('.error-panel')).toContainText('renewWindowDays');
    await shoot(page, 'POLICY_INVALID');
  });

  test('INVALID_INPUT: the diagnostics cannot be saved where chosen', async ({ page, renderer }) => {
    world.backend.setSaveTarget('/nonexistent-certdesk-folder/diagnostics.txt');
    await launch(page, renderer, world.backend);
    await page.getByRole('button', { name: '診断情報' }).click();
    await page.getByRole('button', { name: 'ファイルに保存' }).click();
    await shoot(page, 'INVALID_INPUT');
  });
});
