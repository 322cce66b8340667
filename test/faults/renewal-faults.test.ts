// Faults a real PC and network produce, each through the renewal service against a real NSS
// db: the server misbehaves (hostile-server.ts), the store's tools fail or hang, the db is
// read-only, the journal's disk is full. Each must end in the right error code with the old
// certificate still installed with its key, no temporary key file left, and a journal that
// recovers to "nothing to do".
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../src/shared/contract';
import { parsePolicy } from '../../src/main/core/config';
import { openSettings } from '../../src/main/core/config';
import { createNodeTransport } from '../../src/main/core/est';
import { pemToDer } from '../../src/main/core/pki';
import { createRenewalService, type CoreService } from '../../src/main/core/renewal';
import { createCommandRunner, openNssStore, type CommandRunner, type CertificateStore } from '../../src/main/core/store';
import type { Vault } from '../../src/main/core/vault';
import { startBank, type Bank } from '../bank';
import { dbCertificates } from '../support/cli-world';
import { startHostile, type Hostile, type Mode } from './hostile-server';
import { canMount as mountable } from './can-mount';

const canMount = mountable('test/faults (the read-only db and full-disk cases)');

let root: string;
let watchedTmp: string;
let savedTmp: string | undefined;
let bank: Bank;
let hostile: Hostile;
let anchorsDer: Uint8Array[];
let n = 0;
const realRun = createCommandRunner();

// The journal's key lives in the OS keychain in the product; here a 32-byte key in memory
// stands in, so that these tests need no Secret Service (the vault has its own tests).
function memoryVault(): Vault {
  let key: Uint8Array | undefined;
  return { getOrCreateKey: async () => (key ??= new Uint8Array(randomBytes(32))), delete: async () => void (key = undefined) };
}

interface Case { dir: string; db: string; journalDir: string; tempRoot: string; fingerprint: string; store: CertificateStore; service: CoreService }

async function makeCase(opts: { run?: CommandRunner; journalDir?: string; beforeOpen?: (db: string) => void; days?: number; noIdentity?: boolean; keyStorage?: 'software' | 'store' } = {}): Promise<Case> {
  const dir = join(root, `case-${n++}`);
  const db = join(dir, 'nssdb');
  const journalDir = opts.journalDir ?? join(dir, 'journal');
  const tempRoot = join(dir, 'tmp');
  for (const d of [db, journalDir, tempRoot]) mkdirSync(d, { recursive: true });
  // EC keys: a case costs milliseconds of key generation instead of an RSA prime search.
  const seeded = await bank.seedAccount(`fault-${n}`, opts.days ?? 20, undefined, { keyType: 'ecdsaP256' });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  // As after a first install: the bank root trusted for client authentication (CT,,).
  execFileSync('certutil', ['-A', '-n', 'Fault Bank Root', '-t', 'CT,,', '-i', bank.trustAnchorPath, '-d', `sql:${db}`]);
  if (!opts.noIdentity) execFileSync('pk12util', ['-i', seeded.p12Path, '-d', `sql:${db}`, '-W', seeded.p12Password], { stdio: 'ignore' });
  opts.beforeOpen?.(db);
  const store = await openNssStore({ dbDir: db, run: opts.run ?? realRun, tempRoot, timeoutMs: 4000 });
  const { policy } = await parsePolicy({ bankName: 'Fault Bank', endpoint: hostile.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', keyType: 'ecdsaP256', ...(opts.keyStorage ? { keyStorage: opts.keyStorage } : {}), connectTimeoutMs: 2000, requestTimeoutMs: 2500, pendingMaxAttempts: 1 }, join(dir, 'policy.json'));
  const service = createRenewalService({
    policy, store, vault: memoryVault(), settings: openSettings({ dir: journalDir }), journalDir,
    transportFor: (identity) => createNodeTransport({ anchorsPem: policy.trustAnchorPem, ...(identity && !('fingerprint' in identity) ? { identity } : {}), proxy: 'direct', connectTimeoutMs: 2000, requestTimeoutMs: 2500 }),
    emit: () => undefined,
    sleep: async () => undefined,
  });
  return { dir, db, journalDir, tempRoot, fingerprint: seeded.fingerprint, store, service };
}

function keyLines(db: string): string[] {
  const r = (() => { try { return execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }); } catch { return ''; } })();
  return r.split('\n').filter((l) => /^<\s*\d+>/.test(l));
}

function keyCount(db: string): number {
  return keyLines(db).length;
}

/**
 * The key a kept journal names: with keyStorage "store" the request's key lives in the db's
 * token from the start, and stays beside the old one while the journal may still collect the
 * certificate (the next start attaches it, or rolls back and removes it).
 */
