// Issue 29: the renewal's key is started before the bank's /csrattrs answers, of the policy's
// key type (renewal/early-key.ts). A bank whose csrattrs asks for another type (the
// simulator's rich shape: EC P-256) makes that key useless: it must be removed from the token
// and be gone when NSS itself lists the db (certutil -K, not CertDesk's word). A token that
// keeps it puts it into the ledger of keys to remove, and the next recovery removes it.
// Real bank, real NSS db and softoken; the custodian is the db's own, seen through a wrapper
// that records its calls (one test makes its removal fail as a full disk does: KEY_NOT_REMOVED).
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';
import { pemToDer } from '../../src/main/core/pki';
import { openNssStore, type KeyCustodian } from '../../src/main/core/store';
import { custodianFor } from '../support/custodian';
import { certutilKeyIds as keyIds } from '../support/nss-tools';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let n = 0;

beforeAll(async () => void ({ root, bank } = await bankInTemp('certdesk-early-key-', { csrAttrs: 'rich' })));
afterAll(() => endBankInTemp(root, bank));

interface Calls { generated: Array<{ keyType: string; keyId: string }>; signedWith: Array<string | undefined>; removed: string[] }

/** The db's own custodian, its calls recorded; `keepOnRemove`: its removal fails as on a full disk (the key stays). */
function watched(real: KeyCustodian, calls: Calls, keepOnRemove = false): KeyCustodian {
  return {
    ...real,
    storage: real.storage,
    describe: () => real.describe(),
    async generateKey(spec) {
      const k = await real.generateKey!(spec);
      calls.generated.push({ keyType: spec.keyType, keyId: k.keyId });
      return k;
    },
    async createRequest(spec) {
      calls.signedWith.push(spec.keyId);
      return real.createRequest(spec);
    },
    async removeKey(keyId) {
      calls.removed.push(keyId);
      if (keepOnRemove) throw new CoreError('STORE_WRITE_FAILED', 'A key CertDesk made could not be deleted: it is still there after its removal (is the disk full?).', { reason: 'KEY_NOT_REMOVED', keyId });
      return real.removeKey(keyId);
    },
  };
}

async function world(policyDoc: Record<string, unknown>) {
  const dir = join(root, `w${++n}`);
  const db = join(dir, 'nssdb');
  const seeded = await bank.seedAccount(`early${n}`, 15, undefined, { keyType: 'rsa2048' });
  nssDbHolding(db, seeded);
  const loaded = await parsePolicy({ bankName: 'Early Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', ...policyDoc }, join(dir, 'policy.json'));
  const journalDir = join(dir, 'data');
  const service = async (custodian?: KeyCustodian) => {
    const store = await openNssStore({ dbDir: db });
    return nodeService({ loaded: { policy: loaded.policy, managed: loaded.managed }, store, vault: memoryVault(), journalDir, ...(custodian ? { custodian } : {}) });
  };
  const realCustodian = async () => custodianFor([await openNssStore({ dbDir: db })], 'store');
  const oldKeyIds = keyIds(db);
  return { db, seeded, journalDir, service, realCustodian, oldKeyIds };
}

async function renewed(w: Awaited<ReturnType<typeof world>>, custodian: KeyCustodian) {
  const r = await (await w.service(custodian)).renew(w.seeded.fingerprint);
  expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
  const fp = r.ok ? r.value.certificate.sha256 : '';
  const listed = (await (await openNssStore({ dbDir: w.db })).list(pemToDer(bank.trustAnchorPem, 'CERTIFICATE'))).find((s) => s.fingerprint === fp);
  expect(listed?.hasPrivateKey).toBe(true);
  return new X509Certificate(listed!.certificateDer).publicKey;
}

function ledger(journalDir: string): Array<{ keyId?: string }> {
  const file = join(journalDir, 'orphan-keys.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { keys: Array<{ keyId?: string }> }).keys : [];
}

describe('the key started before csrattrs answers', { timeout: 120_000 }, () => {
  it('csrattrs asks for another type: the RSA key made meanwhile is removed and gone from the db; the request has an EC key of its own', async () => {
    const w = await world({});
    const calls: Calls = { generated: [], signedWith: [], removed: [] };
    const key = await renewed(w, watched(await w.realCustodian(), calls));
    expect(key.asymmetricKeyType).toBe('ec');
    // Made of the policy's type before the bank's answer said P-256, then removed.
    expect(calls.generated.map((g) => g.keyType)).toEqual(['rsa2048']);
    const early = calls.generated[0]!.keyId;
    expect(calls.removed).toEqual([early]);
    expect(calls.signedWith).toEqual([undefined]);
    // NSS's own listing: one key, the new certificate's; the early one and the old one gone.
    const left = keyIds(w.db);
    expect(left).toHaveLength(1);
    expect(left).not.toContain(early);
    expect(w.oldKeyIds.some((id) => left.includes(id))).toBe(false);
    expect(ledger(w.journalDir)).toEqual([]);
  });

  it('csrattrs asks for the type the key already has (the policy sets keyType): the request is signed with the early key, nothing is removed', async () => {
    const w = await world({ keyType: 'rsa2048' });
    const calls: Calls = { generated: [], signedWith: [], removed: [] };
    const key = await renewed(w, watched(await w.realCustodian(), calls));
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(calls.generated).toHaveLength(1);
    expect(calls.signedWith).toEqual([calls.generated[0]!.keyId]);
    expect(calls.removed).toEqual([]);
    expect(keyIds(w.db)).toEqual([calls.generated[0]!.keyId]);
  });

  it('the token keeps the early key: the renewal goes on, the key is in the ledger, and the next recovery removes it', async () => {
    const w = await world({});
    const calls: Calls = { generated: [], signedWith: [], removed: [] };
    const key = await renewed(w, watched(await w.realCustodian(), calls, true));
    expect(key.asymmetricKeyType).toBe('ec');
    const early = calls.generated[0]!.keyId;
    expect(keyIds(w.db)).toContain(early);
    expect(keyIds(w.db)).toHaveLength(2);
    expect(ledger(w.journalDir).map((k) => k.keyId)).toEqual([early]);
    // A later run with a token that removes (the disk has room again).
    // No journal is left (the renewal finished): recover() answers null, and sweeps the ledger.
    await (await w.service()).recover();
    expect(keyIds(w.db)).toHaveLength(1);
    expect(keyIds(w.db)).not.toContain(early);
    expect(ledger(w.journalDir)).toEqual([]);
  });
});
