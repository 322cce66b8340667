// Issue 26's walk in Japanese: every command (status, inspect, doctor, renew, acquire and its
// errors, the scheduled check, the schedule) with --lang ja against the bank simulator, text and --json, and no English sentence
// in what a user reads (identifiers, codes, paths and URLs aside).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/main/cli';
import { describe, expect, it } from 'vitest';
import { englishSentences } from '../support/english';
import { writePolicy, type Run } from '../support/cli-world';
import { cliWorld } from '../support/cli-world-hooks';

const world = cliWorld('ja-walk');

/** A PC with the bank's certificate expiring in `days` (none when null), and a runner for certdesk on it. */
async function pc(days: number | null, policyExtra: Record<string, unknown> = {}) {
  const p = await world.pc({ policy: policyExtra, args: ['--lang', 'ja'] });
  const account = await world.bank.seedAccount(`ja${p.n}`, days ?? 200, `pw-${p.n}-secret`);
  if (days !== null) await p.hold(account);
  const certdesk = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => p.certdesk(args, { BANK_PW: account.password, ...extraEnv });
  return { account, certdesk };
}

/** What a user reads: stderr and stdout, or the JSON document's words (its message, guidance and support text). */
function words(r: Run, json: boolean): string {
  if (!json) return `${r.stdout}\n${r.stderr}`;
  const doc = JSON.parse(r.stdout) as { error?: { message?: string; guidance?: string; support?: { text?: string } }; guidance?: string };
  return [doc.error?.message, doc.error?.guidance, doc.error?.support?.text, doc.guidance].filter(Boolean).join('\n');
}

const seen: string[] = [];
function expectJapanese(label: string, r: Run, json = false): void {
  const text = words(r, json);
  seen.push(`## ${label} (exit ${r.code})\n${text}`);
  if (process.env.CERTDESK_WALK_SHOW) console.log(`## ${label} (exit ${r.code})\n${text}`);
  expect(englishSentences(text), `${label}:\n${text}`).toEqual([]);
}

