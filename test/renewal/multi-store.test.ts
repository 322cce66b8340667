// A policy with several stores: the renewal installs into each, reads each back, and removes
// the superseded certificate from each only once all hold the new one. Two real NSS dbs, the
// bank simulator, Node's transport. A store that refuses its write (its guard throws, as
// Firefox's profile lock does) is named in the error, leaves the other consistent, and the
// next start finishes the job from the journal.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';
import { pemToDer } from '../../src/main/core/pki';
import type { CoreService } from '../../src/main/core/renewal';
import type { JournalRecord } from '../../src/main/core/renewal/journal';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import type { Vault } from '../../src/main/core/vault';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let anchorsDer: Uint8Array[];
let n = 0;

beforeAll(async () => {
  ({ root, bank } = await bankInTemp('certdesk-multistore-'));
  anchorsDer = pemToDer(bank.trustAnchorPem, 'CERTIFICATE');
});
afterAll(() => endBankInTemp(root, bank));

interface World {
  dbs: [string, string];
  journalDir: string;
  oldFp: string;
  vault: Vault;
  policy: Awaited<ReturnType<typeof parsePolicy>>['policy'];
}

/** Two dbs holding the same old certificate with its key (installed into both last year). */
async function world(opts: { secondHoldsOld?: boolean } = {}): Promise<World> {
  const dir = join(root, `w${++n}`);
  const dbs: [string, string] = [join(dir, 'first'), join(dir, 'second')];
  const seeded = await bank.seedAccount(`multi${n}`, 15, undefined, { keyType: 'ecdsaP256' });
  for (const [i, db] of dbs.entries()) nssDbHolding(db, i === 0 || opts.secondHoldsOld !== false ? seeded : undefined);
  const { policy } = await parsePolicy(
    { bankName: 'Multi Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'ecdsaP256', keyStorage: 'software', stores: dbs.map((d) => `nss:${d}`) },
    join(dir, 'policy.json'),
  );
  return { dbs, journalDir: join(dir, 'data'), oldFp: seeded.fingerprint, vault: memoryVault(), policy };
}

/** The second db's writes are refused while `guard.blocked` (as a running Firefox refuses its profile's). */
interface Guard {
  blocked: boolean;
}

type Call = 'install' | 'verifyInstalled' | 'remove';

/** The store, whose `call` throws `error` instead of running the first time (then works again). */
function failingOnce(store: CertificateStore, call: Call, error: CoreError): CertificateStore {
  const out = Object.create(store) as CertificateStore;
  let failed = false;
  const real = (store[call] as (...a: unknown[]) => Promise<unknown>).bind(store);
  (out as unknown as Record<Call, unknown>)[call] = async (...args: unknown[]) => {
    if (!failed) {
      failed = true;
      throw error;
    }
    return real(...args);
  };
  return out;
}

interface Options {
  guard?: Guard;
  /** Wraps the store at this index (0: the primary). */
  wrap?: { index: 0 | 1; fn: (s: CertificateStore) => CertificateStore };
  /** The primary alone (the policy's one store). */
  single?: boolean;
}

async function serviceOf(w: World, opts: Options | Guard = {}): Promise<{ service: CoreService; stores: CertificateStore[] }> {
  const o: Options = 'blocked' in opts ? { guard: opts } : opts;
  const guard = o.guard ?? { blocked: false };
  const first = await openNssStore({ dbDir: w.dbs[0] });
  const second = await openNssStore({
    dbDir: w.dbs[1],
    label: `Second db (${w.dbs[1]})`,
    beforeWrite: () => {
      // @ts-expect-error the test's own reason, which no store emits: it marks this failure as the test's
      if (guard.blocked) throw new CoreError('STORE_UNAVAILABLE', 'The second db is in use. Close it and try again.', { reason: 'TEST_BLOCKED' });
    },
  });
  const stores = [first, second].map((st, i) => (o.wrap?.index === i ? o.wrap.fn(st) : st));
  const service = nodeService({ loaded: { policy: w.policy }, store: stores[0]!, ...(o.single ? {} : { stores }), vault: w.vault, journalDir: w.journalDir });
  return { service, stores };
}

async function listed(db: string): Promise<Array<{ fp: string; key: boolean }>> {
  return (await (await openNssStore({ dbDir: db })).list(anchorsDer)).map((s) => ({ fp: s.fingerprint, key: s.hasPrivateKey })).sort((a, b) => a.fp.localeCompare(b.fp));
}

function keyCount(db: string): number {
  const out = execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => /^<\s*\d+>/.test(l)).length;
}

const journalOf = (w: World) => join(w.journalDir, 'renewal-journal.json');

