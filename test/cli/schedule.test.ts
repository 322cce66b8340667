// `certdesk schedule install|remove|status` (issue 27) through the command line: the OS tools
// each OS needs (schtasks, launchctl, systemctl) checked by their exact arguments through the
// CLI itself. Install twice = once; remove twice = once. The files themselves are checked in
// schedule-files.test.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli';
import { launchAgentPlist } from '../../src/main/cli/schedule/launchd';
import { autostartEntry } from '../../src/main/cli/schedule/systemd';
import { taskXml } from '../../src/main/cli/schedule/windows-task';
import { PARSE_PLIST, python, spec } from './schedule-spec';

const work = mkdtempSync(join(tmpdir(), 'certdesk-schedule-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---- through the command line, each OS's tools mocked by exact arguments ----

interface Call { file: string; args: string[]; xml?: string }

async function cli(args: string[], platform: NodeJS.Platform, env: Record<string, string>, calls: Call[], extra: Record<string, unknown> = {}, answer: (c: Call) => number = () => 0) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const run = async (file: string, a: string[]) => {
    const c: Call = { file, args: a };
    // The task file exists only while schtasks runs: read it then.
    if (a[0] === '/Create') c.xml = readFileSync(a[2]!).subarray(2).toString('utf16le');
    calls.push(c);
    return { code: answer(c), stdout: '', stderr: '' };
  };
  const code = await runCli([...args, '--json'], { stdout, stderr, stdin: Object.assign(new PassThrough(), { isTTY: false }) as never, env }, { platform, scheduleEnv: { run, ...extra } });
  return { code, json: JSON.parse(out) as { ok: boolean; result: Record<string, unknown> }, err };
}

describe('certdesk schedule through the command line', () => {
  const policyDir = mkdtempSync(join(work, 'policy-'));
  const anchor = execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=Test Root', '-days', '30'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  writeFileSync(join(policyDir, 'policy.json'), JSON.stringify({ bankName: 'テスト銀行', endpoint: 'https://bank.example/.well-known/est', trustAnchorPem: anchor, checkTime: '08:30', remindersAtLogin: false }));
  const policy = ['--policy', join(policyDir, 'policy.json')];

  it('Windows: schtasks /Create /XML file /TN name /F with the policy\'s time, by System32 path; /Delete and /Query', async () => {
    const calls: Call[] = [];
    const env = { SystemRoot: 'C:\\Windows', USERDOMAIN: 'CORP', USERNAME: 'yamada' };
    const program = { program: 'C:\\Program Files\\CertDesk\\certdesk.exe', args: ['--headless', 'check'] };
    const root = mkdtempSync(join(work, 'win-'));
    const r = await cli(['schedule', 'install', ...policy], 'win32', env, calls, { root, program });
    expect(r.code, r.err).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.file).toBe('C:\\Windows\\System32\\schtasks.exe');
    expect(calls[0]!.args).toEqual(['/Create', '/XML', expect.stringMatching(/certdesk-task-.*\.xml$/), '/TN', 'CertDesk Check (CORP_yamada)', '/F']);
    expect(calls[0]!.xml).toBe(taskXml(spec({ checkTime: '08:30', atLogin: false }), 'CORP\\yamada'));
    expect(existsSync(calls[0]!.args[2]!)).toBe(false);
    expect(r.json.result).toMatchObject({ kind: 'task', installed: true, checkTime: '08:30', atLogin: false });

    calls.length = 0;
    expect((await cli(['schedule', 'install', '--all-users', ...policy], 'win32', env, calls, { root, program })).code).toBe(0);
    expect(calls[0]!.args.slice(3)).toEqual(['/TN', 'CertDesk Check', '/F']);
    expect(calls[0]!.xml).toContain('<GroupId>S-1-5-32-545</GroupId>');

    calls.length = 0;
    const removed = await cli(['schedule', 'remove'], 'win32', env, calls, { root, program }, () => 1);
    expect(removed.code).toBe(0);
    expect(calls.map((c) => c.args)).toEqual([['/Delete', '/TN', 'CertDesk Check (CORP_yamada)', '/F'], ['/Query', '/TN', 'CertDesk Check (CORP_yamada)', '/XML']]);
    calls.length = 0;
    expect((await cli(['schedule', 'status'], 'win32', env, calls, { root, program }, () => 1)).json.result).toMatchObject({ kind: 'task', installed: false });
  });

  it('macOS: the plist in ~/Library/LaunchAgents, launchctl bootout then bootstrap gui/<uid>; twice = once; remove; --all-users into /Library without launchctl', async () => {
    const root = mkdtempSync(join(work, 'mac-'));
    const env = { HOME: '/Users/yamada' };
    const program = { program: '/Applications/CertDesk.app/Contents/MacOS/certdesk', args: ['--headless', 'check'] };
    const file = join(root, '/Users/yamada/Library/LaunchAgents/jp.co.certdesk.check.plist');
    for (let i = 0; i < 2; i++) {
      const calls: Call[] = [];
      const r = await cli(['schedule', 'install', ...policy], 'darwin', env, calls, { root, program, uid: 501, offsetMinutes: 12 });
      expect(r.code, r.err).toBe(0);
      expect(calls).toEqual([
        { file: '/bin/launchctl', args: ['bootout', 'gui/501/jp.co.certdesk.check'] },
        { file: '/bin/launchctl', args: ['bootstrap', 'gui/501', file] },
      ]);
      expect(readFileSync(file, 'utf8')).toBe(launchAgentPlist({ ...program, checkTime: '08:30', atLogin: false, allUsers: false, randomDelayMinutes: 60 }, 12));
    }
    expect((await cli(['schedule', 'status'], 'darwin', env, [], { root, program, uid: 501 })).json.result).toMatchObject({ kind: 'launchagent', installed: true, where: [file] });
    const calls: Call[] = [];
    expect((await cli(['schedule', 'remove'], 'darwin', env, calls, { root, program, uid: 501 })).code).toBe(0);
    expect(calls).toEqual([{ file: '/bin/launchctl', args: ['bootout', 'gui/501/jp.co.certdesk.check'] }]);
    expect(existsSync(file)).toBe(false);
    expect((await cli(['schedule', 'remove'], 'darwin', env, [], { root, program, uid: 501 })).code).toBe(0);

    const all: Call[] = [];
    expect((await cli(['schedule', 'install', '--all-users', ...policy], 'darwin', env, all, { root, program, offsetMinutes: 3 })).code).toBe(0);
    expect(all).toEqual([]);
    expect(JSON.parse(python(PARSE_PLIST, readFileSync(join(root, 'Library/LaunchAgents/jp.co.certdesk.check.plist'))))).toMatchObject({ StartCalendarInterval: { Hour: 8, Minute: 33 }, RunAtLoad: false });
  });

  it('Linux with a systemd user session: units in ~/.config/systemd/user, daemon-reload, enable --now; --all-users: /etc/systemd/user and systemctl --global enable', async () => {
    const root = mkdtempSync(join(work, 'linux-'));
    const env = { HOME: '/home/yamada' };
    const program = { program: '/opt/CertDesk/certdesk', args: ['--headless', 'check'] };
    const calls: Call[] = [];
    const r = await cli(['schedule', 'install', ...policy], 'linux', env, calls, { root, program, systemd: true });
    expect(r.code, r.err).toBe(0);
    expect(calls.map((c) => [c.file, ...c.args])).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'certdesk-check.timer'],
      ['systemctl', '--user', 'disable', 'certdesk-check.service'],
    ]);
    const unitDir = join(root, '/home/yamada/.config/systemd/user');
    expect(readFileSync(join(unitDir, 'certdesk-check.timer'), 'utf8')).toContain('OnCalendar=*-*-* 08:30:00\n');
    expect(readFileSync(join(unitDir, 'certdesk-check.service'), 'utf8')).toContain('ExecStart=/opt/CertDesk/certdesk --headless check\n');

    calls.length = 0;
    expect((await cli(['schedule', 'status'], 'linux', env, calls, { root, program, systemd: true })).json.result).toMatchObject({ kind: 'systemd', installed: true });
    expect(calls.map((c) => c.args)).toEqual([['--user', 'is-enabled', 'certdesk-check.timer']]);
    calls.length = 0;
    expect((await cli(['schedule', 'remove'], 'linux', env, calls, { root, program, systemd: true })).code).toBe(0);
    expect(calls.map((c) => c.args)).toEqual([['--user', 'disable', '--now', 'certdesk-check.timer', 'certdesk-check.service'], ['--user', 'daemon-reload']]);
    expect(existsSync(join(unitDir, 'certdesk-check.timer'))).toBe(false);

    calls.length = 0;
    mkdirSync(join(root, 'etc'), { recursive: true });
    expect((await cli(['schedule', 'install', '--all-users'], 'linux', env, calls, { root, program, systemd: true })).code).toBe(0);
    expect(calls.map((c) => c.args)).toEqual([['--global', 'enable', 'certdesk-check.timer'], ['--global', 'enable', 'certdesk-check.service']]);
    expect(existsSync(join(root, 'etc/systemd/user/certdesk-check.timer'))).toBe(true);
  });

  it('Linux without a systemd user session: an XDG autostart entry, said to run at login only; removed again', async () => {
    const root = mkdtempSync(join(work, 'xdg-'));
    const env = { HOME: '/home/yamada' };
    const program = { program: '/opt/CertDesk/certdesk', args: ['--headless', 'check'] };
    const calls: Call[] = [];
    const r = await cli(['schedule', 'install'], 'linux', env, calls, { root, program, systemd: false });
    expect(r.code, r.err).toBe(0);
    expect(calls).toEqual([]);
    const file = join(root, '/home/yamada/.config/autostart/certdesk-check.desktop');
    expect(readFileSync(file, 'utf8')).toBe(autostartEntry({ ...program, checkTime: '10:00', atLogin: true, allUsers: false, randomDelayMinutes: 60 }));
    expect(r.json.result).toMatchObject({ kind: 'autostart', installed: true, note: expect.stringContaining('login only') });
    expect((await cli(['schedule', 'remove'], 'linux', env, [], { root, program, systemd: false })).json.result).toMatchObject({ installed: false });
    expect(existsSync(file)).toBe(false);
  });

  it('--first-start (the app): installs once, marked in the data folder; not beside an all-users schedule', async () => {
    const program = { program: '/opt/CertDesk/certdesk', args: ['--headless', 'check'] };
    const root = mkdtempSync(join(work, 'first-'));
    const env = { HOME: '/home/yamada', CERTDESK_DATA_DIR: join(root, 'data') };
    const calls: Call[] = [];
    expect((await cli(['schedule', 'install', '--first-start'], 'linux', env, calls, { root, program, systemd: true })).code).toBe(0);
    expect(calls.map((c) => c.args)).toEqual([['--user', 'daemon-reload'], ['--user', 'enable', '--now', 'certdesk-check.timer'], ['--user', 'enable', 'certdesk-check.service']]);
    expect(existsSync(join(root, 'data', 'schedule-installed'))).toBe(true);
    calls.length = 0;
    const again = await cli(['schedule', 'install', '--first-start'], 'linux', env, calls, { root, program, systemd: true });
    expect(again.code).toBe(0);
    expect(again.json.result).toEqual({ skipped: 'earlier' });
    expect(calls).toEqual([]);

    // The installer put one there for every user: the app adds none.
    const other = mkdtempSync(join(work, 'first-machine-'));
    mkdirSync(join(other, 'etc/systemd/user'), { recursive: true });
    writeFileSync(join(other, 'etc/systemd/user/certdesk-check.timer'), '[Timer]\n');
    const env2 = { HOME: '/home/sato', CERTDESK_DATA_DIR: join(other, 'data') };
    const calls2: Call[] = [];
    const machine = await cli(['schedule', 'install', '--first-start'], 'linux', env2, calls2, { root: other, program, systemd: true });
    expect(machine.json.result).toEqual({ skipped: 'allUsers' });
    expect(calls2.map((c) => c.args)).toEqual([['--global', 'is-enabled', 'certdesk-check.timer']]);
    expect(existsSync(join(other, 'home/sato/.config/systemd/user/certdesk-check.timer'))).toBe(false);
    expect(existsSync(join(other, 'data', 'schedule-installed'))).toBe(true);
  });
});

describe('the app\'s first-start hook', () => {
  it('runs its own headless schedule install --first-start, detached, never waited for', async () => {
    const { installScheduleOnFirstStart } = await import('../../src/main/app/schedule-hook');
    const dir = mkdtempSync(join(work, 'hook-'));
    const exe = join(dir, 'certdesk');
    const out = join(dir, 'args');
    writeFileSync(exe, `#!/bin/sh\nprintf '%s\\n' "$@" > '${out}.tmp' && mv '${out}.tmp' '${out}'\n`, { mode: 0o755 });
    const warnings: string[] = [];
    installScheduleOnFirstStart(exe, (l) => warnings.push(l));
    await expect.poll(() => existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe('--headless\nschedule\ninstall\n--first-start\n');
    installScheduleOnFirstStart(join(dir, 'missing'), (l) => warnings.push(l));
    await expect.poll(() => warnings.length).toBe(1);
    expect(warnings[0]).toContain('schedule install at first start');
  });
});
