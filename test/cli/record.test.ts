// The record IT collects: the status file (its path per OS, written atomically, replaced
// whole), the Windows event by eventcreate's exact arguments, and syslog through the real
// logger(1) into a socket this test listens on.
import { spawn } from 'node:child_process';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventCreateArgs, eventText, loggerArgs, recordRun, statusFilePath, writeStatusFile, type RunRecord } from '../../src/main/cli/record';
import { languageFromEnv, languageOfLocale, scanEarlyFlags } from '../../src/main/cli/lang';
import { parseFingerprint } from '../../src/main/cli/fingerprint';

const dir = mkdtempSync(join(tmpdir(), 'certdesk-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REC: RunRecord = {
  version: '0.1.0',
  time: '2026-11-28T10:00:00.000Z',
  command: 'status',
  exitCode: 6,
  state: 'renewalOpen',
  certificate: { fingerprint: 'ab'.repeat(32), notAfter: '2026-12-18T00:00:00.000Z', expiryDate: '2026-12-18', daysLeft: 20, phase: 'renewable' },
  certificateCount: 1,
};

describe('the status file', () => {
  it('is per user on each OS', () => {
    expect(statusFilePath({ LOCALAPPDATA: 'C:\\Users\\taro\\AppData\\Local' }, 'win32')).toBe('C:\\Users\\taro\\AppData\\Local\\CertDesk\\status.json');
    expect(statusFilePath({ HOME: '/Users/taro' }, 'darwin')).toBe('/Users/taro/Library/Application Support/CertDesk/status.json');
    expect(statusFilePath({ HOME: '/home/taro' }, 'linux')).toBe('/home/taro/.local/state/certdesk/status.json');
    expect(statusFilePath({ HOME: '/home/taro', XDG_STATE_HOME: '/s' }, 'linux')).toBe('/s/certdesk/status.json');
    expect(statusFilePath({}, 'win32')).toBeNull();
  });

  it('is replaced whole (rename), readable only by its user, and no temporary file stays', async () => {
    const f = join(dir, 'a', 'status.json');
    await writeStatusFile(f, REC);
    await writeStatusFile(f, { ...REC, exitCode: 0, state: 'ok' });
    expect(JSON.parse(readFileSync(f, 'utf8'))).toMatchObject({ exitCode: 0, state: 'ok' });
    expect(readdirSync(join(dir, 'a'))).toEqual(['status.json']);
    const { statSync } = await import('node:fs');
    expect(statSync(f).mode & 0o777).toBe(0o600);
  });

  it('a status file that cannot be written is a warning, never a thrown error', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    const problems = await recordRun(REC, { CERTDESK_STATUS_FILE: join(blocker, 'status.json') }, 'linux', async () => undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('status file');
  });
});

describe('the OS log', () => {
  it('Windows: eventcreate /T WARNING /ID 110 /L APPLICATION /SO CertDesk /D "…", run after the status file', async () => {
    expect(eventCreateArgs(REC)).toEqual(['/T', 'WARNING', '/ID', '110', '/L', 'APPLICATION', '/SO', 'CertDesk', '/D',
      `CertDesk 0.1.0 command=status exit=6 state=renewalOpen sha256=${'ab'.repeat(32)} expiry=2026-12-18 daysLeft=20`]);
    expect(eventCreateArgs({ ...REC, exitCode: 1, state: 'broken', lastError: 'NETWORK' }).slice(0, 4)).toEqual(['/T', 'ERROR', '/ID', '150']);
    expect(eventCreateArgs({ ...REC, exitCode: 0, state: 'renewed', command: 'renew' }).slice(0, 4)).toEqual(['/T', 'INFORMATION', '/ID', '101']);
    const calls: Array<[string, string[]]> = [];
    const problems = await recordRun(REC, { CERTDESK_STATUS_FILE: join(dir, 'w.json') }, 'win32', async (f, a) => void calls.push([f, a]));
    expect(problems).toEqual([]);
    // By full path (Node on Windows runs a bare name from the current folder first).
    expect(calls).toEqual([['C:\\Windows\\System32\\eventcreate.exe', eventCreateArgs(REC)]]);
    await recordRun(REC, { CERTDESK_STATUS_FILE: join(dir, 'w.json'), SystemRoot: 'D:\\WINNT' }, 'win32', async (f, a) => void calls.push([f, a]));
    expect(calls[1]![0]).toBe('D:\\WINNT\\System32\\eventcreate.exe');
    const failing = await recordRun(REC, { CERTDESK_STATUS_FILE: join(dir, 'w.json') }, 'win32', async () => {
      throw new Error('ERROR: Access is denied.');
    });
    expect(failing).toEqual(['event log: ERROR: Access is denied.']);
  });

  it('the event text has no quotes or control characters whatever a value holds', () => {
    expect(eventText({ ...REC, version: '1"2\n3' })).toBe(`CertDesk 123 command=status exit=6 state=renewalOpen sha256=${'ab'.repeat(32)} expiry=2026-12-18 daysLeft=20`);
  });

  it('Linux and macOS: logger -t certdesk -p user.warning, received on a real syslog socket', async () => {
    expect(loggerArgs(REC)).toEqual(['-t', 'certdesk', '-p', 'user.warning', '--', `[110] ${eventText(REC)}`]);
    const sock = join(dir, 'log.sock');
    // A datagram listener (Node has none for Unix sockets): python prints the first message it gets.
    const listener = spawn('python3', ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(${JSON.stringify(sock)})\nprint('ready',flush=True)\nprint(s.recv(65536).decode(),flush=True)`]);
    let out = '';
    await new Promise<void>((resolve) => listener.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
    await new Promise<void>((resolve, reject) => execFile('logger', loggerArgs({ ...REC, state: 'broken', exitCode: 1, lastError: 'PROXY_FAILED' }, sock), (e) => (e ? reject(e) : resolve())));
    await new Promise((resolve) => listener.on('close', resolve));
    // <11> is user.err (facility 1 * 8 + severity 3).
    expect(out).toMatch(/<11>.*certdesk.*\[150\] CertDesk 0\.1\.0 command=status exit=1 state=broken .* error=PROXY_FAILED/);
  });
});

describe('logger is started, not waited for (issue 29)', () => {
  it('recordRun returns while logger still runs; the message still reaches syslog after', async () => {
    // A logger(1) ahead on PATH that holds until the test opens a FIFO, then hands its exact
    // arguments to the real logger, pointed at this test's socket.
    const real = spawnSyncOut('sh', ['-c', 'command -v logger']).trim();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const fifo = join(dir, 'hold.fifo');
    spawnSyncOut('mkfifo', [fifo]);
    const sock = join(dir, 'late.sock');
    writeFileSync(join(bin, 'logger'), `#!/bin/sh\nread _ < '${fifo}'\nexec '${real}' -u '${sock}' "$@"\n`);
    chmodSync(join(bin, 'logger'), 0o755);
    const listener = spawn('python3', ['-c', `import socket\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(${JSON.stringify(sock)})\nprint('ready',flush=True)\nprint(s.recv(65536).decode(),flush=True)`]);
    let out = '';
    await new Promise<void>((resolve) => listener.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      // The old recordRun waited for logger's exit: here it would never return (the FIFO is not opened yet).
      expect(await recordRun(REC, { CERTDESK_STATUS_FILE: join(dir, 'late.json') }, 'linux')).toEqual([]);
    } finally {
      process.env.PATH = path;
    }
    expect(out).not.toMatch(/certdesk/);
    writeFileSync(fifo, 'go\n');
    await new Promise((resolve) => listener.on('close', resolve));
    expect(out).toMatch(/<12>.*certdesk.*\[110\] CertDesk 0\.1\.0 command=status exit=6 state=renewalOpen/);
  });
});

function spawnSyncOut(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

describe('the language and the fingerprint as typed', () => {
  it('LC_ALL, then LC_MESSAGES, then LANG; C names none; Windows and macOS fall back to the UI culture', () => {
    expect(languageOfLocale('ja_JP.UTF-8')).toBe('ja');
    expect(languageOfLocale('en_US.UTF-8')).toBe('en');
    expect(languageOfLocale('fr_FR')).toBe('en');
    expect(languageOfLocale('C.UTF-8')).toBeNull();
    expect(languageOfLocale('POSIX')).toBeNull();
    expect(languageFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'ja_JP.UTF-8' }, 'linux')).toBe('ja');
    expect(languageFromEnv({ LANG: 'ja_JP.UTF-8', LC_ALL: 'en_US.UTF-8' }, 'linux')).toBe('en');
    expect(languageFromEnv({}, 'linux', () => 'en-US')).toBeNull();
    expect(languageFromEnv({}, 'win32', () => 'ja-JP')).toBe('ja');
    expect(languageFromEnv({}, 'darwin', () => 'en-GB')).toBe('en');
  });

  it('--lang and --json are found before commander parses, not after --', () => {
    expect(scanEarlyFlags(['status', '--lang', 'en', '--json'])).toEqual({ lang: 'en', json: true });
    expect(scanEarlyFlags(['--lang=ja'])).toEqual({ lang: 'ja', json: false });
    expect(scanEarlyFlags(['--lang', 'de'])).toEqual({ badLang: 'de', json: false });
    expect(scanEarlyFlags(['--', '--json'])).toEqual({ json: false });
  });

  it('--fingerprint: SHA-256 or SHA-1, colons and spaces, either case', () => {
    expect(parseFingerprint('AB:'.repeat(31) + 'AB')).toEqual({ algorithm: 'sha256', hex: 'ab'.repeat(32) });
    expect(parseFingerprint('12 34 '.repeat(10).trim())).toEqual({ algorithm: 'sha1', hex: '1234'.repeat(10) });
    expect(parseFingerprint('abc')).toBeNull();
    expect(parseFingerprint('zz'.repeat(32))).toBeNull();
  });
});
