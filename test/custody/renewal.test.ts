// The renewal with the key made in the NSS db's token (keyStorage "store", the default): no
// keychain needed (a vault that cannot be reached), nothing but the db holds the key (no
// PKCS#12 or key file in TMPDIR), the journal names the key and never holds it, and a
// request that fails after the key was made leaves no key behind.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, watch, mkdtempSync, rmSync, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, openSettings } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';
import { createNodeTransport } from '../../src/main/core/est';
import { createRenewalService } from '../../src/main/core/renewal';
import type { JournalRecord } from '../../src/main/core/renewal/journal';
import { subjectFromTemplate } from '../../src/main/core/pki';
import { openNssStore } from '../../src/main/core/store';
import { createNssTokenCustodian } from '../../src/main/core/store/nss/custody';
import type { Vault } from '../../src/main/core/vault';
import { BankServer } from '../bank/server';
import { bankCertificates, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';
import { certutilKeys } from '../support/nss-tools';

let bank: BankServer;
let work: string;
let n = 0;

beforeAll(async () => {
  work = await tempDir('certdesk-custody-renewal-');
  bank = await BankServer.start({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

/** A keychain that is not there (an SSH session, CI without a Secret Service). */
const noVault: Vault = {
  getOrCreateKey: async () => {
    throw new CoreError('VAULT_UNAVAILABLE', 'No Secret Service (test).');
  },
  delete: async () => undefined,
};

async function setup(opts: { seedDays?: number; policy?: Record<string, unknown> } = {}) {
  const dir = join(work, `r${++n}`);
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const account = opts.seedDays === undefined ? undefined : await bank.seedAccount(`cust${n}`, opts.seedDays, 'pw-cust');
  if (account) await importP12(db, account.p12Path, account.p12Password);
  const file = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, ...opts.policy });
  const loaded = await loadPolicy({ file });
  const journalDir = join(dir, 'data');
  const journals: JournalRecord[] = [];
  const service = createRenewalService({
    policy: loaded.policy,
    store: await openNssStore({ dbDir: db }),
    vault: noVault,
    settings: openSettings({ dir: journalDir }),
    journalDir,
    transportFor: (identity) => {
      const t = createNodeTransport({ anchorsPem: loaded.policy.trustAnchorPem, ...(identity && !('fingerprint' in identity) ? { identity } : {}), proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000 });
      // The journal as it stands when the request goes out.
      return { ...t, send: (req) => (req.method === 'POST' && journals.push(JSON.parse(readFileSync(join(journalDir, 'renewal-journal.json'), 'utf8')) as JournalRecord), t.send(req)), close: () => t.close() };
    },
    emit: () => undefined,
    sleep: async () => undefined,
  });
  return { db, account, service, journals, journalDir };
}

/** Runs `fn` with TMPDIR pointed at a fresh folder, and returns what appeared in it (any depth). */
async function watchingTmp<T>(fn: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
  const watched = mkdtempSync(join(tmpdir(), 'certdesk-custody-tmp-'));
  const saved = process.env.TMPDIR;
  const seen: string[] = [];
  let watcher: FSWatcher | undefined;
  try {
    process.env.TMPDIR = watched;
    watcher = watch(watched, { recursive: true }, (_e, name) => seen.push(String(name)));
    const result = await fn();
    // fs.watch reports asynchronously: one more turn of the loop lets pending events in.
    await new Promise((res) => setTimeout(res, 50));
    return { result, seen };
  } finally {
    watcher?.close();
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(watched, { recursive: true, force: true });
  }
}

const keyIdsOf = (db: string) => [...certutilKeys(db).matchAll(/^<\s*\d+>\s+\w+\s+([0-9a-f]{40})/gm)].map((m) => m[1]);

describe('renewal with the key in the NSS db token', { timeout: 240_000 }, () => {
  it('renews with no keychain at all and no PKCS#12 or key file in TMPDIR: the key made in the db, the journal naming it, never holding it', async () => {
    const s = await setup({ seedDays: 15 });
    const { result: r, seen } = await watchingTmp(() => s.service.renew(s.account!.fingerprint));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    // The current identity is lent from the token for mutual TLS (nss/lend), the new key never leaves it.
    expect(seen.filter((f) => /\.(p12|pfx|key|p8)$|pw$|pkcs8/i.test(f))).toEqual([]);
    const fp = r.ok ? r.value.certificate.sha256 : '';
    const mine = await bankCertificates(s.db, bank.issuingCaPem);
    expect(mine.map((c) => c.sha256)).toEqual([fp]);
    expect(mine[0]!.hasKey).toBe(true);
    // One key left, the new one, under NSS's own ID for its certificate.
    const x = new (await import('node:crypto')).X509Certificate(mine[0]!.pem);
    const jwk = x.publicKey.export({ format: 'jwk' });
    const raw = jwk.kty === 'EC' ? Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]) : Buffer.from(jwk.n!, 'base64url');
    const nssId = (await import('node:crypto')).createHash('sha1').update(raw).digest('hex');
    expect(keyIdsOf(s.db)).toEqual([nssId]);
    // The journal at send: the key's storage and ID, no sealed key.
    const atSend = s.journals.at(-1)!;
    expect(atSend).toMatchObject({ step: 'send', keyStorage: 'store', keyId: nssId });
    expect(atSend.sealedKey).toBeUndefined();
  });

  it('取得 writes no PKCS#12 and no key file anywhere in TMPDIR', async () => {
    const s = await setup();
    await bank.addAccount(`acq${n}`, 'pw-acq');
    const { result: r, seen } = await watchingTmp(() => s.service.acquire({ loginId: `acq${n}`, password: 'pw-acq' }));
    expect(r.ok, JSON.stringify(r)).toBe(true);
    // Only the CA and the verification's PEM certificates pass through the private folders.
    expect(seen.filter((f) => /\.(p12|pfx|key|p8)$|pw$|pkcs8/i.test(f))).toEqual([]);
    const mine = await bankCertificates(s.db, bank.issuingCaPem);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.hasKey).toBe(true);
  });

  it('software keys still need the keychain: VAULT_UNAVAILABLE, and no key left in the db', async () => {
    const s = await setup({ seedDays: 15, policy: { keyStorage: 'software' } });
    const before = keyIdsOf(s.db);
    const r = await s.service.renew(s.account!.fingerprint);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error.code).toBe('VAULT_UNAVAILABLE');
    expect(keyIdsOf(s.db)).toEqual(before);
  });

  it('a kill between the key\'s making and the journal learning its ID: the next start removes the key by its working label', async () => {
    const s = await setup({ seedDays: 15 });
    const before = keyIdsOf(s.db);
    const id = randomUUID();
    const custodian = createNssTokenCustodian({ dbDir: s.db, label: 'test' });
    const other = await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subjectFromTemplate('CN={loginId}', 'x'), label: 'someone else' });
    const made = await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subjectFromTemplate('CN={loginId}', 'x'), label: `CertDesk ${id}` });
    expect(keyIdsOf(s.db)).toContain(made.keyId);
    // The journal as the killed run left it: at generateKey, the key's storage known, its ID not yet.
    mkdirSync(s.journalDir, { recursive: true });
    writeFileSync(join(s.journalDir, 'renewal-journal.json'), JSON.stringify({ version: 1, id, operation: 'renew', step: 'generateKey', startedAt: new Date().toISOString(), keyType: 'ecdsaP256', keyStorage: 'store', oldFingerprint: s.account!.fingerprint }), { mode: 0o600 });
    const out = await s.service.recover();
    expect(out?.outcome).toBe('rolledBack');
    expect(keyIdsOf(s.db).sort()).toEqual([...before, other.keyId].sort());
  });

  it('a request the bank refuses leaves no key: the rollback removes the one made for it', async () => {
    const s = await setup({ seedDays: 15 });
    const before = keyIdsOf(s.db);
    bank.revoke(s.account!.fingerprint);
    const r = await s.service.renew(s.account!.fingerprint);
    expect(r.ok).toBe(false);
    expect(keyIdsOf(s.db)).toEqual(before);
    expect(s.journals.at(-1)?.keyId).toBeDefined();
    expect(before).not.toContain(s.journals.at(-1)?.keyId);
  });
});