describe('several stores', { timeout: 120_000 }, () => {
  it('renew: both dbs hold the new certificate with its key, neither holds the old; the journal is gone', async () => {
    const w = await world();
    const { service } = await serviceOf(w);
    const r = await service.renew(w.oldFp);
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    const newFp = r.ok ? r.value.certificate.sha256 : '';
    expect(newFp).not.toBe(w.oldFp);
    for (const db of w.dbs) {
      expect(await listed(db)).toEqual([{ fp: newFp, key: true }]);
      expect(keyCount(db)).toBe(1);
    }
    expect(existsSync(journalOf(w))).toBe(false);
  });

  it('a second store that never held the old certificate gets the new one too (Firefox added to the policy later)', async () => {
    const w = await world({ secondHoldsOld: false });
    const { service } = await serviceOf(w);
    const r = await service.renew(w.oldFp);
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    const newFp = r.ok ? r.value.certificate.sha256 : '';
    for (const db of w.dbs) expect(await listed(db)).toEqual([{ fp: newFp, key: true }]);
  });

  it("the second store refuses its install: the error names it, the first keeps old and new (both usable), the journal says how far each got; the next start finishes both", async () => {
    const w = await world();
    const guard = { blocked: false };
    const { service } = await serviceOf(w, guard);
    // Blocked once the preflight-free renewal has started (the early CA marking is best effort).
    guard.blocked = true;
    const r = await service.renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('STORE_UNAVAILABLE');
    expect(r.error.message).toContain(`Second db (${w.dbs[1]})`);
    expect(r.error.detail).toMatchObject({ store: `Second db (${w.dbs[1]})`, reason: 'TEST_BLOCKED' });

    const rec = JSON.parse(readFileSync(journalOf(w), 'utf8')) as JournalRecord;
    expect(rec.step).toBe('install');
    expect(rec.storeProgress).toEqual({ [`NSS db ${w.dbs[0]}`]: 'installed' });
    const newFp = rec.newFingerprint!;
    // The first db: old and new, each with its key; the second untouched.
    expect(await listed(w.dbs[0])).toEqual([{ fp: newFp, key: true }, { fp: w.oldFp, key: true }].sort((a, b) => a.fp.localeCompare(b.fp)));
    expect(await listed(w.dbs[1])).toEqual([{ fp: w.oldFp, key: true }]);

    // Still blocked: the next start keeps the journal and says which store waits.
    const again = await (await serviceOf(w, guard)).service.recover();
    expect(again).toMatchObject({ outcome: 'pending', error: { code: 'STORE_UNAVAILABLE', detail: { store: `Second db (${w.dbs[1]})` } } });
    expect(existsSync(journalOf(w))).toBe(true);

    guard.blocked = false;
    const done = await (await serviceOf(w, guard)).service.recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: newFp });
    for (const db of w.dbs) {
      expect(await listed(db)).toEqual([{ fp: newFp, key: true }]);
      expect(keyCount(db)).toBe(1);
    }
    expect(existsSync(journalOf(w))).toBe(false);
  });

  it('the preflight opens every store: a second store that cannot be listed fails the store check, named', async () => {
    const w = await world();
    const { service } = await serviceOf(w);
    // Gone after the app opened it (a profile deleted, a share unmounted).
    rmSync(w.dbs[1], { recursive: true, force: true });
    const r = await service.runPreflight(w.oldFp);
    expect(r.ok).toBe(true);
    const store = r.ok ? r.value.checks.find((c) => c.id === 'store') : undefined;
    expect(store?.state).toBe('failed');
    expect(store?.error?.detail?.store).toBe(`Second db (${w.dbs[1]})`);
  });
});

