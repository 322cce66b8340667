// What a store's failure looks like to the user once the bank has issued. Anything a store
// throws that is not a CoreError (a tool wrapper's Error, a bug's TypeError) names the store,
// one store or several. A read-back that finds the new key gone says what really happens
// next: with the key still to be had (sealed in the journal) the next start installs again,
// and the words say so (message, detail.resumesAtStart, the command line's headline); with a
// token key that is gone, no such promise is made. Real NSS dbs, the bank simulator.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/shared/contract';
import { catalogs, errorHeadline } from '../../src/main/cli/messages';
import { parsePolicy } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';
import type { JournalRecord } from '../../src/main/core/renewal/journal';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import type { Vault } from '../../src/main/core/vault';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let n = 0;

beforeAll(async () => void ({ root, bank } = await bankInTemp('certdesk-store-errors-')));
afterAll(() => endBankInTemp(root, bank));

interface World {
  dbs: string[];
  journalDir: string;
  oldFp: string;
  vault: Vault;
  policy: Awaited<ReturnType<typeof parsePolicy>>['policy'];
}

/** `count` dbs each holding the old certificate with its key. */
async function world(count: 1 | 2, keyStorage: 'software' | 'store'): Promise<World> {
  const dir = join(root, `w${++n}`);
  const dbs = Array.from({ length: count }, (_, i) => join(dir, `db${i + 1}`));
  const seeded = await bank.seedAccount(`errors${n}`, 15, undefined, { keyType: 'ecdsaP256' });
  for (const db of dbs) nssDbHolding(db, seeded);
  const { policy } = await parsePolicy(
    { bankName: 'Errors Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'ecdsaP256', keyStorage, stores: dbs.map((d) => `nss:${d}`) },
    join(dir, 'policy.json'),
  );
  return { dbs, journalDir: join(dir, 'data'), oldFp: seeded.fingerprint, vault: memoryVault(), policy };
}

async function renewWith(w: World, wrap?: { index: number; fn: (s: CertificateStore) => CertificateStore }) {
  const stores = await Promise.all(w.dbs.map((dbDir) => openNssStore({ dbDir })));
  const used = stores.map((s, i) => (wrap?.index === i ? wrap.fn(s) : s));
  return nodeService({ loaded: { policy: w.policy }, store: used[0]!, ...(used.length > 1 ? { stores: used } : {}), vault: w.vault, journalDir: w.journalDir });
}

/** The store whose verifyInstalled first runs `before` (once). */
function beforeReadBack(store: CertificateStore, before: (fp: string) => void): CertificateStore {
  const out = Object.create(store) as CertificateStore;
  let done = false;
  out.verifyInstalled = async (fp, anchors) => {
    if (!done) {
      done = true;
      before(fp);
    }
    return store.verifyInstalled(fp, anchors);
  };
  return out;
}

/** The store whose verifyInstalled throws `err` the first time. */
function throwingOnce(store: CertificateStore, err: unknown): CertificateStore {
  return beforeReadBack(store, () => {
    throw err;
  });
}

/** Deletes the key of the certificate `fp` from the db (NSS's CKA_ID of an EC key: SHA-1 of the point). */
function dropKeyOf(db: string, fp: string): void {
  const pem = execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-a', '-n', nicknameOf(db, fp)], { encoding: 'utf8' });
  const cert = (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((p) => new X509Certificate(p)).find((x) => createHash('sha256').update(x.raw).digest('hex') === fp)!;
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  execFileSync('certutil', ['-F', '-k', createHash('sha1').update(spki.subarray(spki.length - 65)).digest('hex'), '-d', `sql:${db}`]);
}

function nicknameOf(db: string, fp: string): string {
  for (const line of execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' }).split('\n').slice(3)) {
    const nick = /^(.*?)\s+[A-Za-z]*,[A-Za-z]*,[A-Za-z]*\s*$/.exec(line)?.[1];
    if (!nick) continue;
    const pems = execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-a', '-n', nick], { encoding: 'utf8' }).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    if (pems.some((p) => createHash('sha256').update(new X509Certificate(p).raw).digest('hex') === fp)) return nick;
  }
  throw new Error(`${fp} is not in ${db}`);
}

const journal = (w: World) => JSON.parse(readFileSync(join(w.journalDir, 'renewal-journal.json'), 'utf8')) as JournalRecord;

describe('a store that throws something other than a CoreError is named', { timeout: 120_000 }, () => {
  it('two stores, the second throws a plain Error (a tool wrapper): STORE_WRITE_FAILED naming it, its words kept; the next start finishes', async () => {
    const w = await world(2, 'software');
    const r = await (await renewWith(w, { index: 1, fn: (s) => throwingOnce(s, new Error('certutil exited 255: SEC_ERROR_BAD_DATABASE')) })).renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'STORE_WRITE_FAILED', detail: { store: `NSS db ${w.dbs[1]}`, reason: 'UNEXPECTED', resumesAtStart: true } });
    expect(r.error.message).toContain(`NSS db ${w.dbs[1]} could not be written or read (Error: certutil exited 255: SEC_ERROR_BAD_DATABASE)`);
    expect(journal(w).step).toBe('verifyInStore');
    const done = await (await renewWith(w)).recover();
    expect(done).toMatchObject({ outcome: 'resumed' });
  });

  it('one store, a TypeError (a bug): INTERNAL naming the store, not a bare "Unexpected failure"', async () => {
    const w = await world(1, 'software');
    const r = await (await renewWith(w, { index: 0, fn: (s) => throwingOnce(s, new TypeError("Cannot read properties of undefined (reading 'der')")) })).renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'INTERNAL', detail: { store: `NSS db ${w.dbs[0]}`, reason: 'UNEXPECTED' } });
    expect(r.error.message).toMatch(new RegExp(`^NSS db ${w.dbs[0]}: unexpected failure \\(TypeError: Cannot read properties`));
  });
});

