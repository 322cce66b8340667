// The core's one atomic file write (src/main/core/atomic-file.ts), which the scheduled check's
// ledger, the ledger of keys to remove and the command line's status file all use: a reader
// sees the old file or the new one, a planted link is neither followed nor written through,
// a failure leaves the old file and no temporary one, and the system calls are the durable
// ones in the durable order (read with strace from a real process, not mocked).
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/main/core/atomic-file';
import { commandPath } from '../support/required';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'certdesk-atomic-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const folder = (name: string) => {
  const d = join(root, name);
  mkdirSync(d);
  return d;
};

describe('writeFileAtomic', () => {
  it('writes the whole file, mode 0600, over an older one, and leaves no temporary file', async () => {
    const d = folder('plain');
    const file = join(d, 'ledger.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    await writeFileAtomic(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await writeFileAtomic(file, Buffer.from('bytes'));
    expect(readFileSync(file, 'utf8')).toBe('bytes');
    expect(readdirSync(d)).toEqual(['ledger.json']);
  });

  it('replaces a link planted at the target instead of writing through it', async () => {
    const d = folder('link');
    const victim = join(root, 'victim');
    writeFileSync(victim, 'not yours');
    const file = join(d, 'status.json');
    symlinkSync(victim, file);
    await writeFileAtomic(file, 'record');
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('record');
    expect(readFileSync(victim, 'utf8')).toBe('not yours');
  });

  it('a failed rename throws, keeps what was there and removes its temporary file', async () => {
    const d = folder('fails');
    // A non-empty folder at the target: rename(2) refuses to replace it.
    const target = join(d, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) });
    expect(readdirSync(d)).toEqual(['taken']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
  });

  it('a missing folder is an error, not a write elsewhere', async () => {
    await expect(writeFileAtomic(join(root, 'no-such-folder', 'f.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

const strace = process.platform === 'linux' ? commandPath('strace', 'strace', 'atomic-file system calls') : '';

describe.skipIf(!strace)('writeFileAtomic: the system calls (strace)', () => {
  it('temp opened O_EXCL|O_NOFOLLOW 0600, written, fsynced, closed, renamed over the target, then the folder fsynced', async () => {
    const d = folder('traced');
    const bundle = join(root, 'atomic.cjs');
    await build({ entryPoints: [join(import.meta.dirname, '../../src/main/core/atomic-file.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: bundle, logLevel: 'silent' });
    const target = join(d, 'auto-renew.json');
    const log = join(root, 'strace.txt');
    const driver = `require(${JSON.stringify(bundle)}).writeFileAtomic(${JSON.stringify(target)}, 'data').then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`;
    const code = await new Promise<number | null>((resolve, reject) => {
      const p = spawn(strace, ['-f', '-qq', '-y', '-e', 'trace=openat,open,write,pwrite64,fsync,fdatasync,close,rename,renameat,renameat2', '-o', log, process.execPath, '-e', driver], { stdio: 'ignore' });
      p.on('error', reject);
      p.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('data');
    // Only the calls about this folder: Node's own start-up opens many other files.
    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .map((l) => l.replace(/^\d+\s+/, ''))
      .filter((l) => l.includes(d));
    const tmpOpen = calls.findIndex((l) => /^open(at)?\(.*auto-renew\.json\.[0-9a-f]{16}\.tmp"/.test(l));
    expect(tmpOpen, calls.join('\n')).toBeGreaterThanOrEqual(0);
    expect(calls[tmpOpen]).toMatch(/O_CREAT/);
    expect(calls[tmpOpen]).toMatch(/O_EXCL/);
    expect(calls[tmpOpen]).toMatch(/O_NOFOLLOW/);
    expect(calls[tmpOpen]).toMatch(/, 0600\)/);
    const after = calls.slice(tmpOpen);
    const at = (re: RegExp) => after.findIndex((l) => re.test(l));
    const write = at(/^p?write(64)?\(\d+<[^>]*\.tmp>/);
    const fsyncFile = at(/^f(data)?sync\(\d+<[^>]*\.tmp>/);
    const close = at(/^close\(\d+<[^>]*\.tmp>/);
    const rename = at(/^rename(at2?)?\(.*\.tmp".*auto-renew\.json"/);
    const dirOpen = at(new RegExp(`^open(at)?\\(.*"${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", O_RDONLY`));
    const fsyncDir = after.findIndex((l, i) => i > dirOpen && new RegExp(`^fsync\\(\\d+<${d.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>`).test(l));
    expect([write, fsyncFile, close, rename, dirOpen, fsyncDir].every((i) => i >= 0), after.join('\n')).toBe(true);
    expect(write).toBeLessThan(fsyncFile);
    expect(fsyncFile).toBeLessThan(close);
    expect(close).toBeLessThan(rename);
    expect(rename).toBeLessThan(fsyncDir);
  });
});
