// Issue 26 item 4: renew a certificate, then put the old one back (a restored backup, a hand
// import): the old one is 置き換え済み — not due, no notice, not a reason for renew to fail —
// and removed by itself where the policy says removeSuperseded, only after the newer one is
// verified (listed, chained to the anchor, with its key). A real bank, a real NSS db.
import { describe, expect, it } from 'vitest';
import { bankCertificates } from '../support/cli-world';
import { cliWorld } from '../support/cli-world-hooks';

const world = cliWorld('superseded');

/** A PC that renewed, then got its old certificate back: returns the old and the new fingerprints. */
async function renewedThenRestored(policyExtra: Record<string, unknown>) {
  const p = await world.pc({ policy: policyExtra });
  const account = await world.bank.seedAccount(`sup${p.n}`, 20);
  await p.hold(account);
  const { db, certdesk } = p;
  const renewed = await certdesk(['renew', '--yes', '--json']);
  expect(renewed.code, renewed.stdout + renewed.stderr).toBe(0);
  const fresh = (JSON.parse(renewed.stdout).result.certificate.sha256 as string).replace(/:/g, '').toLowerCase();
  // The old one put back by hand, key and all.
  await p.hold(account);
  expect((await bankCertificates(db, world.bank.issuingCaPem)).map((c) => c.sha256).sort()).toEqual([account.fingerprint, fresh].sort());
  return { db, old: account.fingerprint, fresh, certdesk };
}

const shown = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

describe('a superseded certificate', { timeout: 300_000 }, () => {
  it('is 置き換え済み: status exits 0 without a notice, renew takes the newer one (not due, exit 3), nothing removed without removeSuperseded', async () => {
    const p = await renewedThenRestored({ removeSuperseded: false });
    const s = await p.certdesk(['status', '--json']);
    expect(s.code, s.stdout).toBe(0);
    const listed = JSON.parse(s.stdout).result.certificates as Array<{ fingerprint: string; supersededBy?: string; noticeDue: boolean; remindersDue: number[]; phase: string }>;
    expect(listed.find((c) => c.fingerprint === p.old)).toMatchObject({ supersededBy: p.fresh, noticeDue: false, remindersDue: [], phase: 'renewable' });
    expect(listed.find((c) => c.fingerprint === p.fresh)?.supersededBy).toBeUndefined();
    const text = await p.certdesk(['status', '--lang', 'ja']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('置き換え済み（更新は不要です）');
    expect(text.stdout).toContain(`新しい証明書（${shown(p.fresh)}）に置き換えられた古い証明書です`);
    expect(text.stdout).not.toContain('【重要なお知らせ】');
    expect(text.stdout).toContain('正常です。');
    // renew: the newer certificate is the one meant, and it is not due yet; the store is not blamed.
    const r = await p.certdesk(['renew', '--yes', '--json']);
    expect(r.code, r.stdout).toBe(3);
    expect(JSON.parse(r.stdout).error.code).toBe('RENEWAL_NOT_OPEN');
    // doctor: healthy.
    expect((await p.certdesk(['doctor', '--json'])).code).toBe(0);
    // Without removeSuperseded it stays, even for a command that may write.
    expect((await p.certdesk(['status', '--recover'])).code).toBe(0);
    expect((await bankCertificates(p.db, world.bank.issuingCaPem)).map((c) => c.sha256).sort()).toEqual([p.old, p.fresh].sort());
  });

  it('removeSuperseded (the default): read-only status keeps it; status --recover removes it, the newer one stays with its key', async () => {
    const p = await renewedThenRestored({});
    expect((await p.certdesk(['status'])).code).toBe(0);
    expect((await bankCertificates(p.db, world.bank.issuingCaPem)).length).toBe(2);
    const r = await p.certdesk(['status', '--recover', '--lang', 'ja']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`置き換え済みの古い証明書（${shown(p.old)}）を削除しました。`);
    const after = await bankCertificates(p.db, world.bank.issuingCaPem);
    expect(after.map((c) => [c.sha256, c.hasKey])).toEqual([[p.fresh, true]]);
  });
});