describe('every command in Japanese', { timeout: 300_000 }, () => {
  it('finds English in English (the detector works)', () => {
    expect(englishSentences('詳細: Renewal opens on 2027-05-26 (JST); nothing to do yet.')).not.toEqual([]);
    expect(englishSentences('certdesk status --recover で完了 /etc/certdesk/policy.json https://bank.example/x CN=ja1, O=Test Corp [RENEWAL_NOT_OPEN] AB:CD:EF')).toEqual([]);
  });

  it('a certificate not yet due: status, inspect, doctor (✓ with the opening date), renew too early', async () => {
    const p = await pc(200);
    for (const [label, args] of [['status', ['status']], ['inspect', ['inspect']], ['doctor', ['doctor']], ['renew (too early)', ['renew', '--yes']]] as const) {
      expectJapanese(label, await p.certdesk([...args]));
      expectJapanese(`${label} --json`, await p.certdesk([...args, '--json']), true);
    }
    const d = await p.certdesk(['doctor']);
    expect(d.code).toBe(0);
    expect(d.stderr).toMatch(/✓ 現在の証明書と秘密鍵の確認: 更新期間前です（更新は\d{4}年\d{1,2}月\d{1,2}日から）/);
    expect(d.stderr).not.toContain('✗');
    const j = JSON.parse((await p.certdesk(['doctor', '--json'])).stdout);
    expect(j).toMatchObject({ ok: true, exitCode: 0, state: 'ok', result: { passed: true } });
    expect(j.result.checks.find((c: { id: string }) => c.id === 'identity')).toMatchObject({ state: 'passed', note: { code: 'NOT_YET_DUE' } });
    const early = await p.certdesk(['renew', '--yes']);
    expect(early.code).toBe(3);
    // The date it knows, not "see certdesk status".
    expect(early.stderr).toMatch(/\d{4}年\d{1,2}月\d{1,2}日以降にもう一度実行してください/);
    expect(early.stderr).not.toContain('certdesk status で確認');
  });

  it('renewal open: doctor, renew, then status and inspect of the new certificate', async () => {
    const p = await pc(20);
    expectJapanese('doctor (renewal open)', await p.certdesk(['doctor']));
    const r = await p.certdesk(['renew', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expectJapanese('renew', r);
    expectJapanese('status after renew', await p.certdesk(['status']));
    expectJapanese('inspect after renew', await p.certdesk(['inspect']));
  });

  it('取得 and its errors: expired (renew exit 4, wrong password, acquire), past the grace days, a new PC', async () => {
    const expired = await pc(-5);
    expectJapanese('renew (expired)', await expired.certdesk(['renew', '--yes']));
    const wrong = await expired.certdesk(['acquire', '--login-id', expired.account.id, '--password-env', 'NO_SUCH_VAR', '--yes']);
    expectJapanese('acquire (unset env)', wrong);
    expectJapanese('acquire (wrong password)', await expired.certdesk(['acquire', '--login-id', expired.account.id, '--password-env', 'WRONG', '--yes'], { WRONG: 'wrong' }));
    expectJapanese('acquire (wrong password) --json', await expired.certdesk(['acquire', '--login-id', expired.account.id, '--password-env', 'WRONG', '--yes', '--json'], { WRONG: 'wrong' }), true);
    expectJapanese('acquire (expired)', await expired.certdesk(['acquire', '--login-id', expired.account.id, '--password-env', 'BANK_PW', '--yes']));
    const late = await pc(-100);
    expectJapanese('acquire (past grace)', await late.certdesk(['acquire', '--login-id', late.account.id, '--password-env', 'BANK_PW', '--yes']));
    expectJapanese('acquire (past grace) --json', await late.certdesk(['acquire', '--login-id', late.account.id, '--password-env', 'BANK_PW', '--yes', '--json']), true);
    const fresh = await pc(null);
    expectJapanese('status (new PC)', await fresh.certdesk(['status']));
    const refused = await fresh.certdesk(['acquire', '--login-id', fresh.account.id, '--password-env', 'BANK_PW', '--yes']);
    expect(refused.code).toBe(7);
    expect(refused.stderr).not.toContain('更新期間はまだ始まっていません');
    expect(refused.stderr).not.toContain('更新可能期間はまだ始まっていません');
    expect(refused.stderr).toContain('このログインIDの証明書は以前のパソコンでまだ有効です');
    expectJapanese('acquire (new PC, valid elsewhere)', refused);
    expectJapanese('acquire (new PC) --json', await fresh.certdesk(['acquire', '--login-id', fresh.account.id, '--password-env', 'BANK_PW', '--yes', '--json']), true);
  });

  it('the bank unreachable, and a usage error', async () => {
    const p = await pc(200, { endpoint: 'https://127.0.0.1:9/.well-known/est' });
    expectJapanese('doctor (bank unreachable)', await p.certdesk(['doctor']));
    expectJapanese('doctor (bank unreachable) --json', await p.certdesk(['doctor', '--json']), true);
    expectJapanese('usage', await p.certdesk(['inspect', '--fingerprint', 'abc']));
  });
  it('the scheduled check: nothing due, a reminder, an automatic renewal, an expiry, a failed renewal', async () => {
    const check = async (label: string, days: number, policy: Record<string, unknown> = {}) => {
      const r = await (await pc(days, policy)).certdesk(['check', '--no-notify']);
      expectJapanese(label, r);
      return r;
    };
    expect((await check('check (not due)', 200)).stdout).toContain('更新は不要です');
    const reminder = await check('check (renewal open, automatic renewal off)', 20);
    expect(reminder.stdout).toMatch(/【電子証明書の更新をお願いします】有効期限: \d{4}年\d{1,2}月\d{1,2}日（あと\d+日）。/);
    const renewed = await check('check (automatic renewal)', 20, { autoRenew: true });
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(renewed.stdout).toContain('【電子証明書を自動更新しました】');
    await check('check (expired)', -5);
    const failed = await check('check (automatic renewal, bank unreachable)', 20, { autoRenew: true, endpoint: 'https://127.0.0.1:9/.well-known/est' });
    expect(failed.stdout).toContain('自動更新に失敗しました');
    expect(failed.stdout).toContain('理由:');
  });

  it('the schedule: install, status and remove on each OS (the OS tools answered by a stand-in)', async () => {
    const root = mkdtempSync(join(world.work, 'schedule-'));
    const policy = await writePolicy(root, { bankName: 'テスト銀行', endpoint: world.bank.url, trustAnchorFile: world.bank.trustAnchorPath, checkTime: '08:30' });
    const env = { HOME: '/home/yamada', USER: 'yamada', USERNAME: 'yamada', USERDOMAIN: 'CORP', SystemRoot: 'C:\\Windows' };
    const program = { program: '/opt/CertDesk/certdesk', args: ['--headless', 'check'] };
    const schedule = async (label: string, args: string[], platform: NodeJS.Platform, extra: Record<string, unknown>) => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let out = '';
      let err = '';
      stdout.on('data', (d: Buffer) => (out += d.toString()));
      stderr.on('data', (d: Buffer) => (err += d.toString()));
      const run = async () => ({ code: 0, stdout: '', stderr: '' });
      const at = join(root, `${platform}-${String(extra.systemd ?? '')}`);
      mkdirSync(at, { recursive: true });
      const code = await runCli(['schedule', ...args, '--lang', 'ja', '--policy', policy], { stdout, stderr, stdin: Object.assign(new PassThrough(), { isTTY: false }) as never, env }, { platform, scheduleEnv: { run, root: at, program, ...extra } });
      const r: Run = { code, stdout: out, stderr: err, signal: null };
      expect(code, err).toBe(0);
      expectJapanese(label, r);
      return r;
    };
    for (const action of ['install', 'status', 'remove']) {
      await schedule(`schedule ${action} (Linux, systemd)`, [action], 'linux', { systemd: true });
      await schedule(`schedule ${action} (Linux, autostart)`, [action], 'linux', { systemd: false });
      await schedule(`schedule ${action} (macOS)`, [action], 'darwin', { uid: 501 });
      await schedule(`schedule ${action} (Windows)`, [action], 'win32', {});
    }
    expect((await schedule('schedule install (autostart)', ['install'], 'linux', { systemd: false })).stdout).toContain('デスクトップにログインしたときだけ確認します');
  });
});