function journalKeyId(journalDir: string): string | undefined {
  const f = join(journalDir, 'renewal-journal.json');
  if (!existsSync(f)) return undefined;
  const rec = JSON.parse(readFileSync(f, 'utf8')) as { keyStorage?: string; keyId?: string };
  return rec.keyStorage !== 'software' ? rec.keyId : undefined;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

/** The old certificate is still there with its key; nothing secret left behind; the journal settles. */
async function expectOldIntact(c: Case): Promise<void> {
  const reader = await openNssStore({ dbDir: c.db, tempRoot: c.tempRoot });
  const ids = await reader.list(anchorsDer);
  expect(ids.map((i) => i.fingerprint)).toEqual([c.fingerprint]);
  expect(ids[0]!.hasPrivateKey).toBe(true);
  await reader.verifyInstalled(c.fingerprint, anchorsDer);
  // The old key, and the kept journal's key if there is one (certutil -K shows CKA_ID in hex): nothing else.
  const pendingKey = journalKeyId(c.journalDir);
  expect(keyCount(c.db)).toBe(pendingKey ? 2 : 1);
  if (pendingKey) expect(keyLines(c.db).some((l) => l.toLowerCase().includes(pendingKey.toLowerCase()))).toBe(true);
  const listing = execFileSync('certutil', ['-L', '-d', `sql:${c.db}`], { encoding: 'utf8' });
  expect(listing).toMatch(/u,u,u/);
  expect(filesUnder(c.tempRoot)).toEqual([]);
  expect(filesUnder(watchedTmp)).toEqual([]);
  // No plaintext key in the journal: no PEM key, no base64 PKCS#8 header (RSA or EC).
  for (const f of filesUnder(c.journalDir)) expect(readFileSync(f, 'latin1')).not.toMatch(/PRIVATE KEY|BADANBgkqhkiG9w0BAQEFAASC|BADATBgcqhkjOPQIBBggqhkjOPQMBBw/);
  const rec = await c.service.recover();
  expect(rec?.outcome ?? 'none').not.toBe('resumed');
  const ov = await c.service.getOverview();
  expect(ov.ok && ov.value.certificates.map((x) => x.fingerprint)).toEqual([c.fingerprint]);
}

async function renewFails(c: Case, code: ErrorCode): Promise<string | undefined> {
  const r = await c.service.renew(c.fingerprint);
  expect(r.ok ? 'succeeded' : r.error.code, r.ok ? '' : r.error.message).toBe(code);
  return r.ok ? undefined : String(r.error.detail?.reason ?? '');
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'certdesk-faults-'));
  watchedTmp = join(root, 'os-tmp');
  mkdirSync(watchedTmp);
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = watchedTmp; // anything using os.tmpdir() lands where the test looks
  bank = await startBank({ dataDir: join(root, 'bank'), port: 0 });
  hostile = await startHostile(join(root, 'bank'));
  anchorsDer = pemToDer(bank.trustAnchorPem, 'CERTIFICATE');
});

afterAll(async () => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  await hostile?.stop();
  await bank?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the server misbehaves', () => {
  const cases: Array<[Mode, ErrorCode, string]> = [
    ['close', 'NETWORK', 'closes the connection mid-response'],
    ['slow', 'NETWORK', 'answers slower than the request timeout'],
    ['otherKey', 'VERIFY_FAILED', 'returns a certificate for another key'],
    ['otherCa', 'VERIFY_FAILED', 'returns a certificate chained to another CA'],
    ['expired', 'VERIFY_FAILED', 'returns an expired certificate'],
    ['garbage', 'BAD_RESPONSE', 'returns 10 MB of garbage'],
    ['empty', 'BAD_RESPONSE', 'returns an empty 200'],
  ];
  for (const [mode, code, what] of cases) {
    it(`${what}: ${code}, the old certificate untouched`, async () => {
      const c = await makeCase();
      hostile.mode = mode;
      const reason = await renewFails(c, code);
      if (mode === 'otherKey') expect(reason).toBe('KEY_MISMATCH');
      if (mode === 'otherCa') expect(reason).toBe('UNTRUSTED_CHAIN');
      // Recovery while the server still misbehaves: the journal keeps or drops the request,
      // it never installs anything half-way.
      await expectOldIntact(c);
      hostile.mode = 'good';
    });
  }

  it('answers 500 then 200: SERVER_ERROR first, the retry renews and removes the old one', async () => {
    const c = await makeCase();
    hostile.mode = 'error500';
    await renewFails(c, 'SERVER_ERROR');
    await expectOldIntact(c);
    hostile.mode = 'good';
    // The journal may hold the sent request for resumption (recover), or the user renews again.
    const rec = await c.service.recover();
    if (rec?.outcome !== 'resumed') {
      const r = await c.service.renew(c.fingerprint);
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    }
    const ids = await c.store.list(anchorsDer);
    expect(ids).toHaveLength(1);
    expect(ids[0]!.fingerprint).not.toBe(c.fingerprint);
    expect(keyCount(c.db)).toBe(1);
    expect(filesUnder(c.tempRoot)).toEqual([]);
  });
});

