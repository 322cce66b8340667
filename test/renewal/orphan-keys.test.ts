// Issue 23 items 3 and 5 in the NSS db's own token (keyStorage "store"): a private key that
// CertDesk left (a request's key under its working label "CertDesk <uuid>", or a key the
// ledger names) is found and removed by the next renewal, whatever left it (a kill, a full
// disk, a run without the PIN); `doctor` (preflight) reports every private key without a
// certificate, CertDesk's marked as such, without failing a check (the renewal that removes
// them must not be blocked). A key of someone else's without a certificate is reported and
// left alone. The db is read with certutil -K, not through CertDesk.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import { OrphanLedger } from '../../src/main/core/renewal/orphan-keys';
import { openNssStore } from '../../src/main/core/store';
import { createNssTokenCustodian } from '../../src/main/core/store/nss/custody';
import { subjectDerOf } from '../../src/main/core/pki';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let n = 0;

beforeAll(async () => {
  ({ root, bank } = await bankInTemp('certdesk-orphan-keys-'));
});
afterAll(() => endBankInTemp(root, bank));

function keys(db: string): Array<{ id: string; name: string }> {
  let out = '';
  try {
    out = execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    if (!/no keys found/.test(`${e.stdout}${e.stderr}`)) throw err;
  }
  return out
    .split('\n')
    .map((l) => /^<\s*\d+>\s+\w+\s+([0-9a-f]+)\s+(.*)$/i.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ id: m[1]!.toLowerCase(), name: m[2]!.trim() }));
}

async function world() {
  const dir = join(root, `w${++n}`);
  const db = join(dir, 'nssdb');
  const journalDir = join(dir, 'data');
  mkdirSync(journalDir, { recursive: true });
  const account = await bank.seedAccount(`orphan-${n}-${process.pid}`, 20, undefined, { keyType: 'ecdsaP256' });
  nssDbHolding(db, account);
  const { policy } = await parsePolicy({ bankName: 'Orphan Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'ecdsaP256' }, join(dir, 'policy.json'));
  const logs: string[] = [];
  const service = async (recoverOnRead = true) => nodeService({ loaded: { policy }, store: await openNssStore({ dbDir: db }), journalDir, vault: memoryVault(), log: (l) => logs.push(l), recoverOnRead });
  const custodian = createNssTokenCustodian({ dbDir: db, label: `NSS db ${db}` });
  /** A key pair made in the db's token the way a request's is, under `label`, with nothing else. */
  const strayKey = async (label: string) => (await custodian.createRequest({ keyType: 'ecdsaP256', subjectDer: subjectDerOf(new Uint8Array(Buffer.from(account.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))), label })).keyId;
  return { dir, db, journalDir, account, service, strayKey, logs };
}

describe('keys without a certificate in the NSS db token', { timeout: 180_000 }, () => {
  it('a working-label key no journal names (a kill whose record was lost) is removed by the next renewal; a stranger\'s key stays', async () => {
    const w = await world();
    const oldKey = keys(w.db)[0]!.id;
    const ours = await w.strayKey(`CertDesk ${randomUUID()}`);
    const stranger = await w.strayKey('Somebody else');
    expect(keys(w.db).map((k) => k.id).sort()).toEqual([oldKey, ours, stranger].sort());

    // doctor: both reported, ours marked; the identity check still passes.
    const svc = await w.service();
    const pre = await svc.runPreflight(w.account.fingerprint);
    expect(pre.ok).toBe(true);
    if (!pre.ok) return;
    expect(pre.value.checks.find((c) => c.id === 'identity')?.state).toBe('passed');
    expect(pre.value.keysWithoutCertificate?.map((k) => [k.keyId, k.ours]).sort()).toEqual([[ours, true], [stranger, false]].sort());

    const r = await svc.renew(w.account.fingerprint);
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    const left = keys(w.db).map((k) => k.id);
    expect(left).not.toContain(ours);
    expect(left).not.toContain(oldKey);
    expect(left).toContain(stranger);
    expect(left).toHaveLength(2);
    expect(w.logs.some((l) => l.includes('Removed a key an interrupted renewal left'))).toBe(true);
  });

  it('a key the ledger names (its removal failed before: no PIN, a full disk) is removed by the next renewal and the ledger goes', async () => {
    const w = await world();
    const recorded = await w.strayKey('disk-full old key');
    await new OrphanLedger(w.journalDir).add({ keyStorage: 'store', keyId: recorded, where: `NSS db ${w.db}`, since: new Date().toISOString(), reason: 'test' });
    // The read-only overview (status without --recover) names it while it waits.
    const ov = await (await w.service(false)).getOverview();
    expect(ov.ok && ov.value.keysToRemove?.map((k) => k.label)).toEqual([`ID ${recorded}`]);
    const r = await (await w.service()).renew(w.account.fingerprint);
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    expect(keys(w.db).map((k) => k.id)).not.toContain(recorded);
    expect(keys(w.db)).toHaveLength(1);
    expect(existsSync(join(w.journalDir, 'orphan-keys.json'))).toBe(false);
  });

  it('the ledger is written atomically beside the journal: wx temporary file, no secret, version 1', async () => {
    const w = await world();
    const ledger = new OrphanLedger(w.journalDir);
    await ledger.add({ keyStorage: 'pkcs11', label: 'CertDesk 00000000-0000-4000-8000-000000000000', where: 'token "x"', since: '2026-12-07T00:00:00.000Z', reason: 'PIN_REQUIRED' });
    await ledger.add({ keyStorage: 'pkcs11', label: 'CertDesk 00000000-0000-4000-8000-000000000000', keyId: 'ab', where: 'token "x"', since: '2026-12-07T00:00:01.000Z', reason: 'PIN_REQUIRED' });
    const doc = JSON.parse(readFileSync(ledger.file, 'utf8')) as { version: number; keys: unknown[] };
    expect(doc.version).toBe(1);
    expect(doc.keys).toHaveLength(1);
    await ledger.write([]);
    expect(existsSync(ledger.file)).toBe(false);
  });
});
