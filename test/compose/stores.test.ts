// The policy's stores as the app and the command line assemble them (core/compose): a policy
// naming two NSS dbs renews into both, the first being the one listed; a store named by the
// caller (the CLI's --store) replaces the policy's list with itself alone. A Firefox profile
// after the first store does not stop the app while Firefox runs: the certificates are shown,
// and a renewal is refused before the bank is asked.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCore } from '../../src/main/core/compose';
import { openNssStore } from '../../src/main/core/store';
import { pemToDer } from '../../src/main/core/pki';
import { startBank, type Bank } from '../bank';
import { ensureKeyring } from '../support/cli-world';

let root: string;
let bank: Bank;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  root = mkdtempSync(join(tmpdir(), 'certdesk-compose-stores-'));
  bank = await startBank({ dataDir: join(root, 'bank'), port: 0 });
});
afterAll(async () => {
  await bank?.stop();
  rmSync(root, { recursive: true, force: true });
});

async function twoDbs() {
  const dir = join(root, `w${++n}`);
  const dbs = [join(dir, 'a'), join(dir, 'b')];
  const seeded = await bank.seedAccount(`compose${n}`, 15);
  for (const db of dbs) {
    mkdirSync(db, { recursive: true });
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
    execFileSync('pk12util', ['-i', seeded.p12Path, '-d', `sql:${db}`, '-W', seeded.p12Password], { stdio: 'ignore' });
  }
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ bankName: 'Compose Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', stores: dbs.map((d) => `nss:${d}`) }));
  const env = { ...process.env, HOME: join(dir, 'home'), CERTDESK_DATA_DIR: join(dir, 'data') };
  return { dbs, seeded, policyFile, env };
}

const fingerprints = async (db: string) => (await (await openNssStore({ dbDir: db })).list(pemToDer(bank.trustAnchorPem, 'CERTIFICATE'))).map((s) => s.fingerprint);

describe('compose: the policy\'s stores', { timeout: 120_000 }, () => {
  it('two nss:DIR stores: the renewal goes into both; neither keeps the old certificate', async () => {
    const w = await twoDbs();
    const core = await composeCore({ policyFile: w.policyFile, env: w.env, emit: () => undefined });
    try {
      const r = await core.service.renew(w.seeded.fingerprint);
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      const fp = r.ok ? r.value.certificate.sha256 : '';
      for (const db of w.dbs) expect(await fingerprints(db)).toEqual([fp]);
    } finally {
      await core.settle();
    }
  });

  it('a store named by the caller (--store) is the only one written', async () => {
    const w = await twoDbs();
    const core = await composeCore({ policyFile: w.policyFile, env: w.env, emit: () => undefined, store: `nss:${w.dbs[1]}` });
    try {
      const r = await core.service.renew(w.seeded.fingerprint);
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      expect(await fingerprints(w.dbs[1]!)).toEqual([r.ok ? r.value.certificate.sha256 : '']);
      expect(await fingerprints(w.dbs[0]!)).toEqual([w.seeded.fingerprint]);
    } finally {
      await core.settle();
    }
  });

  it('["nss:DIR", "firefox"] while Firefox runs: the core opens and shows the certificate; renew is refused before the bank is asked, naming Firefox; once Firefox has ended both get the new certificate', async () => {
    const w = await twoDbs();
    // A Firefox home in HOME: one profile whose db holds the old certificate, locked by a live process named firefox.
    const root = join(w.env.HOME, '.mozilla', 'firefox');
    const profile = join(root, 'p.default');
    mkdirSync(profile, { recursive: true });
    writeFileSync(join(root, 'profiles.ini'), '[Profile0]\nName=default\nIsRelative=1\nPath=p.default\nDefault=1\n');
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${profile}`]);
    execFileSync('pk12util', ['-i', w.seeded.p12Path, '-d', `sql:${profile}`, '-W', w.seeded.p12Password], { stdio: 'ignore' });
    const fakeFirefox = join(root, 'firefox');
    copyFileSync('/bin/sleep', fakeFirefox);
    const running: ChildProcess = spawn(fakeFirefox, ['600'], { stdio: 'ignore' });
    await new Promise((resolve) => running.once('spawn', resolve));
    symlinkSync(`127.0.1.1:+${running.pid}`, join(profile, 'lock'));
    writeFileSync(w.policyFile, JSON.stringify({ bankName: 'Compose Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', stores: [`nss:${w.dbs[0]}`, 'firefox'] }));
    const env = { ...w.env, XDG_CONFIG_HOME: join(w.env.HOME, '.config') };
    try {
      const core = await composeCore({ policyFile: w.policyFile, env, emit: () => undefined });
      const o = await core.service.getOverview();
      expect(o.ok && o.value.certificates.map((c) => c.fingerprint)).toEqual([w.seeded.fingerprint]);
      const pre = await core.service.runPreflight(w.seeded.fingerprint);
      expect(pre.ok && pre.value.checks.find((c) => c.id === 'store')?.error).toMatchObject({ detail: { reason: 'FIREFOX_RUNNING' } });
      const refused = await core.service.renew(w.seeded.fingerprint);
      expect(refused.ok).toBe(false);
      expect(refused.ok ? undefined : refused.error).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'FIREFOX_RUNNING' } });
      expect(refused.ok ? '' : refused.error.message).toContain('Close Firefox');
      expect(bank.account(w.seeded.id)?.issued).toHaveLength(1);
      expect(await fingerprints(w.dbs[0]!)).toEqual([w.seeded.fingerprint]);
      await core.settle();

      const ended = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await ended;
      const again = await composeCore({ policyFile: w.policyFile, env, emit: () => undefined });
      const r = await again.service.renew(w.seeded.fingerprint);
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      for (const db of [w.dbs[0]!, profile]) expect(await fingerprints(db)).toEqual([r.ok ? r.value.certificate.sha256 : '']);
      await again.settle();
    } finally {
      running.kill('SIGKILL');
    }
  });
});
