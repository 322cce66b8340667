// Issue 25: the core's process killed in the middle of a renewal, on the app's real wiring
// (the built core entry forked under Node, main's channel client, ipc.ts, the preload). The
// first core process SIGKILLs itself right after its journal records the install step (the
// bank has issued; nothing is in the store yet). The window gets the error at once, in words
// that say nothing was sent twice and what the next start does; the renewal is not resent; a
// new core process is running, and the home screen it serves has finished the renewal from the
// journal. The NSS db, read with certutil -L / -K, holds one identity of the bank, with its key.
import { join } from 'node:path';
import { readStore } from '../support/store-state';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

/** The catalogs' words for CORE_STOPPED (src/renderer/src/i18n, errorReasons). */
const T = {
  ja: { title: 'CertDesk の処理が途中で止まりました', notResent: '同じ要求を銀行へ二度送ることはありません', next: '記録（ジャーナル）に従って、銀行が発行済みなら続きから完了し' },
  en: { title: 'CertDesk stopped in the middle of the operation', notResent: 'Nothing is sent to the bank twice', next: 'its record (the journal) decides', home: 'Back to home' },
} as const;

test('the core process killed mid-renewal: the window says so (ja, en), nothing resent, the next core finishes it, one identity with its key', async ({ page, renderer }) => {
  const backend = await world.restart({ killAt: 'install' });
  const id = accountId('core-killed');
  const { fingerprint } = await backend.seed(id, 20);
  const bridge = await launch(page, renderer, backend);
  await page.locator(`[data-fingerprint="${fingerprint}"]`).getByRole('button', { name: '証明書更新' }).click();
  await expect(page.getByRole('heading', { name: '電子証明書更新開始' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: '更新', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'はい' }).click();

  const panel = page.locator('.error-panel[data-code="INTERNAL"]');
  await expect(panel).toBeVisible({ timeout: 90_000 });
  await expect(panel).toContainText(T.ja.title);
  await expect(panel).toContainText(T.ja.notResent);
  await expect(panel).toContainText(T.ja.next);
  await expect(panel).toContainText('CORE_STOPPED');
  await record(page, '62', 'error-core-stopped', 'ja');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(panel).toContainText(T.en.title);
  await expect(panel).toContainText(T.en.notResent);
  await expect(panel).toContainText(T.en.next);
  await record(page, '62', 'error-core-stopped', 'en');

  // Sent once; a second core process serves the window now.
  expect(bridge.calls.filter((c) => c === 'renew')).toHaveLength(1);
  expect(backend.core.ports).toHaveLength(2);
  const issued = world.bank.account(id)!;
  expect(issued.currentFingerprint).not.toBe(fingerprint);

  // Home: the new core's first overview finished the renewal from the journal.
  await page.getByRole('button', { name: T.en.home }).click();
  const card = page.locator(`[data-fingerprint="${issued.currentFingerprint}"]`);
  await expect(card).toBeVisible({ timeout: 60_000 });
  await expect(page.locator(`[data-fingerprint="${fingerprint}"]`)).toHaveCount(0);
  expect(world.bank.account(id)!.issued).toEqual(issued.issued);

  const state = await readStore(backend.dbDir, world.bank.issuingCaPem, join(backend.dbDir, 'no-probe.pem'));
  expect(state.certificates.filter((c) => c.bankLeaf).map((c) => [c.sha256, c.hasKey])).toEqual([[issued.currentFingerprint, true]]);
  expect(state.keys.filter((k) => !k.paired)).toEqual([]);
  expectNoCspViolation(bridge);
});
