// A one-tier CA (the self-signed root that policy pins issues the clients itself): 取得 on
// an empty store and a renewal each end with one verified identity in a real NSS db, which
// openssl verifies against the root alone, and the root is never made trusted in the db.
import { chmodSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankServer } from '../bank/server';
import { bankCertificates, ensureKeyring, importP12, rm, run, tempDir } from '../support/cli-world';
import { selfSignedIn, serviceFor, trustFlags } from './support';

let bank: BankServer;
let work: string;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-one-tier-');
  bank = await BankServer.start({ dataDir: join(work, 'bank'), oneTier: true });
});
afterAll(async () => {
  await bank?.stop();
  chmodSync(work, 0o700);
  await rm(work, { recursive: true, force: true });
});

async function expectOneVerifiedIdentity(db: string, dir: string, sha256: string): Promise<void> {
  const mine = await bankCertificates(db, bank.trustAnchorPem);
  expect(mine.map((c) => c.sha256)).toEqual([sha256]);
  expect(mine[0]!.hasKey).toBe(true);
  // The anchor is the whole chain: nothing untrusted in between.
  const leaf = join(dir, 'leaf.pem');
  await writeFile(leaf, mine[0]!.pem);
  const v = await run('openssl', ['verify', '-CAfile', bank.trustAnchorPath, '-purpose', 'sslclient', leaf]);
  expect(v.stdout + v.stderr).toContain(`${leaf}: OK`);
  // No CA is trusted in the db: the bank's root is never installed as a root by CertDesk.
  const flags = await trustFlags(db);
  expect(flags.map((f) => f.trust)).toContain('u,u,u');
  for (const { nickname, trust } of flags) {
    if (nickname !== mine[0]!.nickname) expect(trust, nickname).toBe(',,');
  }
}

describe('one-tier CA', { timeout: 120_000 }, () => {
  it('取得 on an empty store: one verified identity, no root added to the db', async () => {
    const dir = join(work, 'acquire');
    const { db, service } = await serviceFor(bank, dir);
    await bank.addAccount('one-a', 'pw-one');
    const r = await service.acquire({ loginId: 'one-a', password: 'pw-one' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    await expectOneVerifiedIdentity(db, dir, r.ok ? r.value.certificate.sha256 : '');
    expect(await selfSignedIn(db)).toEqual([]);
    const o = await service.getOverview();
    expect(o.ok && o.value.certificates.map((c) => c.fingerprint)).toEqual([r.ok && r.value.certificate.sha256]);
  });

  it('renewal: one verified identity, the old one removed, no self-signed certificate added', async () => {
    const dir = join(work, 'renew');
    const { db, service } = await serviceFor(bank, dir);
    const seeded = await bank.seedAccount('one-r', 15, 'pw-one');
    await importP12(db, seeded.p12Path, seeded.p12Password);
    const rootsBefore = await selfSignedIn(db);
    const r = await service.renew(seeded.fingerprint);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.ok && r.value.replaced).toBe(seeded.fingerprint);
    await expectOneVerifiedIdentity(db, dir, r.ok ? r.value.certificate.sha256 : '');
    expect(await selfSignedIn(db)).toEqual(rootsBefore);
  });
});
