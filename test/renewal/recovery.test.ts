// Recovery checks the store against the journal at every step. Each case runs a real
// renewal (bank simulator, NSS db), keeps the journal as it was at one step (copied when the
// step's first store call or the request is made), then puts the db into the state a kill at
// that step can leave (the new certificate missing, the old one back) and lets a new service
// recover: exactly one bank identity with its key must come out, the one the bank issued.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../src/shared/contract';
import { parsePolicy } from '../../src/main/core/config';
import type { EstTransport } from '../../src/main/core/est';
import { pemToDer, sha256Hex } from '../../src/main/core/pki';
import type { CoreService } from '../../src/main/core/renewal';
import type { JournalRecord } from '../../src/main/core/renewal/journal';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import type { Vault } from '../../src/main/core/vault';
import type { Bank } from '../bank';
import { dbCertificates } from '../support/cli-world';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let anchorsDer: Uint8Array[];
let n = 0;

beforeAll(async () => {
  ({ root, bank } = await bankInTemp('certdesk-recovery-'));
  anchorsDer = pemToDer(bank.trustAnchorPem, 'CERTIFICATE');
});
afterAll(() => endBankInTemp(root, bank));

const STORE_CALLS = ['list', 'install', 'verifyInstalled', 'remove', 'installCaCertificates', 'exportIdentity'] as const;
type StoreCall = (typeof STORE_CALLS)[number];

/** The store, with `before` run ahead of each call (the case copies the journal there). */
function hooked(store: CertificateStore, before: (call: StoreCall, args: unknown[]) => void): CertificateStore {
  const out = Object.create(store) as CertificateStore;
  for (const name of STORE_CALLS) {
    const fn = (store as unknown as Record<string, ((...a: unknown[]) => Promise<unknown>) | undefined>)[name];
    if (!fn) continue;
    (out as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      before(name, args);
      return fn.apply(store, args);
    };
  }
  return out;
}

interface World {
  dir: string;
  db: string;
  journalDir: string;
  journalFile: string;
  p12: { path: string; password: string };
  oldFp: string;
  accountId: string;
  vault: Vault;
  policy: Awaited<ReturnType<typeof parsePolicy>>['policy'];
  /** How many transports the services created (a read-only overview creates none). */
  transports: number;
}

