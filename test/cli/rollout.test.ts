// What an IT administrator's script reads from `certdesk` (issue 19): one exit code per state
// against the bank simulator and real NSS dbs (a broken network or a proxy answering 407 is
// never "not due"), --fingerprint by SHA-256 or SHA-1, several certificates, --version,
// --lang and LANG, one JSON document even for usage errors, the helpdesk in every error,
// the new-PC guidance and the status file written after each run.
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFile, ROOT, rm, run } from '../support/cli-world';
import { cliWorld, type Account, type CliPc } from '../support/cli-world-hooks';

// A bundle of its own: e2e.test.ts rebuilds dist-cli (removing it first) while this file runs.
const world = cliWorld('rollout');
const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SUPPORT = { name: 'テスト銀行 EBヘルプデスク', phone: '0120-000-000', hours: '平日 9:00〜17:00' };

interface Pc extends CliPc {
  accounts: Account[];
}

/** A PC whose NSS db holds one bank certificate per entry of `days` (none for []). */
async function pc(days: number[], policyExtra: Record<string, unknown> = {}): Promise<Pc> {
  // LANG=C names no language: Japanese unless a test says otherwise. The status file goes under the PC's folder.
  const p = await world.pc({ policy: policyExtra, env: { LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '' } });
  const accounts = [];
  for (const [i, d] of days.entries()) {
    const a = await world.bank.seedAccount(`ro${p.n}x${i}`, d, `pw-${p.n}-${i}`);
    await p.hold(a);
    accounts.push(a);
  }
  return { ...p, accounts };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI output is checked field by field
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { ok: boolean; exitCode?: number; state?: string; guidance?: string; result?: any; error?: { code: string; message: string; detail?: any; guidance?: string; support: { text: string; contact?: unknown } } };

/** A proxy that answers every CONNECT with 407, as an authenticating office proxy does without credentials. */
async function proxy407(): Promise<{ url: string; server: Server }> {
  const server = createServer((s) => {
    s.once('data', () => s.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="office"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** A port on loopback that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('exit codes a scheduler can trust', { timeout: 300_000 }, () => {
  it('status: 0 valid, 6 renewal open, 4 expired, 5 reissue, 7 no certificate (a new PC, with both ways out)', async () => {
    const cases: Array<[number[], number, string]> = [[[100], 0, 'ok'], [[20], 6, 'renewalOpen'], [[-5], 4, 'acquireRequired'], [[-100], 5, 'reissueRequired'], [[], 7, 'newPc']];
    for (const [days, exit, state] of cases) {
      const p = await pc(days);
      const r = await p.certdesk(['status', '--json']);
      expect(r.code, `${days}: ${r.stdout}${r.stderr}`).toBe(exit);
      expect(json(r)).toMatchObject({ exitCode: exit, state });
      const human = await p.certdesk(['status']);
      expect(human.code).toBe(exit);
      if (state === 'newPc') {
        expect(json(r).guidance).toContain('certdesk acquire');
        expect(human.stdout).toContain('以前のパソコンの証明書を失効してから取得する');
        expect(human.stdout).toContain('以前のPCで先に更新する');
      }
    }
  });

  it('doctor: 0 outside the window when healthy, 6 inside, 4 expired; a closed port and a 407 proxy are 1 with the broken thing as the error', async () => {
    const valid = await pc([100]);
    const ok = await valid.certdesk(['doctor', '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(json(ok)).toMatchObject({ ok: true, state: 'ok', exitCode: 0 });
    expect((await valid.certdesk(['doctor'])).code).toBe(0);

    const open = await pc([20]);
    expect((await open.certdesk(['doctor', '--json'])).code).toBe(6);
    const expired = await pc([-5]);
    const e = await expired.certdesk(['doctor', '--json']);
    expect(e.code).toBe(4);
    expect(json(e).error?.code).toBe('ACQUIRE_REQUIRED');

    const down = await pc([100], { endpoint: `https://127.0.0.1:${await closedPort()}/.well-known/est` });
    const d = await down.certdesk(['doctor', '--json']);
    expect(d.code, d.stdout).toBe(1);
    expect(json(d)).toMatchObject({ ok: false, state: 'broken', exitCode: 1, error: { code: 'NETWORK' } });
    const dText = await down.certdesk(['doctor']);
    expect(dText.code).toBe(1);
    expect(dText.stderr).toContain('[NETWORK]');
    expect(dText.stderr).not.toContain('[RENEWAL_NOT_OPEN]');

    const { url, server } = await proxy407();
    try {
      const behind = await pc([100], { proxy: url });
      const r = await behind.certdesk(['doctor', '--json']);
      expect(r.code, r.stdout).toBe(1);
      expect(json(r).state).toBe('broken');
      expect(json(r).error?.code).not.toBe('RENEWAL_NOT_OPEN');
      expect(['NETWORK', 'PROXY_AUTH_REQUIRED']).toContain(json(r).error?.code);
    } finally {
      server.close();
    }
  });

  it('取得 on a new PC while the old PC\'s certificate is valid and renewable (the bank\'s RENEWAL_REQUIRED) is the new-PC exit, not a retry', async () => {
    const empty = await pc([]);
    const elsewhere = await world.bank.seedAccount(`elsewhere${empty.n}`, 20, 'pw-elsewhere');
    const r = await empty.certdesk(['acquire', '--login-id', elsewhere.id, '--password-env', 'CD_PW', '--yes', '--json'], { CD_PW: 'pw-elsewhere' });
    expect(r.code, r.stdout).toBe(7);
    expect(json(r).error?.detail?.reason).toBe('RENEWAL_REQUIRED');
    expect(json(r).error?.guidance).toBeTruthy();
  });

  it('every error names the helpdesk from the policy, text and JSON; without one, where the bank lists it', async () => {
    const named = await pc([], { support: SUPPORT });
    const r = await named.certdesk(['doctor', '--json']);
    expect(r.code).toBe(7);
    expect(json(r).error?.support.contact).toEqual(SUPPORT);
    expect(json(r).error?.support.text).toContain('0120-000-000');
    expect(json(r).error?.guidance).toContain('certdesk acquire');
    const text = await named.certdesk(['renew', '--yes']);
    expect(text.code).toBe(7);
    expect(text.stderr).toContain('お問い合わせ先: テスト銀行 EBヘルプデスク / 0120-000-000 / 平日 9:00〜17:00');
    const unnamed = await pc([-100]);
    const u = await unnamed.certdesk(['renew', '--yes', '--lang', 'en']);
    expect(u.code).toBe(5);
    expect(u.stderr).toContain("Your bank's contact is in its corporate internet banking documents");
  });
});

describe('choosing the certificate', { timeout: 300_000 }, () => {
  it('--fingerprint by SHA-256 or SHA-1, with colons, either case; several certificates: status lists all, renew takes the only one due or names them', async () => {
    const p = await pc([100, 20, 200]);
    const [notDue, due, other] = p.accounts;
    const s = await p.certdesk(['status', '--json']);
    expect(s.code).toBe(6);
    expect(json(s).result.certificates).toHaveLength(3);

    const sha1 = new X509Certificate(other!.certPem).fingerprint; // AA:BB:… upper case, SHA-1
    const bySha1 = await p.certdesk(['inspect', '--json', '--fingerprint', sha1.toLowerCase()]);
    expect(bySha1.code, bySha1.stdout).toBe(0);
    expect(json(bySha1).result.sha256).toBe(other!.fingerprint);
    const colons = other!.fingerprint.toUpperCase().match(/../g)!.join(':');
    expect(json(await p.certdesk(['inspect', '--json', '--fingerprint', colons])).result.sha256).toBe(other!.fingerprint);

    // Several and no --fingerprint: inspect cannot guess; the usage error lists them.
    const which = await p.certdesk(['inspect', '--json']);
    expect(which.code).toBe(2);
    // Each listed as the window shows fingerprints: upper-case colon pairs (any form is accepted back).
    const shown = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');
    for (const a of p.accounts) expect(json(which).error?.message).toContain(shown(a.fingerprint));
    const absent = await p.certdesk(['doctor', '--fingerprint', 'ab'.repeat(20)]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toContain(shown(notDue!.fingerprint));

    // renew: the only certificate due is the one renewed.
    const r = await p.certdesk(['renew', '--yes', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(json(r).result.replaced).toBe(due!.fingerprint);
    // None due now: renew names them and changes nothing.
    const none = await p.certdesk(['renew', '--yes']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--fingerprint');
    expect(none.stderr).toContain(shown(notDue!.fingerprint));
  });
});

describe('the command line itself', { timeout: 120_000 }, () => {
  it('--version is package.json\'s version, as text and JSON', async () => {
    const v = await run(process.execPath, [world.cli, '--version']);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`certdesk ${pkgVersion}\n`);
    expect(JSON.parse((await run(process.execPath, [world.cli, '--version', '--json'])).stdout)).toEqual({ ok: true, result: { version: pkgVersion } });
  });

  it('--json prints one JSON document for unknown commands, unknown options, missing values and no command', async () => {
    for (const args of [['renwe', '--json'], ['--json', 'status', '--bogus'], ['--json', 'acquire'], ['--json'], ['inspect', '--json', '--fingerprint', 'zz'], ['--json', '--lang', 'fr', 'status']]) {
      const r = await run(process.execPath, [world.cli, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.stdout);
      expect(doc).toMatchObject({ ok: false, exitCode: 2, error: { code: 'INVALID_INPUT', detail: { usage: true } } });
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
    }
    const help = JSON.parse((await run(process.execPath, [world.cli, '--help', '--json'])).stdout);
    expect(help.ok).toBe(true);
    expect(help.result.help).toContain('Exit codes');
  });

  it('--lang and LANG choose the language of usage errors and messages; --lang wins', async () => {
    const env = (v: Record<string, string>) => ({ ...process.env, LC_ALL: '', LC_MESSAGES: '', LANG: '', ...v });
    const ja = await run(process.execPath, [world.cli, 'renwe'], { env: env({ LANG: 'ja_JP.UTF-8' }) });
    expect(ja.stderr).toContain('「renwe」というコマンドはありません。「renew」のことですか？');
    const en = await run(process.execPath, [world.cli, 'renwe'], { env: env({ LANG: 'en_US.UTF-8' }) });
    expect(en.stderr).toContain('There is no command "renwe". Did you mean "renew"?');
    const lcAll = await run(process.execPath, [world.cli, 'renwe'], { env: env({ LANG: 'en_US.UTF-8', LC_ALL: 'ja_JP.UTF-8' }) });
    expect(lcAll.stderr).toContain('というコマンドはありません');
    const flag = await run(process.execPath, [world.cli, '--lang', 'en', 'renwe'], { env: env({ LANG: 'ja_JP.UTF-8' }) });
    expect(flag.stderr).toContain('There is no command');
    const eq = await run(process.execPath, [world.cli, 'renwe', '--lang=ja'], { env: env({ LANG: 'en_US.UTF-8' }) });
    expect(eq.stderr).toContain('というコマンドはありません');
  });

  it('the policy language applies when the policy sets it; --lang still wins', async () => {
    const p = await pc([100], { language: 'en' });
    const r = await p.certdesk(['status']);
    expect(r.stdout).toContain('Healthy. Nothing to do now.');
    expect((await p.certdesk(['status', '--lang', 'ja'])).stdout).toContain('正常です');
  });

  it("without --policy: the bank's policy in the per-user file is refused naming the field and the file; none anywhere is 'not installed' with where to put it", async () => {
    const p = await pc([100]);
    const config = join(p.dir, 'xdg');
    await run('mkdir', ['-p', join(config, 'certdesk')]);
    const userPolicy = join(config, 'certdesk', 'policy.json');
    await run('cp', [p.policy, userPolicy]);
    const env = { ...p.env, XDG_CONFIG_HOME: config };
    // The per-user file holds only the user's preferences (issue 23): the bank's fields there are refused.
    const d = await run(process.execPath, [world.cli, 'status', '--json', '--store', `nss:${p.db}`], { env });
    expect(d.code, d.stdout + d.stderr).toBe(1);
    expect(json(d).error).toMatchObject({ code: 'POLICY_INVALID', detail: { file: userPolicy, reason: 'USER_FIELD_NOT_ALLOWED' } });

    const none = { ...p.env, XDG_CONFIG_HOME: join(p.dir, 'empty') };
    const missing = await run(process.execPath, [world.cli, 'status', '--json', '--store', `nss:${p.db}`], { env: none });
    expect(missing.code).toBe(1);
    expect(json(missing).error).toMatchObject({ code: 'POLICY_INVALID', detail: { reason: 'NOT_INSTALLED' } });
    expect(json(missing).error?.message).toContain(join(p.dir, 'empty', 'certdesk', 'policy.json'));
    const missingText = await run(process.execPath, [world.cli, 'status', '--store', `nss:${p.db}`], { env: none });
    expect(missingText.stderr).toContain('ポリシー（銀行の設定ファイル）がインストールされていません');
    expect(missingText.stderr).not.toContain('ポリシーが正しくありません');
  });

  it('writes the status file after status, doctor and renew: version, time, exit code, certificate, last error; no secret', async () => {
    const p = await pc([20]);
    const file = join(p.dir, 'state', 'certdesk', 'status.json');
    const s = await p.certdesk(['status']);
    expect(s.code).toBe(6);
    const afterStatus = JSON.parse(await readFile(file, 'utf8'));
    expect(afterStatus).toMatchObject({ version: pkgVersion, command: 'status', exitCode: 6, state: 'renewalOpen', certificate: { fingerprint: p.accounts[0]!.fingerprint, phase: 'renewable' } });
    expect(Date.parse(afterStatus.time)).not.toBeNaN();
    const r = await p.certdesk(['renew', '--yes', '--json']);
    expect(r.code).toBe(0);
    const afterRenew = JSON.parse(await readFile(file, 'utf8'));
    expect(afterRenew).toMatchObject({ command: 'renew', exitCode: 0, state: 'renewed', certificate: { fingerprint: json(r).result.certificate.sha256 } });
    const early = await p.certdesk(['renew', '--yes']);
    expect(early.code).toBe(3);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ command: 'renew', exitCode: 3, lastError: 'RENEWAL_NOT_OPEN' });
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/BEGIN|PRIVATE|pw-/);
    expect((await run('ls', ['-A', join(p.dir, 'state', 'certdesk')])).stdout.trim()).toBe('status.json');
    // A usage error runs nothing and writes nothing.
    await rm(file);
    expect((await p.certdesk(['renew'])).code).toBe(2);
    expect((await run('ls', ['-A', join(p.dir, 'state', 'certdesk')])).stdout.trim()).toBe('');
  });
});