describe('the store and the disk fail', () => {
  /** The real runner, except that `pk12util -i` (the install) is replaced by `fault`. */
  const failingInstall = (fault: CommandRunner): CommandRunner => (cmd, args, opts) =>
    cmd === 'pk12util' && args.includes('-i') ? fault(cmd, args, opts) : realRun(cmd, args, opts);

  // pk12util -i installs only a software key (keyStorage "software"); a key made in the token has no import.
  it('pk12util exits non-zero on install: STORE_WRITE_FAILED, the old certificate untouched', async () => {
    hostile.mode = 'good';
    const c = await makeCase({ keyStorage: 'software', run: failingInstall(async () => ({ code: 255, stdout: '', stderr: 'pk12util: PKCS12 decode import bags failed: SEC_ERROR_IO: An I/O error occurred during security authorization.' })) });
    await renewFails(c, 'STORE_WRITE_FAILED');
    await expectOldIntact(c);
  });

  it('pk12util hangs on install: the store timeout ends it with a store error', async () => {
    hostile.mode = 'good';
    // The real runner's timeout, on a real process that never finishes.
    const c = await makeCase({ keyStorage: 'software', run: failingInstall((_cmd, _args, opts) => realRun('sleep', ['600'], opts)) });
    const r = await c.service.renew(c.fingerprint);
    // The store reports a tool that does not finish as STORE_UNAVAILABLE (a browser holding the db).
    expect(r.ok ? 'succeeded' : r.error.code).toMatch(/^STORE_(WRITE_FAILED|UNAVAILABLE)$/);
    await expectOldIntact(c);
  });

  it.skipIf(!canMount)('the NSS db is read-only (a read-only bind mount): a store error, the old certificate untouched', async () => {
    hostile.mode = 'good';
    let mounted: string | undefined;
    try {
      const c = await makeCase({
        beforeOpen: (db) => {
          execFileSync('mount', ['--bind', db, db]);
          mounted = db;
          execFileSync('mount', ['-o', 'remount,ro,bind', db]);
        },
      });
      const r = await c.service.renew(c.fingerprint);
      expect(r.ok ? 'succeeded' : r.error.code).toMatch(/^STORE_(WRITE_FAILED|UNAVAILABLE)$/);
      await expectOldIntact(c);
    } finally {
      if (mounted) execFileSync('umount', ['-l', mounted]);
    }
  });

  it.skipIf(!canMount)('the journal disk is full (a full 256 KB tmpfs): JOURNAL_WRITE_FAILED before anything is sent', async () => {
    hostile.mode = 'good';
    const mnt = join(root, `full-${n}`);
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    try {
      const before = hostile.enrolls;
      const c = await makeCase({ journalDir: mnt });
      try {
        writeFileSync(join(mnt, 'filler'), randomBytes(1024 * 1024));
      } catch {
        // ENOSPC: the filler took what there was
      }
      expect(statSync(join(mnt, 'filler')).size).toBeGreaterThan(0);
      await renewFails(c, 'JOURNAL_WRITE_FAILED');
      expect(hostile.enrolls).toBe(before);
      rmSync(join(mnt, 'filler'));
      await expectOldIntact(c);
    } finally {
      // Lazy: a handle the case still holds (its lock or settings file) must not leave the mount behind.
      execFileSync('umount', ['-l', mnt]);
    }
  });
});

/** vfychain's verdict on a server certificate (PEM) as a TLS server certificate (-u 1) against the db. */
function serverChainGood(db: string, pem: string): boolean {
  const file = join(root, `server-${randomBytes(4).toString('hex')}.pem`);
  writeFileSync(file, pem);
  const r = spawnSync('vfychain', ['-d', `sql:${db}`, '-u', '1', '-a', file], { encoding: 'utf8' });
  // It says so on stderr, and exits 0 only for a good chain.
  return r.status === 0 && /Chain is good!/.test(r.stdout + r.stderr);
}