async function world(extra: Record<string, unknown> = {}): Promise<World> {
  const dir = join(root, `w${++n}`);
  const db = join(dir, 'nssdb');
  const journalDir = join(dir, 'data');
  const seeded = await bank.seedAccount(`rec${n}`, 15, undefined, { keyType: 'ecdsaP256' });
  nssDbHolding(db, seeded);
  // software: these cases take the new certificate out with its key and expect it back from
  // the sealed key; a key kept in the db's token is recovered in test/custody/renewal.test.ts.
  const { policy } = await parsePolicy({ bankName: 'Recovery Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'ecdsaP256', keyStorage: 'software', ...extra }, join(dir, 'policy.json'));
  return {
    dir, db, journalDir, journalFile: join(journalDir, 'renewal-journal.json'),
    p12: { path: seeded.p12Path, password: seeded.p12Password }, oldFp: seeded.fingerprint, accountId: `rec${n}`,
    vault: memoryVault(), policy, transports: 0,
  };
}

async function serviceOf(w: World, opts: { store?: (s: CertificateStore) => CertificateStore; recoverOnRead?: boolean; onTransport?: (t: EstTransport) => EstTransport } = {}): Promise<CoreService> {
  const store = await openNssStore({ dbDir: w.db });
  return nodeService({
    loaded: { policy: w.policy },
    store: opts.store ? opts.store(store) : store,
    vault: w.vault,
    journalDir: w.journalDir,
    onTransport: (t) => {
      w.transports++;
      return opts.onTransport ? opts.onTransport(t) : t;
    },
    ...(opts.recoverOnRead !== undefined ? { recoverOnRead: opts.recoverOnRead } : {}),
  });
}

type Step = 'send' | 'install' | 'verifyInStore' | 'removeOld';

/** A whole renewal that keeps a copy of the journal as it stood at `step`. Returns the copy and the new fingerprint. */
async function renewKeeping(w: World, step: Step): Promise<{ journal: string; newFp: string }> {
  let copy: string | undefined;
  const keep = () => {
    if (copy === undefined) copy = readFileSync(w.journalFile, 'utf8');
  };
  const at: Record<Exclude<Step, 'send'>, (call: StoreCall, args: unknown[]) => boolean> = {
    install: (call) => call === 'install',
    verifyInStore: (call) => call === 'verifyInstalled',
    removeOld: (call, args) => call === 'remove' && args[0] === w.oldFp,
  };
  const service = await serviceOf(w, {
    ...(step === 'send'
      ? { onTransport: (t) => ({ ...t, send: (req) => (req.method === 'POST' && keep(), t.send(req)), close: () => t.close() }) }
      : { store: (s) => hooked(s, (call, args) => at[step](call, args) && keep()) }),
  });
  const r = await service.renew(w.oldFp);
  expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
  expect(copy, `the journal was copied at ${step}`).toBeDefined();
  expect((JSON.parse(copy!) as JournalRecord).step).toBe(step);
  return { journal: copy!, newFp: r.ok ? r.value.certificate.sha256 : '' };
}

async function listed(w: World): Promise<Array<{ fp: string; key: boolean }>> {
  return (await (await openNssStore({ dbDir: w.db })).list(anchorsDer)).map((s) => ({ fp: s.fingerprint, key: s.hasPrivateKey })).sort((a, b) => a.fp.localeCompare(b.fp));
}

function keyCount(db: string): number {
  const out = (() => {
    try {
      return execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch {
      return '';
    }
  })();
  return out.split('\n').filter((l) => /^<\s*\d+>/.test(l)).length;
}

/** The state a kill can leave: the journal back, the new certificate gone or not, the old one back or not. */
async function crashState(w: World, journal: string, newFp: string, opts: { newGone: boolean; oldBack: boolean }): Promise<void> {
  writeFileSync(w.journalFile, journal, { mode: 0o600 });
  const store = await openNssStore({ dbDir: w.db });
  if (opts.newGone) await store.remove(newFp);
  if (opts.oldBack && !(await listed(w)).some((x) => x.fp === w.oldFp)) execFileSync('pk12util', ['-i', w.p12.path, '-d', `sql:${w.db}`, '-W', w.p12.password], { stdio: 'ignore' });
  const expected = [...(opts.newGone ? [] : [newFp]), ...(opts.oldBack ? [w.oldFp] : [])].sort();
  expect((await listed(w)).map((x) => x.fp)).toEqual(expected);
}

async function expectRenewed(w: World, newFp: string, r: Overview | undefined): Promise<void> {
  expect(r?.recovered).toEqual({ outcome: 'resumed', fingerprint: newFp });
  expect(r?.unfinished).toBeUndefined();
  expect(await listed(w)).toEqual([{ fp: newFp, key: true }]);
  expect(keyCount(w.db)).toBe(1);
  expect(() => statSync(w.journalFile)).toThrow();
}

describe('recovery checks the store against the journal', { timeout: 120_000 }, () => {
  it('at send, after the bank issued but before the answer arrived: the same request is sent again and the bank hands over the same certificate', async () => {
    const w = await world();
    const { journal, newFp } = await renewKeeping(w, 'send');
    // The PC never got the certificate: the db as before the renewal.
    await crashState(w, journal, newFp, { newGone: true, oldBack: true });
    const issuedBefore = bank.account(w.accountId)!.issued.length;
    const ov = await (await serviceOf(w)).getOverview();
    expect(ov.ok, ov.ok ? '' : ov.error.message).toBe(true);
    await expectRenewed(w, newFp, ov.ok ? ov.value : undefined);
    // Collected, not issued twice.
    expect(bank.account(w.accountId)!.issued.length).toBe(issuedBefore);
  });

  it('at install, nothing installed yet: installs, verifies, removes the old one', async () => {
    const w = await world();
    const { journal, newFp } = await renewKeeping(w, 'install');
    await crashState(w, journal, newFp, { newGone: true, oldBack: true });
    const ov = await (await serviceOf(w)).getOverview();
    await expectRenewed(w, newFp, ov.ok ? ov.value : undefined);
  });

  it('at verifyInStore with the new certificate missing: installed again from the sealed key before anything else', async () => {
    const w = await world();
    const { journal, newFp } = await renewKeeping(w, 'verifyInStore');
    expect((JSON.parse(journal) as JournalRecord).sealedKey).toBeDefined();
    await crashState(w, journal, newFp, { newGone: true, oldBack: true });
    const ov = await (await serviceOf(w)).getOverview();
    await expectRenewed(w, newFp, ov.ok ? ov.value : undefined);
  });

  for (const [what, state] of [
    ['both certificates there: the old one is removed (by fingerprint)', { newGone: false, oldBack: true }],
    ['the new certificate lost in the removal, the old one still there: the new one back, then the old one removed', { newGone: true, oldBack: true }],
    ['both gone (the old removal done, the new one lost): the new one back', { newGone: true, oldBack: false }],
  ] as const) {
    it(`at removeOld, ${what}`, async () => {
      const w = await world();
      const { journal, newFp } = await renewKeeping(w, 'removeOld');
      expect((JSON.parse(journal) as JournalRecord).sealedKey).toBeDefined();
      await crashState(w, journal, newFp, state);
      const ov = await (await serviceOf(w)).getOverview();
      await expectRenewed(w, newFp, ov.ok ? ov.value : undefined);
    });
  }

  it('at removeOld with removeSuperseded: false and the new certificate lost: the new one back, the old one kept', async () => {
    const w = await world({ removeSuperseded: false });
    // No removal call to copy at: the journal of the verifyInStore step, moved on to removeOld.
    const { journal, newFp } = await renewKeeping(w, 'verifyInStore');
    const rec = JSON.parse(journal) as JournalRecord;
    rec.step = 'removeOld';
    await crashState(w, JSON.stringify(rec), newFp, { newGone: true, oldBack: true });
    const r = await (await serviceOf(w)).recover();
    expect(r).toMatchObject({ outcome: 'resumed', fingerprint: newFp });
    expect(await listed(w)).toEqual([{ fp: newFp, key: true }, { fp: w.oldFp, key: true }].sort((a, b) => a.fp.localeCompare(b.fp)));
  });

  it('a journal of an earlier version (no sealed key after verifyInStore) with the new certificate lost: KEY_MISSING saying what to do, journal cleared, old certificate kept', async () => {
    const w = await world();
    const { journal, newFp } = await renewKeeping(w, 'removeOld');
    const rec = JSON.parse(journal) as JournalRecord;
    delete rec.sealedKey;
    await crashState(w, JSON.stringify(rec), newFp, { newGone: true, oldBack: true });
    const r = await (await serviceOf(w)).recover();
    expect(r?.outcome).toBe('rolledBack');
    expect(r?.error).toMatchObject({ code: 'KEY_MISSING', detail: { reason: 'ISSUED_LOST' } });
    expect(r?.error?.message).toMatch(/no longer in .*取得/);
    expect(await listed(w)).toEqual([{ fp: w.oldFp, key: true }]);
    expect(() => statSync(w.journalFile)).toThrow();
  });

  it('a journal of an earlier version frozen at install with a non-CA in its CA list: filtered, the renewal finishes, the non-CA is not stored', async () => {
    const w = await world();
    const { journal, newFp } = await renewKeeping(w, 'install');
    // A certificate the bank's issuing CA signed that is no CA (cA=false), as a broken cacerts answer held.
    const ca = join(root, 'bank', 'ca');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Not A CA', '-keyout', join(w.dir, 'nc.key'), '-out', join(w.dir, 'nc.csr')], { stdio: 'ignore' });
    writeFileSync(join(w.dir, 'nc.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n');
    execFileSync('openssl', ['x509', '-req', '-in', join(w.dir, 'nc.csr'), '-CA', join(ca, 'issuing-ca.pem'), '-CAkey', join(ca, 'issuing-ca.key.pem'), '-set_serial', '77', '-days', '30', '-extfile', join(w.dir, 'nc.ext'), '-outform', 'DER', '-out', join(w.dir, 'nc.der')], { stdio: 'ignore' });
    const notCa = new Uint8Array(readFileSync(join(w.dir, 'nc.der')));
    const rec = JSON.parse(journal) as JournalRecord;
    rec.caCertsDer = [...(rec.caCertsDer ?? []), Buffer.from(notCa).toString('base64')];
    await crashState(w, JSON.stringify(rec), newFp, { newGone: true, oldBack: true });
    const ov = await (await serviceOf(w)).getOverview();
    expect(ov.ok, ov.ok ? '' : ov.error.message).toBe(true);
    await expectRenewed(w, newFp, ov.ok ? ov.value : undefined);
    const stored = (await dbCertificates(w.db)).map((c) => c.sha256);
    expect(stored).toContain(newFp);
    expect(stored).not.toContain(sha256Hex(notCa));
  });

  it('recoverOnRead: false: the overview neither writes the store nor calls the bank, says what waits; recover() then finishes it', async () => {
    const w = await world();
    const { journal, newFp } = await renewKeeping(w, 'removeOld');
    await crashState(w, journal, newFp, { newGone: true, oldBack: true });
    const rec = JSON.parse(journal) as JournalRecord;
    const dbFiles = ['cert9.db', 'key4.db'].map((f) => join(w.db, f));
    const before = dbFiles.map((f) => `${statSync(f).mtimeMs}:${sha256Hex(readFileSync(f))}`);
    const transports = w.transports;
    const reader = await serviceOf(w, { recoverOnRead: false });
    const ov = await reader.getOverview();
    expect(ov.ok, ov.ok ? '' : ov.error.message).toBe(true);
    const v = ov.ok ? ov.value : undefined;
    expect(v?.unfinished).toEqual({ operation: 'renew', step: 'removeOld', startedAt: rec.startedAt });
    expect(v?.recovered).toBeUndefined();
    expect(v?.certificates.map((c) => c.fingerprint)).toEqual([w.oldFp]);
    const details = await reader.getDetails(w.oldFp);
    expect(details.ok).toBe(true);
    expect(dbFiles.map((f) => `${statSync(f).mtimeMs}:${sha256Hex(readFileSync(f))}`)).toEqual(before);
    expect(w.transports).toBe(transports);
    expect(readFileSync(w.journalFile, 'utf8')).toBe(journal);
    // Told to: the same service finishes it.
    expect(await reader.recover()).toMatchObject({ outcome: 'resumed', fingerprint: newFp });
    const after = await reader.getOverview();
    expect(after.ok && after.value.unfinished).toBeUndefined();
    expect(await listed(w)).toEqual([{ fp: newFp, key: true }]);
  });
});
