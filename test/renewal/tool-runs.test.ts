// How many store-tool processes one whole renewal starts on a real NSS db (each costs a
// process start and a database open): none today, so that any one a change brings back shows.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { createCommandRunner, openNssStore, type CommandRunner } from '../../src/main/core/store';
import { startBank, type Bank } from '../bank';
import { nodeService } from '../support/node-service';
import { ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';

let bank: Bank;
let work: string;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-toolruns-');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

function counting(): { run: CommandRunner; calls: string[] } {
  const real = createCommandRunner();
  const calls: string[] = [];
  return {
    calls,
    run: (cmd, args, opts) => {
      calls.push(`${cmd} ${args.filter((a) => a.startsWith('-') && a.length === 2).join(' ')}`);
      return real(cmd, args, opts);
    },
  };
}

describe('tool runs of a renewal', { timeout: 240_000 }, () => {
  it('renews, installs, verifies and removes the old identity without starting a store tool', async () => {
    const dir = join(work, 'r');
    const db = join(dir, 'nssdb');
    await run('mkdir', ['-p', db]);
    await newNssDb(db);
    const account = await bank.seedAccount('toolruns', 15, 'pw-tr');
    await importP12(db, account.p12Path, account.p12Password);
    const file = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath });
    const loaded = await loadPolicy({ file });
    const counter = counting();
    const journalDir = join(dir, 'data');
    const store = await openNssStore({ dbDir: db, run: counter.run });
    const service = nodeService({ loaded, store, journalDir });
    counter.calls.length = 0;
    const t0 = performance.now();
    const r = await service.renew(account.fingerprint);
    console.log(`renewal took ${Math.round(performance.now() - t0)} ms`);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const calls = [...counter.calls];
    console.log(`tool runs of one renewal: ${calls.length}\n${calls.join('\n')}`);
    // Exactly one identity left, the new one, with its key.
    const keys = (await run('certutil', ['-K', '-d', `sql:${db}`])).stdout.split('\n').filter((l) => /^<\s*\d+>/.test(l));
    expect(keys).toHaveLength(1);
    const listed = await store.list(await anchors(loaded.policy.trustAnchorPem));
    expect(listed.map((s) => s.fingerprint)).toEqual([r.ok ? r.value.certificate.sha256 : '']);
    expect(listed[0]?.hasPrivateKey).toBe(true);
    // 46 once (each listing 2 + one run per nickname, repeated by every store call); then 6;
    // now none: with keyStorage "store" (the default) the key is made in the db's token, the
    // certificate put beside it, read back, and the old identity removed, all through PKCS#11,
    // the current key lent for mutual TLS by the token itself (nss/lend), and the chain and
    // client-auth usage already checked by pkijs on the issued bytes (no vfychain). Any tool a
    // change brings back shows here by name.
    expect(calls).toEqual([]);
  });
});

async function anchors(pem: string): Promise<Uint8Array[]> {
  const { pemToDer } = await import('../../src/main/core/pki');
  return pemToDer(pem, 'CERTIFICATE');
}