describe('a read-back that finds the new key gone says what happens next', { timeout: 120_000 }, () => {
  it('software key (sealed in the journal): KEY_MISSING says the next start installs again, in the message, the detail and the command line headline; it does', async () => {
    const w = await world(1, 'software');
    const db = w.dbs[0]!;
    const r = await (await renewWith(w, { index: 0, fn: (s) => beforeReadBack(s, (fp) => dropKeyOf(db, fp)) })).renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const error: ApiError = r.error;
    expect(error.code).toBe('KEY_MISSING');
    expect(error.detail).toMatchObject({ reason: 'KEY_NOT_LISTED', resumesAtStart: true });
    expect(error.message).toContain(`The certificate is in NSS db ${db} but its private key is not`);
    expect(error.message).toContain('the next start of CertDesk (or certdesk status --recover) finishes the job');
    expect(error.message).not.toMatch(/Renew or re-obtain/);
    // What the command line prints first ([code], then the message as its detail line).
    expect(errorHeadline(catalogs.en, error, false)).toBe(catalogs.en.resumesAtStart);
    expect(catalogs.en.resumesAtStart).toMatch(/installs it again at the next start/);
    expect(errorHeadline(catalogs.ja, error, false)).toContain('次に CertDesk を起動したとき');
    expect(errorHeadline(catalogs.ja, error, false)).not.toBe(catalogs.ja.error.KEY_MISSING);

    const rec = journal(w);
    expect(rec.step).toBe('verifyInStore');
    const done = await (await renewWith(w)).recover();
    expect(done).toMatchObject({ outcome: 'resumed', fingerprint: rec.newFingerprint });
    expect(existsSync(join(w.journalDir, 'renewal-journal.json'))).toBe(false);
  });

  it('a read-back verdict that would come back the same (the store rejects the chain) promises nothing: the code keeps its own words', async () => {
    const w = await world(1, 'software');
    const rejected = new CoreError('VERIFY_FAILED', 'The certificate in the store does not chain to the bank\'s trust anchor.', { reason: 'UNTRUSTED_CHAIN' });
    const r = await (await renewWith(w, { index: 0, fn: (s) => throwingOnce(s, rejected) })).renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'VERIFY_FAILED', detail: { reason: 'UNTRUSTED_CHAIN' } });
    expect(r.error.detail?.resumesAtStart).toBeUndefined();
    expect(errorHeadline(catalogs.en, r.error, false)).toBe(catalogs.en.error.VERIFY_FAILED);
  });

  it("key in the db's token, deleted before the read-back: no promise to install again (the key cannot come back); the next start says the issued certificate is lost and rolls back", async () => {
    const w = await world(1, 'store');
    const db = w.dbs[0]!;
    const r = await (await renewWith(w, { index: 0, fn: (s) => beforeReadBack(s, (fp) => dropKeyOf(db, fp)) })).renew(w.oldFp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('KEY_MISSING');
    expect(r.error.detail?.resumesAtStart).toBeUndefined();
    expect(r.error.message).not.toMatch(/next start|Renew or re-obtain/);
    expect(errorHeadline(catalogs.en, r.error, false)).toBe(catalogs.en.error.KEY_MISSING);
    expect(journal(w).keyStorage).toBe('store');

    const next = await (await renewWith(w)).recover();
    expect(next).toMatchObject({ outcome: 'rolledBack', error: { code: 'KEY_MISSING', detail: { reason: 'ISSUED_LOST' } } });
  });
});