describe('CA certificates: only verified ones are stored', () => {
  it('an "Evil Intermediate CA" in the enrolment answer is not installed: nothing in the db makes a www.google.com certificate from it good', async () => {
    const c = await makeCase();
    hostile.mode = 'evilIntermediate';
    try {
      const r = await c.service.renew(c.fingerprint);
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    } finally {
      hostile.mode = 'good';
    }
    const evilFp = createHash('sha256').update(pemToDer(hostile.evilIntermediatePem, 'CERTIFICATE')[0]!).digest('hex');
    expect((await dbCertificates(c.db)).map((x) => x.sha256)).not.toContain(evilFp);
    const google = await hostile.evilServerCertPem('www.google.com');
    expect(serverChainGood(c.db, google)).toBe(false);
    // The control: had the evil CA entered the db as a trusted CA, the same certificate would pass.
    const control = join(root, `control-${n}`);
    mkdirSync(control);
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${control}`]);
    writeFileSync(join(control, 'evil.pem'), hostile.evilIntermediatePem);
    execFileSync('certutil', ['-A', '-n', 'Evil Intermediate CA', '-t', 'CT,,', '-a', '-i', join(control, 'evil.pem'), '-d', `sql:${control}`]);
    expect(serverChainGood(control, google)).toBe(true);
  });

  for (const [mode, chain, name] of [['nonCa', 'NOT_A_CA', 'Not A CA'], ['noKeyCertSign', 'CA_NOT_KEYCERTSIGN', 'Sign-Only CA']] as const) {
    it(`cacerts holding "${name}" (${chain}) fails before the bank is asked to issue; a later run succeeds once the server behaves`, async () => {
      const c = await makeCase();
      const before = hostile.enrolls;
      hostile.cacertsMode = mode;
      try {
        const r = await c.service.renew(c.fingerprint);
        expect(r.ok ? 'succeeded' : r.error.code).toBe('BAD_RESPONSE');
        expect(r.ok ? {} : r.error.detail).toMatchObject({ reason: 'CACERTS_NOT_CA', chain });
        expect(r.ok ? '' : r.error.message).toMatch(new RegExp(`unusable CA list: .*"[^"]*${name}"`));
        expect(hostile.enrolls).toBe(before);
        expect(readdirSync(c.journalDir)).not.toContain('renewal-journal.json');
        await expectOldIntact(c);
      } finally {
        hostile.cacertsMode = 'good';
      }
      const again = await c.service.renew(c.fingerprint);
      expect(again.ok, again.ok ? '' : again.error.message).toBe(true);
      expect((await c.store.list(anchorsDer)).map((x) => x.fingerprint)).toEqual([again.ok ? again.value.certificate.sha256 : '']);
    });
  }
});

describe('cancel and 取得', () => {
  it('a cancel while the bank is answering keeps the request (it may have been issued); the next start collects it', async () => {
    const c = await makeCase();
    hostile.mode = 'slow';
    const before = hostile.enrolls;
    const running = c.service.renew(c.fingerprint);
    try {
      for (let i = 0; i < 200 && hostile.enrolls === before; i++) await new Promise((r) => setTimeout(r, 25));
      expect(hostile.enrolls).toBe(before + 1);
      await c.service.cancel();
      const r = await running;
      expect(r.ok ? 'succeeded' : `${r.error.code}/${String(r.error.detail?.reason)}`).toBe('CANCELLED/IN_FLIGHT');
    } finally {
      hostile.mode = 'good';
    }
    const rec = JSON.parse(readFileSync(join(c.journalDir, 'renewal-journal.json'), 'utf8')) as { step: string };
    expect(rec.step).toBe('send');
    const out = await c.service.recover();
    expect(out?.outcome).toBe('resumed');
    expect((await c.store.list(anchorsDer)).map((x) => x.fingerprint)).toEqual([out?.fingerprint]);
  });

  it('取得 with the expired certificate\'s subject refuses a certificate for another subject (SUBJECT_MISMATCH)', async () => {
    const c = await makeCase({ days: -5 });
    hostile.mode = 'otherSubject';
    try {
      const r = await c.service.acquire({ loginId: 'FAULT0001', password: 'pw' });
      expect(r.ok ? 'succeeded' : `${r.error.code}/${String(r.error.detail?.reason)}`).toBe('VERIFY_FAILED/SUBJECT_MISMATCH');
    } finally {
      hostile.mode = 'good';
    }
    expect((await c.store.list(anchorsDer)).map((x) => x.fingerprint)).toEqual([c.fingerprint]);
    expect(readdirSync(c.journalDir)).not.toContain('renewal-journal.json');
  });

  it('a first 取得 (empty subject) leaves the subject to the bank', async () => {
    const c = await makeCase({ noIdentity: true });
    hostile.mode = 'otherSubject';
    try {
      const r = await c.service.acquire({ loginId: 'FAULT0002', password: 'pw' });
      expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
      expect(r.ok && r.value.certificate.subject.text).toMatch(/CN=someone-else/);
    } finally {
      hostile.mode = 'good';
    }
  });
});
