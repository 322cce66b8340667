// `certdesk` as a user runs it: bin/certdesk.js (the bundle `npm run build:cli` makes),
// against the bank simulator and a real NSS db, checked with certutil and openssl.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBank, type Bank } from '../bank';
import { bankCertificates, ensureKeyring, dbCertificates, importP12, newNssDb, opensslVerify, ROOT, rm, run, tempDir, writePolicy } from '../support/cli-world';

let bank: Bank;
let work: string;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-cli-e2e-');
  const built = await run(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')]);
  expect(built.code, built.stderr).toBe(0);
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

interface User {
  dir: string;
  db: string;
  policy: string;
  env: NodeJS.ProcessEnv;
  account: Awaited<ReturnType<Bank['seedAccount']>>;
  certdesk(args: string[], extraEnv?: NodeJS.ProcessEnv): ReturnType<typeof run>;
}

/** A PC with one bank certificate (expiring in `days`) installed in its NSS db, as the old flow left it. */
async function user(days: number, policyExtra: Record<string, unknown> = {}): Promise<User> {
  const dir = join(work, `u${++n}`);
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const account = await bank.seedAccount(`user${n}`, days, `pw-${n}-secret`);
  await importP12(db, account.p12Path, account.p12Password);
  const policy = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, ...policyExtra });
  const env = { ...process.env, CERTDESK_DATA_DIR: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state') };
  return {
    dir,
    db,
    policy,
    env,
    account,
    certdesk: (args, extraEnv = {}) =>
      run(process.execPath, [join(ROOT, 'bin/certdesk.js'), ...args, '--policy', policy, '--store', `nss:${db}`], { env: { ...env, ...extraEnv } }),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI output is checked field by field
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { ok: boolean; result?: any; error?: { code: string; message: string; detail?: any } };

// Each case runs the CLI as child processes and real NSS tools: generous on a shared 2-core machine.
describe('certdesk end to end', { timeout: 240_000 }, () => {
  it('renews inside the window: new certificate with its key, old one removed, chains to the anchor, about 365 days', async () => {
    const u = await user(20);
    const before = await bankCertificates(u.db, bank.issuingCaPem);
    expect(before.map((c) => c.sha256)).toEqual([u.account.fingerprint]);

    const tmp = join(u.dir, 'tmp');
    await run('mkdir', ['-p', tmp]);
    const r = await u.certdesk(['renew', '--yes', '--json'], { TMPDIR: tmp });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect((await run('ls', ['-A', tmp])).stdout).toBe('');
    const out = json(r);
    expect(out.ok).toBe(true);
    expect(out.result.replaced).toBe(u.account.fingerprint);
    expect(out.result.removedOld).toBe(true);

    const after = await bankCertificates(u.db, bank.issuingCaPem);
    expect(after).toHaveLength(1);
    const fresh = after[0]!;
    expect(fresh.sha256).toBe(out.result.certificate.sha256);
    expect(fresh.sha256).not.toBe(u.account.fingerprint);
    expect(fresh.hasKey).toBe(true);
    expect(bank.account(u.account.id)?.currentFingerprint).toBe(fresh.sha256);
    const v = await opensslVerify(fresh.pem, bank.trustAnchorPath, bank.issuingCaPem, u.dir);
    expect(v.stdout + v.stderr).toContain(': OK');

    const s = await u.certdesk(['status', '--json']);
    expect(s.code).toBe(0);
    const certs = json(s).result.certificates;
    expect(certs).toHaveLength(1);
    expect(certs[0].daysLeft).toBeGreaterThanOrEqual(364);
    expect(certs[0].daysLeft).toBeLessThanOrEqual(366);
    expect(certs[0].phase).toBe('valid');
    expect(certs[0].hasPrivateKey).toBe(true);
    // The request's key is gone once the certificate is in the store: no journal remains.
    const j = await run('ls', [join(u.dir, 'data')]);
    expect(j.stdout).not.toContain('renewal-journal');
  });

  it("renews in the policy's store when none is named on the command line (the listing and the export start once the policy is read)", async () => {
    const u = await user(20);
    await run('mkdir', ['-p', join(u.dir, 'own')]);
    const policy = await writePolicy(join(u.dir, 'own'), { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, stores: [`nss:${u.db}`] });
    const tmp = join(u.dir, 'tmp');
    await run('mkdir', ['-p', tmp]);
    const r = await run(process.execPath, [join(ROOT, 'bin/certdesk.js'), 'renew', '--yes', '--json', '--policy', policy], { env: { ...u.env, TMPDIR: tmp } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(json(r).result.replaced).toBe(u.account.fingerprint);
    const after = await bankCertificates(u.db, bank.issuingCaPem);
    expect(after.map((c) => [c.sha256, c.hasKey])).toEqual([[json(r).result.certificate.sha256, true]]);
    expect((await run('ls', ['-A', tmp])).stdout).toBe('');
  });

  it('too early: exit 3, nothing changed, no temporary file left (the identity export started early included)', async () => {
    const u = await user(100);
    const before = await dbCertificates(u.db);
    const tmp = join(u.dir, 'tmp');
    await run('mkdir', ['-p', tmp]);
    const r = await u.certdesk(['renew', '--yes', '--json'], { TMPDIR: tmp });
    expect(r.code).toBe(3);
    expect((await run('ls', ['-A', tmp])).stdout).toBe('');
    expect(json(r).error?.code).toBe('RENEWAL_NOT_OPEN');
    expect(json(r).error?.detail?.opensOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await dbCertificates(u.db)).toEqual(before);
    expect(bank.account(u.account.id)?.issued).toHaveLength(1);
  });

  it('after expiry: renew says exit 4 (use acquire); acquire with login ID + password installs the new one (exit 0)', async () => {
    const u = await user(-5);
    const early = await u.certdesk(['renew', '--yes']);
    expect(early.code).toBe(4);
    expect(early.stderr).toContain('取得');
    const r = await u.certdesk(['acquire', '--login-id', u.account.id, '--password-env', 'BANK_PW', '--yes', '--json'], { BANK_PW: u.account.password });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const after = await bankCertificates(u.db, bank.issuingCaPem);
    expect(after.map((c) => c.sha256)).toEqual([json(r).result.certificate.sha256]);
    expect(after[0]!.hasKey).toBe(true);
    expect(r.stdout).not.toContain(u.account.password);
  });

  it('after the grace days: acquire exits 5 (reissue at the branch), nothing changed', async () => {
    const u = await user(-100);
    const before = await dbCertificates(u.db);
    const r = await u.certdesk(['acquire', '--login-id', u.account.id, '--password-env', 'BANK_PW', '--yes'], { BANK_PW: u.account.password });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('お取引店窓口');
    expect(await dbCertificates(u.db)).toEqual(before);
  });

  it('a wrong password: exit 1, AUTH_FAILED, nothing changed', async () => {
    const u = await user(-5);
    const before = await dbCertificates(u.db);
    const r = await u.certdesk(['acquire', '--login-id', u.account.id, '--password-env', 'BANK_PW', '--yes', '--json'], { BANK_PW: 'wrong' });
    expect(r.code).toBe(1);
    expect(json(r).error?.code).toBe('AUTH_FAILED');
    expect(await dbCertificates(u.db)).toEqual(before);
    const j = await run('ls', [join(u.dir, 'data')]);
    expect(j.stdout).not.toContain('renewal-journal');
  });

  it('status --json works with no network at all (exit 6: renewal is open)', async () => {
    const u = await user(20);
    const r = await run('unshare', ['-rn', process.execPath, join(ROOT, 'bin/certdesk.js'), 'status', '--json', '--policy', u.policy, '--store', `nss:${u.db}`], { env: u.env });
    expect(r.code, r.stderr).toBe(6);
    const ov = json(r).result;
    expect(ov.certificates).toHaveLength(1);
    expect(ov.certificates[0]).toMatchObject({ fingerprint: u.account.fingerprint, phase: 'renewable', noticeDue: true, hasPrivateKey: true });
  });

  it('doctor runs every pre-processing check; inspect shows the certificate and its PEM', async () => {
    const u = await user(20, { language: 'en' });
    const d = await u.certdesk(['doctor', '--json']);
    // Every check passed inside the window: exit 6, renewal is open.
    expect(d.code, d.stdout).toBe(6);
    expect(json(d).result.checks.map((c: { id: string; state: string }) => `${c.id}:${c.state}`)).toEqual([
      'policy:passed', 'store:passed', 'identity:passed', 'endpoint:passed', 'cacerts:passed', 'clock:passed',
    ]);
    const human = await u.certdesk(['doctor']);
    expect(human.stderr).toContain("✓ The bank's certificate issuer");
    const i = await u.certdesk(['inspect', '--json']);
    expect(json(i).result.sha256).toBe(u.account.fingerprint);
    const pem = await u.certdesk(['inspect', '--pem', '--fingerprint', u.account.fingerprint.toUpperCase()]);
    expect(pem.stdout.replace(/\s/g, '')).toBe(u.account.certPem.replace(/\s/g, ''));
  });

  it('usage errors exit 2; --help is in both languages; an invalid policy names its field', async () => {
    const u = await user(20);
    expect((await u.certdesk(['frobnicate'])).code).toBe(2);
    const noYes = await u.certdesk(['renew']);
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toContain('--yes');
    expect((await u.certdesk(['inspect', '--fingerprint', 'abc'])).code).toBe(2);
    expect((await u.certdesk(['acquire', '--login-id', 'x'])).code).toBe(2);
    const help = await run(process.execPath, [join(ROOT, 'bin/certdesk.js'), '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('電子証明書');
    expect(help.stdout).toContain('renew the certificate');
    await run('mkdir', ['-p', join(u.dir, 'bad')]);
    const bad = await writePolicy(join(u.dir, 'bad'), { bankName: 'x', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, graceDays: 'ninety' });
    const r = await run(process.execPath, [join(ROOT, 'bin/certdesk.js'), 'status', '--json', '--policy', bad, '--store', `nss:${u.db}`], { env: u.env });
    expect(r.code).toBe(1);
    expect(json(r).error).toMatchObject({ code: 'POLICY_INVALID', detail: { field: 'graceDays', file: bad } });

    // --identity: the renewal identity from a PKCS#12 file (for stores that cannot lend their key).
    const unset = await u.certdesk(['renew', '--yes', '--identity', u.account.p12Path, '--identity-password-env', 'NOT_SET_ANYWHERE']);
    expect(unset.code).toBe(2);
    const renewed = await u.certdesk(['renew', '--yes', '--json', '--identity', u.account.p12Path, '--identity-password-env', 'P12_PW'], { P12_PW: u.account.p12Password });
    expect(renewed.code, renewed.stdout + renewed.stderr).toBe(0);
    expect(bank.account(u.account.id)?.currentFingerprint).toBe(json(renewed).result.certificate.sha256);
  });
});
