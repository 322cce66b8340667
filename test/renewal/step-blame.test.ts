// Which step a failure is told against when the key is made beside the bank's answers (issue
// 29's early key, a458f26): the bank unreachable or answering 500 to cacerts fails the bank's
// step (send, 証明書要求の送信), and the key's line says it was made (the window's issuing
// screen reads the same events); a token refusing the key fails key generation. Either way
// the key made meanwhile is gone from the db (certutil -K) and no journal or ledger is left.
// Real bank and hostile server, real NSS db and softoken; the refusing token is the db's own
// custodian whose key generation fails as a token's does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertDeskEvents, ProgressEvent } from '../../src/shared/contract';
import { parsePolicy } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';
import { openNssStore, type KeyCustodian } from '../../src/main/core/store';
import type { Bank } from '../bank';
import { startHostile, type Hostile } from '../faults/hostile-server';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { custodianFor } from '../support/custodian';
import { certutilKeyIds as keyIds } from '../support/nss-tools';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let hostile: Hostile;
let n = 0;

beforeAll(async () => {
  ({ root, bank } = await bankInTemp('certdesk-step-blame-'));
  hostile = await startHostile(join(root, 'bank'));
});
afterAll(async () => {
  await hostile?.stop();
  await endBankInTemp(root, bank);
});

/** The db's own custodian; the keys it made recorded; `refuse`: its token refuses to make a key (as pkcs11/keys.ts words it). */
function watched(real: KeyCustodian, made: string[], refuse = false): KeyCustodian {
  const refusal = () => new CoreError('STORE_WRITE_FAILED', `The token (${real.describe()}) could not make a rsa2048 key (CKR_MECHANISM_INVALID). Check that the token is present and not full, then try again.`, { reason: 'KEYGEN_FAILED' });
  return {
    ...real,
    storage: real.storage,
    describe: () => real.describe(),
    async generateKey(spec) {
      if (refuse) throw refusal();
      const k = await real.generateKey!(spec);
      made.push(k.keyId);
      return k;
    },
    async createRequest(spec) {
      if (refuse) throw refusal();
      const r = await real.createRequest(spec);
      made.push(r.keyId);
      return r;
    },
  };
}

async function renewAgainst(endpoint: string, o: { refuse?: boolean } = {}) {
  const dir = join(root, `w${++n}`);
  const db = join(dir, 'nssdb');
  const seeded = await bank.seedAccount(`blame${n}`, 15, undefined, { keyType: 'rsa2048' });
  nssDbHolding(db, seeded);
  const loaded = await parsePolicy({ bankName: 'Blame Bank', endpoint, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'rsa2048', connectTimeoutMs: 2000, requestTimeoutMs: 5000 }, join(dir, 'policy.json'));
  const journalDir = join(dir, 'data');
  const before = keyIds(db);
  const made: string[] = [];
  const custodian = watched(custodianFor([await openNssStore({ dbDir: db })], 'store'), made, o.refuse);
  const events: ProgressEvent[] = [];
  const service = nodeService({
    loaded, store: await openNssStore({ dbDir: db }), vault: memoryVault(), journalDir, custodian,
    emit: <E extends keyof CertDeskEvents>(event: E, payload: CertDeskEvents[E]) => void (event === 'progress' && events.push(payload as ProgressEvent)),
  });
  const r = await service.renew(seeded.fingerprint);
  const steps = events.flatMap((e) => (e.kind === 'step' ? [e] : []));
  return { r, db, journalDir, before, made, steps, lines: steps.map((e) => `${e.step}:${e.state}`), issued: bank.account(seeded.id)?.issued.length };
}

type Renewed = Awaited<ReturnType<typeof renewAgainst>>;

/** The bank failed while the key was made: the key's line done, the bank's failed with the error the renewal returned, nothing else failed. */
function expectBankBlamed(w: Renewed, code: string): void {
  expect(w.r.ok ? 'succeeded' : w.r.error.code, w.r.ok ? '' : w.r.error.message).toBe(code);
  expect(w.lines).toEqual(['generateKey:running', 'generateKey:done', 'send:failed']);
  expect(w.steps[2]!.error).toMatchObject({ code });
}

/** Nothing left of the attempt: the key made meanwhile is gone from the db, no journal, no ledger. */
function expectNothingLeft(w: Renewed): void {
  expect(keyIds(w.db)).toEqual(w.before);
  for (const id of w.made) expect(keyIds(w.db)).not.toContain(id);
  expect(existsSync(join(w.journalDir, 'renewal-journal.json'))).toBe(false);
  expect(existsSync(join(w.journalDir, 'orphan-keys.json'))).toBe(false);
}

describe('the failed step is the one that failed, with the key made early', { timeout: 120_000 }, () => {
  it('the bank unreachable (a closed port): the bank step fails, the key was made and is removed', async () => {
    const w = await renewAgainst('https://127.0.0.1:9/.well-known/est');
    expectBankBlamed(w, 'NETWORK');
    expect(w.made.length).toBeGreaterThan(0);
    expectNothingLeft(w);
  });

  it('the bank answers 500 to cacerts: the bank step fails, the key was made and is removed', async () => {
    hostile.cacertsMode = 'error500';
    try {
      const before = hostile.enrolls;
      const w = await renewAgainst(hostile.url);
      expectBankBlamed(w, 'SERVER_ERROR');
      expect(w.made.length).toBeGreaterThan(0);
      expect(hostile.enrolls).toBe(before);
      expectNothingLeft(w);
    } finally {
      hostile.cacertsMode = 'good';
    }
  });

  it('the token refuses the key (the bank reachable): key generation fails, nothing is sent', async () => {
    const w = await renewAgainst(bank.url, { refuse: true });
    expect(w.r.ok ? 'succeeded' : w.r.error.detail).toMatchObject({ reason: 'KEYGEN_FAILED' });
    expect(w.lines).toEqual(['generateKey:running', 'generateKey:failed']);
    expect(w.steps[1]!.error).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { reason: 'KEYGEN_FAILED' } });
    expect(w.issued).toBe(1);
    expectNothingLeft(w);
  });
});
