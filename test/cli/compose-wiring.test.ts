// What the composition root hands the command line, seen as a user sees it: a policy that
// fails while no --store is given is the CLI's own POLICY_INVALID (never Node's report of an
// unhandled rejection); doctor prints what the next request will be made of (the bank's
// /csrattrs against the policy); --verbose puts the core's log lines on stderr, redacted.
// The CLI bundle as a child process, the bank simulator asking for EC P-256 in /csrattrs, a
// real NSS db.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verboseLog } from '../../src/main/cli/context';
import { startBank, type Bank } from '../bank';
import { buildCliBundle, ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';

let work: string;
let cli: string;
let bank: Bank;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-cli-wiring-');
  cli = await buildCliBundle('wiring');
  bank = await startBank({ dataDir: join(work, 'bank'), csrAttrs: 'rich' });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
  await rm(join(cli, '..'), { recursive: true, force: true });
});

/** A PC whose NSS db holds a certificate inside the renewal window; the policy names that db as its store. */
async function pc() {
  const dir = join(work, `pc${++n}`);
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const account = await bank.seedAccount(`wiring${n}`, 20, `pw-wiring-${n}`, { keyType: 'rsa2048' });
  await importP12(db, account.p12Path, account.p12Password);
  const policy = await writePolicy(dir, { bankName: 'Wiring Bank', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, stores: [`nss:${db}`] });
  return { certdesk: (args: string[]) => run(process.execPath, [cli, '--lang', 'en', ...args, '--policy', policy], { env: envFor(dir) }) };
}

const envFor = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, HOME: dir, CERTDESK_DATA_DIR: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), LANG: 'C' });

describe('compose → CLI', { timeout: 120_000 }, () => {
  it('a bad policy and no --store: POLICY_INVALID naming the field, exit 1, no unhandled rejection (text and --json)', async () => {
    const dir = join(work, 'bad');
    await run('mkdir', ['-p', dir]);
    const policy = await writePolicy(dir, { bankName: 'x', endpoint: 'https://bank.example/.well-known/est', trustAnchorPem: 'x', graceDays: 'ninety' });
    for (const command of ['status', 'doctor']) {
      const text = await run(process.execPath, [cli, command, '--lang', 'en', '--policy', policy], { env: envFor(dir) });
      expect(text.code, text.stderr).toBe(1);
      expect(text.stderr).toContain('[POLICY_INVALID]');
      expect(text.stderr).toContain('graceDays must be a number');
      expect(text.stderr).not.toMatch(/internal error|UnhandledPromiseRejection|at .*\.js:\d+/);

      const json = await run(process.execPath, [cli, command, '--json', '--policy', policy], { env: envFor(dir) });
      expect(json.code).toBe(1);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'POLICY_INVALID', detail: { field: 'graceDays', file: policy } });
    }
    // A policy file that is not there: the same, with the reason.
    const missing = await run(process.execPath, [cli, 'status', '--json', '--policy', join(dir, 'nowhere.json')], { env: envFor(dir) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('');
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'POLICY_INVALID', detail: { reason: 'MISSING' } });
  });

  it('doctor prints the next request: the key type and hash, what was honoured and what ignored', async () => {
    const u = await pc();
    const r = await u.certdesk(['doctor']);
    expect(r.code, r.stderr + r.stdout).toBe(6);
    expect(r.stdout).toContain("The next request (the bank's /csrattrs against the policy):\n  Key type: ECDSA P-256  Signature: SHA-256\n");
    expect(r.stdout).toContain("  Followed: key type ECDSA P-256 (your company's setting leaves it at its default, so the bank's choice is used)\n");
    expect(r.stdout).toMatch(/\n {2}Not followed: challengePassword: /);
    // In Japanese, the same notes in Japanese words (the window's request details say the same).
    const ja = await u.certdesk(['doctor', '--lang', 'ja']);
    expect(ja.stdout).toContain('  採用した指定: 鍵の種類 ECDSA P-256（会社の設定が既定のままのため、銀行の指定に従います）\n');
    expect(ja.stdout).toContain('  採用しなかった指定: 拡張 macAddress: CertDesk では申請に入れられません\n');
    // The preflight reads /csrattrs quietly: its lines are the renewal's.
    expect(r.stderr).not.toContain('csrattrs:');
    const json = await u.certdesk(['doctor', '--json']);
    expect(JSON.parse(json.stdout).result.request).toMatchObject({ keyType: 'ecdsaP256', hash: 'SHA-256' });
  });

  it('--verbose: the renewal\'s log lines on stderr; without it, none', async () => {
    const quiet = await (await pc()).certdesk(['renew', '--yes']);
    expect(quiet.code, quiet.stderr + quiet.stdout).toBe(0);
    expect(quiet.stderr).not.toContain('csrattrs');

    const loud = await (await pc()).certdesk(['renew', '--yes', '--verbose']);
    expect(loud.code, loud.stderr + loud.stdout).toBe(0);
    expect(loud.stderr).toContain('certdesk: csrattrs: honoured key type ecdsaP256 (the policy leaves keyType at its default)\n');
    expect(loud.stderr).toContain('certdesk: csrattrs: ignored extensionRequest (macAddress): CertDesk cannot fill it in\n');
    // stdout is the command's result alone.
    expect(loud.stdout).not.toContain('csrattrs');
  });

  it('a log line passes the redactor before stderr', () => {
    const lines: string[] = [];
    verboseLog((l) => lines.push(l))('proxy http://alice:s3cret@proxy.example:8080 refused; password=hunter2');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^certdesk: proxy http:\/\/\*\*\*@proxy\.example:8080 refused; password=/);
    expect(lines[0]).not.toMatch(/s3cret|hunter2|alice/);
  });
});
