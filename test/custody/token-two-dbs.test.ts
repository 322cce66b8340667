// keyStorage "pkcs11" with two NSS dbs in the policy's stores (the user's db and a Firefox
// profile, say): the key and certificate are made once, in the token; the module is
// registered in both dbs, and each db lists the certificate through it (verified in both).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCore } from '../../src/main/core/compose';
import { BankServer } from '../bank/server';
import { rm, tempDir, writePolicy } from '../support/cli-world';
import { newNssDb } from '../support/nss-tools';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

const why = missing('softhsm2');
(why ? describe.skip : describe)('keyStorage "pkcs11" into two NSS dbs', { timeout: 240_000 }, () => {
  let work: string;
  let token: TestToken;
  let bank: BankServer;

  beforeAll(async () => {
    work = await tempDir('certdesk-token-two-dbs-');
    token = await startSofthsm(join(work, 'token'), 'Two DB Card');
    bank = await BankServer.start({ dataDir: join(work, 'bank') });
  });
  afterAll(async () => {
    await bank?.stop();
    await token?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  // The token is registered in both dbs at the attach; neither needs a copy of the key.
  it('取得 registers the module in both dbs, and both list the one certificate with its key', async () => {
    const dbs = [newNssDb(work, 'user'), newNssDb(work, 'profile')];
    const policyFile = await writePolicy(work, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, stores: dbs.map((d) => `nss:${d}`), keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, keyType: 'ecdsaP256' });
    await bank.addAccount('two1', 'pw-two1');
    const core = await composeCore({ policyFile, env: { ...process.env, CERTDESK_DATA_DIR: join(work, 'data') }, emit: () => undefined, pin: async () => token.pin });
    const r = await core.service.acquire({ loginId: 'two1', password: 'pw-two1' });
    await core.settle();
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const pinFile = join(work, 'pin');
    writeFileSync(pinFile, token.pin, { mode: 0o600 });
    for (const db of dbs) {
      expect(readFileSync(join(db, 'pkcs11.txt'), 'utf8')).toContain(`library=${token.module}`);
      expect(execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-h', token.label, '-f', pinFile], { encoding: 'utf8', stdio: 'pipe' })).toMatch(/two1.*\s+u,u,u/);
    }
  });
});
