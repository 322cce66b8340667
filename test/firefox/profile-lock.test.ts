// A running Firefox holds its profile differently per OS: Linux a `lock` symlink (test/store),
// Windows `parent.lock` opened without sharing, macOS an fcntl lock on `.parentlock`, which
// CertDesk finds through lsof. The Windows and macOS probes are faked (their OS is absent
// here); the macOS rule is also run with the real lsof against a real process that holds the
// file open, where lsof is installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPath } from '../support/required';
import { assertFirefoxProfileFree, type FirefoxProfile, type LockProbe } from '../../src/main/core/store/nss/firefox';

const LSOF = commandPath('lsof', 'lsof', 'test/firefox (the real macOS lock probe)');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-ff-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profileIn = (d: string): FirefoxProfile => ({ dir: d, name: 'default-release', root: d, hasDb: true });

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** A probe that records its calls and answers as told. */
function fake(answer: { open?: string; openers?: string }): LockProbe & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    openForWrite(path) {
      calls.push(`open ${path}`);
      if (answer.open) throw errno(answer.open);
    },
    openers(path) {
      calls.push(`lsof ${path}`);
      return answer.openers ?? '';
    },
  };
}

describe('Windows: parent.lock', () => {
  it.each([['EBUSY'], ['EPERM']])('opening it fails with %s: Firefox is running, named', (code) => {
    const d = mkdtempSync(join(dir, 'win-'));
    const probe = fake({ open: code });
    expect(() => assertFirefoxProfileFree(profileIn(d), 'win32', probe)).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', detail: { reason: 'FIREFOX_RUNNING' } }));
    expect(probe.calls).toEqual([`open ${win32.join(d, 'parent.lock')}`]);
  });

  it('opens: a lock left by a Firefox that has ended; none (ENOENT): Firefox never ran with the profile', () => {
    const d = mkdtempSync(join(dir, 'win-'));
    expect(() => assertFirefoxProfileFree(profileIn(d), 'win32', fake({}))).not.toThrow();
    expect(() => assertFirefoxProfileFree(profileIn(d), 'win32', fake({ open: 'ENOENT' }))).not.toThrow();
  });
});

describe('macOS: .parentlock', () => {
  it('a firefox process has it open: running; another program, or none: free', () => {
    const d = mkdtempSync(join(dir, 'mac-'));
    expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin', fake({ openers: 'p4242\ncfirefox\n' }))).not.toThrow(); // no .parentlock yet
    writeFileSync(join(d, '.parentlock'), '');
    const probe = fake({ openers: 'p4242\ncfirefox\nf5\n' });
    expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin', probe)).toThrow(/Firefox is running with the profile "default-release".*Close Firefox/);
    expect(probe.calls).toEqual([`lsof ${join(d, '.parentlock')}`]);
    expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin', fake({ openers: 'p77\ncmds_stores\n' }))).not.toThrow();
    expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin', fake({ openers: '' }))).not.toThrow();
  });

  describe.skipIf(!LSOF)('with the real lsof', () => {
    let holder: ChildProcess | undefined;
    afterAll(() => holder?.kill('SIGKILL'));

    /** A process of that name with .parentlock open as its stdin, until killed. */
    async function hold(file: string, name: string): Promise<ChildProcess> {
      const exe = join(dir, name);
      copyFileSync('/bin/sleep', exe);
      const fd = openSync(file, 'r');
      const p = spawn(exe, ['600'], { stdio: [fd, 'ignore', 'ignore'] });
      closeSync(fd);
      await new Promise((resolve) => p.once('spawn', resolve));
      return p;
    }

    it('a process named firefox holding .parentlock: running; killed: free; a process of another name: free', async () => {
      const d = mkdtempSync(join(dir, 'mac-real-'));
      const lock = join(d, '.parentlock');
      writeFileSync(lock, '');
      holder = await hold(lock, 'firefox');
      expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin')).toThrow(expect.objectContaining({ detail: { reason: 'FIREFOX_RUNNING' } }));
      const ended = new Promise((resolve) => holder!.once('exit', resolve));
      holder.kill('SIGKILL');
      await ended;
      expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin')).not.toThrow();
      holder = await hold(lock, 'backupd');
      expect(() => assertFirefoxProfileFree(profileIn(d), 'darwin')).not.toThrow();
    });
  });
});
