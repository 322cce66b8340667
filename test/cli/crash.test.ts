// SIGKILL at each journalled step of `certdesk renew`, then start again: every run ends
// with exactly one usable bank certificate with its key, and where the bank had issued,
// the new one. CERTDESK_TEST_KILL_AT makes the process kill itself right after
// journalling the named step ('send:response': the bank has answered, not yet journalled).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBank, type Bank } from '../bank';
import { bankCertificates, ensureKeyring, buildCliBundle, importP12, newNssDb, opensslVerify, rm, run, tempDir, writePolicy } from './helpers';

let bank: Bank;
let work: string;
let cli: string;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-crash-');
  cli = await buildCliBundle('crash');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
  await rm(join(cli, '..'), { recursive: true, force: true });
});

// Where the bank has issued by the time of the kill.
const POINTS: Array<[point: string, bankIssued: boolean]> = [
  ['generateKey', false],
  ['buildRequest', false],
  ['send', false],
  ['send:response', true],
  ['verify', true],
  ['install', true],
  ['verifyInStore', true],
  ['removeOld', true],
];

describe('crash safety: SIGKILL at each journalled step', { timeout: 240_000 }, () => {
  it.each(POINTS)('killed at %s, the next start leaves exactly one usable bank certificate', async (point, bankIssued) => {
    const dir = join(work, point.replace(':', '-'));
    const db = join(dir, 'nssdb');
    await run('mkdir', ['-p', db]);
    await newNssDb(db);
    const id = `crash-${point.replace(':', '-')}`;
    const account = await bank.seedAccount(id, 20, 'pw-crash');
    await importP12(db, account.p12Path, account.p12Password);
    const policy = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath });
    const env = { ...process.env, CERTDESK_DATA_DIR: join(dir, 'data') };
    const certdesk = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      run(process.execPath, [cli, ...args, '--policy', policy, '--store', `nss:${db}`], { env: { ...env, ...extra } });

    const killed = await certdesk(['renew', '--yes', '--json'], { CERTDESK_TEST_KILL_AT: point });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    const issuedAtKill = bank.account(id)!.issued.length > 1;
    expect(issuedAtKill).toBe(bankIssued);

    // Start again: status reads only unless told, --recover finishes the interrupted renewal.
    const status = await certdesk(['status', '--recover', '--json']);
    expect(status.code, status.stderr + status.stdout).toBe(0);
    const ov = JSON.parse(status.stdout).result;

    const left = await bankCertificates(db, bank.issuingCaPem);
    expect(left, JSON.stringify(left.map((c) => c.nickname))).toHaveLength(1);
    expect(left[0]!.hasKey).toBe(true);
    expect(ov.certificates).toHaveLength(1);
    expect(ov.certificates[0].hasPrivateKey).toBe(true);
    const current = bank.account(id)!.currentFingerprint;
    if (bank.account(id)!.issued.length > 1) {
      // The bank issued (before the kill, or on the resend at recovery): that certificate is the one installed.
      expect(left[0]!.sha256).toBe(current);
      expect(left[0]!.sha256).not.toBe(account.fingerprint);
      const v = await opensslVerify(left[0]!.pem, bank.trustAnchorPath, bank.issuingCaPem, dir);
      expect(v.stdout + v.stderr).toContain(': OK');
    } else {
      expect(left[0]!.sha256).toBe(account.fingerprint);
      expect(ov.recovered?.outcome).toBe('rolledBack');
    }
    // Exactly one certificate was issued for the whole episode: the resend got the same one back.
    expect(bank.account(id)!.issued.length).toBeLessThanOrEqual(2);
    const j = await run('ls', [join(dir, 'data')]);
    expect(j.stdout).not.toContain('renewal-journal');
  });
});
