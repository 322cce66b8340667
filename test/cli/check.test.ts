// `certdesk check` as the scheduler runs it (issue 27): the built command line against the
// bank simulator and a real NSS db, with a stand-in notify-send on PATH that records its exact
// arguments. Each phase: not due → nothing; open with autoRenew → renewed, one identity left,
// notified once; open without → reminder only, exit 6; expired → reminder to 取得, exit 4,
// store untouched; a bank that fails → one attempt a day; a kill in the middle → the next
// check finishes the renewal.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDay } from '../../src/shared/format';
import { describe, expect, it } from 'vitest';
import { bankCertificates, run } from '../support/cli-world';
import { cliWorld, type Account } from '../support/cli-world-hooks';

const world = cliWorld('check');

interface Pc {
  db: string;
  notified(): Promise<string[][]>;
  status(): Promise<Record<string, unknown>>;
  account: Account;
  check(extraEnv?: NodeJS.ProcessEnv): ReturnType<typeof run>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON is checked field by field
  statusJson(): Promise<{ result: any }>;
}

/** A PC with one bank certificate expiring in `days`, its policy, and a notify-send that writes its arguments down. */
async function pc(days: number, policyExtra: Record<string, unknown> = {}): Promise<Pc> {
  const p = await world.pc({ policy: policyExtra });
  const bin = join(p.dir, 'bin');
  await mkdir(bin, { recursive: true });
  const account = await world.bank.seedAccount(`check${p.n}`, days, `pw-${p.n}-secret`);
  await p.hold(account);
  const log = join(p.dir, 'notify.log');
  // One call per line: its arguments joined by a unit separator (no argument holds one).
  await writeFile(join(bin, 'notify-send'), `#!/bin/sh\n(IFS=$(printf '\\037'); printf '%s\\n' "$*") >> '${log}'\n`);
  await chmod(join(bin, 'notify-send'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  return {
    db: p.db,
    account,
    notified: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => l.split('\x1f')),
    status: async () => JSON.parse(await readFile(join(p.dir, 'state', 'certdesk', 'status.json'), 'utf8')) as Record<string, unknown>,
    check: (extraEnv = {}) => p.certdesk(['check', '--json'], { ...env, ...extraEnv }),
    statusJson: async () => JSON.parse((await p.certdesk(['status', '--json'], env)).stdout),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON is checked field by field
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { ok: boolean; exitCode: number; state: string; result: any; error?: any };

describe('certdesk check', { timeout: 240_000 }, () => {
  it('not due: nothing done, nothing shown, exit 0, the status file says check ok', async () => {
    const p = await pc(200, { autoRenew: true });
    const r = await p.check();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = json(r);
    expect(out).toMatchObject({ ok: true, exitCode: 0, state: 'ok' });
    expect(out.result.items).toEqual([expect.objectContaining({ fingerprint: p.account.fingerprint, state: 'ok', reason: 'NOT_DUE' })]);
    expect(out.result.notices).toEqual([]);
    expect(await p.notified()).toEqual([]);
    expect(await p.status()).toMatchObject({ command: 'check', exitCode: 0, state: 'ok' });
    expect((await bankCertificates(p.db, world.bank.issuingCaPem)).map((c) => c.sha256)).toEqual([p.account.fingerprint]);
  });

  it('open with autoRenew: renewed with one identity left, notified once with the new expiry; the next check has nothing to do', async () => {
    const p = await pc(20, { autoRenew: true });
    const r = await p.check();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = json(r);
    expect(out.state).toBe('ok');
    const item = out.result.items[0];
    expect(item).toMatchObject({ fingerprint: p.account.fingerprint, reason: 'RENEWED' });
    const after = await bankCertificates(p.db, world.bank.issuingCaPem);
    expect(after).toHaveLength(1);
    expect(after[0]!.sha256).toBe(item.renewed.fingerprint);
    expect(after[0]!.hasKey).toBe(true);
    expect(world.bank.account(p.account.id)?.currentFingerprint).toBe(item.renewed.fingerprint);
    expect(await p.notified()).toEqual([
      ['--app-name=CertDesk', '--urgency=normal', '--icon=dialog-information', '--', '電子証明書を自動更新しました',
        `新しい有効期限: ${formatDay(item.renewed.expiryDate, 'ja')}。次にログインする前に、ブラウザをいったんすべて閉じてください。`],
    ]);
    expect(await p.status()).toMatchObject({ command: 'check', exitCode: 0, state: 'renewed', certificate: { fingerprint: item.renewed.fingerprint } });
    const recorded = (await p.status()).certificate;

    // The overview (the app's home screen, status --json) says the check renewed by itself.
    const status = await p.statusJson();
    // The status file named the new certificate as the overview judges it (its own days left, not the old one's).
    const listed = status.result.certificates.find((c: { fingerprint: string }) => c.fingerprint === item.renewed.fingerprint);
    expect(recorded).toEqual({ fingerprint: listed.fingerprint, notAfter: listed.notAfter, expiryDate: listed.expiryDate, daysLeft: listed.daysLeft, phase: listed.phase });
    expect(status.result.autoRenewed).toEqual({ at: expect.any(String), fingerprint: item.renewed.fingerprint, expiryDate: item.renewed.expiryDate });

    const again = await p.check();
    expect(again.code, again.stderr).toBe(0);
    expect(json(again).result.items).toEqual([expect.objectContaining({ fingerprint: item.renewed.fingerprint, reason: 'NOT_DUE' })]);
    expect(await p.notified()).toHaveLength(1);
  });

  it('open without autoRenew: the 30-day reminder once, exit 6, the store untouched', async () => {
    const p = await pc(20);
    const r = await p.check();
    expect(r.code, r.stderr + r.stdout).toBe(6);
    expect(json(r)).toMatchObject({ ok: true, exitCode: 6, state: 'renewalOpen' });
    expect(json(r).result.items[0]).toMatchObject({ reason: 'AUTO_RENEW_OFF' });
    const notified = await p.notified();
    expect(notified).toHaveLength(1);
    expect(notified[0]!.slice(0, 5)).toEqual(['--app-name=CertDesk', '--urgency=normal', '--icon=dialog-information', '--', '電子証明書の更新をお願いします']);
    expect(notified[0]![5]).toMatch(/^有効期限: \d{4}年\d{1,2}月\d{1,2}日（あと(19|20|21)日）。CertDesk を開いて「証明書更新」を押してください。$/);
    // The same threshold is never shown twice.
    const again = await p.check();
    expect(again.code).toBe(6);
    expect(json(again).result.notices).toEqual([]);
    expect(await p.notified()).toHaveLength(1);
    expect((await bankCertificates(p.db, world.bank.issuingCaPem)).map((c) => c.sha256)).toEqual([p.account.fingerprint]);
    expect(world.bank.account(p.account.id)?.currentFingerprint).toBe(p.account.fingerprint);
  });

  it('expired: a reminder to 取得 (never attempted), exit 4, the store untouched', async () => {
    const p = await pc(-5, { autoRenew: true });
    const r = await p.check();
    expect(r.code, r.stderr + r.stdout).toBe(4);
    expect(json(r)).toMatchObject({ exitCode: 4, state: 'acquireRequired' });
    expect(json(r).result.items[0]).toMatchObject({ reason: 'ACQUIRE' });
    const notified = await p.notified();
    expect(notified).toHaveLength(1);
    expect(notified[0]!.slice(1, 5)).toEqual(['--urgency=critical', '--icon=dialog-information', '--', '電子証明書の有効期限が切れました']);
    expect(notified[0]![5]).toContain('ログインIDとパスワードで「取得」してください');
    expect((await p.check()).code).toBe(4);
    expect(await p.notified()).toHaveLength(1);
    expect((await bankCertificates(p.db, world.bank.issuingCaPem)).map((c) => c.sha256)).toEqual([p.account.fingerprint]);
  });

  it('a bank that cannot be reached: exit 1, the error and the helpdesk in the notification, then no second attempt that day', async () => {
    const p = await pc(20, { autoRenew: true, endpoint: 'https://127.0.0.1:9/.well-known/est', support: { name: 'IBヘルプデスク', phone: '0120-000-000' } });
    const r = await p.check();
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(json(r)).toMatchObject({ ok: false, exitCode: 1, state: 'broken', error: { code: 'NETWORK' } });
    expect(json(r).result.items[0]).toMatchObject({ reason: 'FAILED', error: { code: 'NETWORK' } });
    const notified = await p.notified();
    expect(notified).toHaveLength(1);
    expect(notified[0]![4]).toBe('電子証明書の自動更新ができませんでした');
    expect(notified[0]![5]).toContain('NETWORK');
    expect(notified[0]![5]).toContain('0120-000-000');
    const again = await p.check();
    expect(again.code).toBe(1);
    expect(json(again).result.items[0]).toMatchObject({ reason: 'FAILED_TODAY', error: { code: 'NETWORK' } });
    expect(await p.notified()).toHaveLength(1);
    expect((await bankCertificates(p.db, world.bank.issuingCaPem)).map((c) => c.sha256)).toEqual([p.account.fingerprint]);
  });

  it('killed after the bank issued: the next check finishes the renewal, one identity left, and says so', async () => {
    const p = await pc(20, { autoRenew: true });
    const killed = await p.check({ CERTDESK_TEST_KILL_AT: 'send:response' });
    expect(killed.signal).toBe('SIGKILL');
    const issued = world.bank.account(p.account.id)?.currentFingerprint;
    expect(issued).not.toBe(p.account.fingerprint);

    const r = await p.check();
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const out = json(r);
    expect(out.result.recovered).toMatchObject({ outcome: 'resumed' });
    const after = await bankCertificates(p.db, world.bank.issuingCaPem);
    expect(after.map((c) => c.sha256)).toEqual([issued]);
    expect(after[0]!.hasKey).toBe(true);
    expect(out.result.items).toEqual([expect.objectContaining({ fingerprint: issued, reason: 'NOT_DUE' })]);
    expect((await p.notified()).map((a) => a[4])).toEqual(['電子証明書を自動更新しました']);
  });
});