describe('a failure after the bank issued leaves what the journal promises', { timeout: 120_000 }, () => {
  it('one store: the read-back fails after the install (VERIFY_FAILED): the journal is kept at verifyInStore, the old certificate stays; the next start reads back again and finishes', async () => {
    const w = await world();
    const readBack = new CoreError('VERIFY_FAILED', 'The certificate was not found in the store with its key.', { reason: 'NOT_IN_STORE' });
    const { service } = await serviceOf(w, { single: true, wrap: { index: 0, fn: (s) => failingOnce(s, 'verifyInstalled', readBack) } });
    const r = await service.renew(w.oldFp);
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : r.error.code).toBe('VERIFY_FAILED');
    const rec = JSON.parse(readFileSync(journalOf(w), 'utf8')) as JournalRecord;
    expect(rec.step).toBe('verifyInStore');
    expect(rec.sealedKey).toBeDefined();
    const newFp = rec.newFingerprint!;
    // Nothing lost: the old certificate and the new one, each with its key.
    expect((await listed(w.dbs[0])).map((x) => x.fp).sort()).toEqual([newFp, w.oldFp].sort());
    expect(bank.account(`multi${n}`)?.currentFingerprint).toBe(newFp);

    const done = await (await serviceOf(w, { single: true })).service.recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: newFp });
    expect(await listed(w.dbs[0])).toEqual([{ fp: newFp, key: true }]);
    expect(keyCount(w.dbs[0])).toBe(1);
    expect(existsSync(journalOf(w))).toBe(false);
  });

  it('one store: the read-back fails and the new certificate is then lost from the store: the next start installs it again from the sealed key', async () => {
    const w = await world();
    const readBack = new CoreError('VERIFY_FAILED', 'The certificate was not found in the store with its key.', { reason: 'NOT_IN_STORE' });
    const r = await (await serviceOf(w, { single: true, wrap: { index: 0, fn: (s) => failingOnce(s, 'verifyInstalled', readBack) } })).service.renew(w.oldFp);
    expect(r.ok).toBe(false);
    const newFp = (JSON.parse(readFileSync(journalOf(w), 'utf8')) as JournalRecord).newFingerprint!;
    await (await openNssStore({ dbDir: w.dbs[0] })).remove(newFp);
    expect(await listed(w.dbs[0])).toEqual([{ fp: w.oldFp, key: true }]);

    const done = await (await serviceOf(w, { single: true })).service.recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: newFp });
    expect(await listed(w.dbs[0])).toEqual([{ fp: newFp, key: true }]);
  });

  it('one store, a real read-back failure: the new key vanishes from the db between install and read-back; the journal is kept, the old certificate stays, the next start installs the certificate again from the sealed key', async () => {
    const w = await world();
    const db = w.dbs[0];
    const dropNewKey = (store: CertificateStore): CertificateStore => {
      const out = Object.create(store) as CertificateStore;
      out.install = async (o) => {
        const done = await store.install(o);
        // Its key by NSS's ID (CKA_ID: SHA-1 of the EC point; old and new share one nickname).
        const spki = new X509Certificate(o.certificateDer).publicKey.export({ type: 'spki', format: 'der' });
        const id = createHash('sha1').update(spki.subarray(spki.length - 65)).digest('hex');
        expect(execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8' }), 'the new key is listed').toContain(id);
        execFileSync('certutil', ['-F', '-k', id!, '-d', `sql:${db}`]);
        return done;
      };
      return out;
    };
    const r = await (await serviceOf(w, { single: true, wrap: { index: 0, fn: dropNewKey } })).service.renew(w.oldFp);
    expect(r.ok).toBe(false);
    console.log(`read-back without the key: ${r.ok ? '' : `${r.error.code} ${r.error.message}`}`);
    const rec = JSON.parse(readFileSync(journalOf(w), 'utf8')) as JournalRecord;
    expect(rec.step).toBe('verifyInStore');
    const newFp = rec.newFingerprint!;
    expect(await listed(db)).toEqual([{ fp: newFp, key: false }, { fp: w.oldFp, key: true }].sort((a, b) => a.fp.localeCompare(b.fp)));

    const done = await (await serviceOf(w, { single: true })).service.recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: newFp });
    expect(await listed(db)).toEqual([{ fp: newFp, key: true }]);
    expect(keyCount(db)).toBe(1);
    expect(existsSync(journalOf(w))).toBe(false);
  });

  it("two stores: the second's read-back fails: named, journal kept, both still hold the old certificate; the next start finishes both", async () => {
    const w = await world();
    const readBack = new CoreError('VERIFY_FAILED', 'The certificate was not found in the store with its key.', { reason: 'NOT_IN_STORE' });
    const r = await (await serviceOf(w, { wrap: { index: 1, fn: (s) => failingOnce(s, 'verifyInstalled', readBack) } })).service.renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'VERIFY_FAILED', detail: { store: `Second db (${w.dbs[1]})`, reason: 'NOT_IN_STORE' } });
    expect(r.error.message).toMatch(/^Second db \(/);
    const rec = JSON.parse(readFileSync(journalOf(w), 'utf8')) as JournalRecord;
    expect(rec.step).toBe('verifyInStore');
    expect(rec.storeProgress).toEqual({ [`NSS db ${w.dbs[0]}`]: 'verified', [`Second db (${w.dbs[1]})`]: 'installed' });
    for (const db of w.dbs) expect((await listed(db)).map((x) => x.fp)).toContain(w.oldFp);

    const done = await (await serviceOf(w)).service.recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: rec.newFingerprint });
    for (const db of w.dbs) expect(await listed(db)).toEqual([{ fp: rec.newFingerprint, key: true }]);
  });

  it("two stores: the removal of the old certificate fails in the second after the first's: the next start removes it there too", async () => {
    const w = await world();
    // @ts-expect-error the test's own reason, which no store emits
    const gone = new CoreError('STORE_WRITE_FAILED', 'The db could not be written.', { reason: 'TEST' });
    const r = await (await serviceOf(w, { wrap: { index: 1, fn: (s) => failingOnce(s, 'remove', gone) } })).service.renew(w.oldFp);
    expect(r.ok).toBe(false);
    const rec = JSON.parse(readFileSync(journalOf(w), 'utf8')) as JournalRecord;
    expect(rec.step).toBe('removeOld');
    expect(rec.storeProgress?.[`NSS db ${w.dbs[0]}`]).toBe('removedOld');
    expect((await listed(w.dbs[0])).map((x) => x.fp)).toEqual([rec.newFingerprint]);
    expect((await listed(w.dbs[1])).map((x) => x.fp).sort()).toEqual([rec.newFingerprint!, w.oldFp].sort());

    const done = await (await serviceOf(w)).service.recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: rec.newFingerprint });
    for (const db of w.dbs) {
      expect(await listed(db)).toEqual([{ fp: rec.newFingerprint, key: true }]);
      expect(keyCount(db)).toBe(1);
    }
  });
});
