// VAULT_UNAVAILABLE from a real condition: the Secret Service goes away. Its own project
// (playwright.config.ts) so it runs in its own worker: libsecret in this process keeps
// talking to the daemon it first met, so nothing may use the vault after this test.
import { ERROR_CODES } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { launch, record } from './app';
import { keyringSession } from './keyring';
import { accountId, useWorld } from './setup';

const world = useWorld();

test('VAULT_UNAVAILABLE: no Secret Service answers when the renewal needs the journal key', async ({ page, renderer }) => {
  const id = accountId('vault');
  // Only a key made in software is sealed with the vault's key (keyStorage "software"); the
  // default makes the key in the db's token and needs no Secret Service at all.
  const backend = await world.restart({ policy: { keyStorage: 'software' } });
  const { fingerprint } = await backend.seed(id, 20);
  await launch(page, renderer, backend);
  keyringSession().stopKeyring();
  await page.locator(`[data-fingerprint="${fingerprint}"]`).getByRole('button', { name: '証明書更新' }).click();
  await expect(page.getByRole('heading', { name: '電子証明書更新開始' })).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: '更新', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'はい' }).click();
  const panel = page.locator('.error-panel[data-code="VAULT_UNAVAILABLE"]');
  await expect(panel).toBeVisible({ timeout: 90_000 });
  const nn = String(20 + ERROR_CODES.indexOf('VAULT_UNAVAILABLE'));
  await record(page, nn, 'error-vault-unavailable', 'ja');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(panel.getByRole('heading', { name: 'What to do' })).toBeVisible();
  await record(page, nn, 'error-vault-unavailable', 'en');
  // Nothing was issued: the bank's current certificate is still the old one.
  expect(world.bank.account(id)?.currentFingerprint).toBe(fingerprint);
});
