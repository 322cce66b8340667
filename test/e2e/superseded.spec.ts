// Issue 26 item 4, in the window: where the policy keeps superseded certificates
// (removeSuperseded false), the card of a 置き換え済み certificate offers its removal. いいえ
// changes nothing; はい removes it through the real wiring (the preload's bridge, ipc.ts's
// sender and argument checks, the core's process) from a real NSS db, and the newer one stays.
// A certificate that is not superseded is refused by the core, whatever the page sends.
import type { Language } from '../../src/shared/contract';
import { channelOf } from '../../src/shared/contract';
import { bankCertificates } from '../support/cli-world';
import { expect, test } from './fixtures';
import { expectNoCspViolation, launch, record } from './app';
import { accountId, useWorld } from './setup';

const world = useWorld();

const T = {
  ja: { superseded: '置き換え済み', remove: 'この古い証明書を削除', title: '古い証明書を削除しますか？', yes: '削除する', no: 'いいえ', removed: '置き換え済みの古い証明書を削除しました（1件）。' },
  en: { superseded: 'Superseded', remove: 'Remove this old certificate', title: 'Remove the old certificate?', yes: 'Remove', no: 'No', removed: 'Superseded old certificates removed: 1.' },
} as const;

/** A PC that renewed with removeSuperseded false: the old certificate stays beside the new one. */
async function renewedKeepingOld(prefix: string) {
  const backend = await world.restart({ policy: { removeSuperseded: false } });
  const id = accountId(prefix);
  const old = await backend.seed(id, 20);
  const renewed = await backend.api.renew(old.fingerprint);
  if (!renewed.ok) throw new Error(renewed.error.message);
  const overview = await backend.api.getOverview();
  if (!overview.ok) throw new Error(overview.error.message);
  const fresh = overview.value.certificates.find((c) => !c.supersededBy)!.fingerprint;
  expect(overview.value.certificates.find((c) => c.fingerprint === old.fingerprint)?.supersededBy).toBe(fresh);
  const inDb = async () => (await bankCertificates(backend.dbDir, world.bank.issuingCaPem)).map((c) => c.sha256).sort();
  expect(await inDb()).toEqual([old.fingerprint, fresh].sort());
  return { id, old: old.fingerprint, fresh, inDb };
}

for (const lang of ['ja', 'en'] as Language[]) {
  const t = T[lang];
  test(`a superseded certificate's card removes it after a confirmation (${lang})`, async ({ page, renderer }) => {
    const p = await renewedKeepingOld(`sup-${lang}`);
    const bridge = await launch(page, renderer, world.backend, lang);
    const card = (fp: string) => page.locator(`li[data-fingerprint="${fp}"]`);
    await expect(card(p.old).locator('[data-superseded]')).toHaveText(t.superseded);
    // Only the old one offers it; the current one is never removed from here.
    await expect(card(p.fresh).getByRole('button', { name: t.remove })).toHaveCount(0);

    // いいえ (focused first, the safe answer): nothing is called, nothing changes.
    await card(p.old).getByRole('button', { name: t.remove }).click();
    const dialog = page.getByRole('dialog', { name: t.title });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: t.no })).toBeFocused();
    await expect(dialog).toContainText(p.id);
    await record(page, '60', 'remove-superseded', lang);
    await dialog.getByRole('button', { name: t.no }).click();
    await expect(dialog).toHaveCount(0);
    expect(bridge.calls).not.toContain('removeSuperseded');
    expect(await p.inDb()).toEqual([p.old, p.fresh].sort());

    // はい: removed from the db; home says so and shows the newer one alone.
    await card(p.old).getByRole('button', { name: t.remove }).click();
    await dialog.getByRole('button', { name: t.yes }).click();
    await expect(page.locator('[data-notice="removed-superseded"]')).toHaveText(t.removed);
    await expect(card(p.old)).toHaveCount(0);
    await expect(card(p.fresh)).toBeVisible();
    expect(bridge.calls).toContain('removeSuperseded');
    expect(await p.inDb()).toEqual([p.fresh]);
    expectNoCspViolation(bridge);
  });
}

test('the core refuses to remove a certificate that is not superseded, or one already gone; the newer one stays', async () => {
  const p = await renewedKeepingOld('sup-refuse');
  // Through main's channel with the window's own sender: the arguments pass ipc.ts's checks, the core's rule decides.
  const current = (await world.backend.invoke(channelOf('removeSuperseded'), [p.fresh])) as { ok: boolean; error?: { code: string; detail?: { reason?: string } } };
  expect(current).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { reason: 'NOT_SUPERSEDED' } } });
  expect(await p.inDb()).toEqual([p.old, p.fresh].sort());
  const bad = (await world.backend.invoke(channelOf('removeSuperseded'), ['not-a-fingerprint'])) as { ok: boolean; error?: { code: string; detail?: { field?: string } } };
  expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { field: 'fingerprint' } } });
  const done = await world.backend.api.removeSuperseded(p.old);
  expect(done.ok && done.value.removedSuperseded).toEqual([p.old]);
  expect(await p.inDb()).toEqual([p.fresh]);
  const again = await world.backend.api.removeSuperseded(p.old);
  expect(again.ok ? 'removed twice' : again.error.detail?.reason).toBe('NOT_SUPERSEDED');
});
