// The macOS pkg's postinstall (issue 24 item 5, issue 25 item 3), run for real: the exact file
// under sh, as root, in a chroot whose /usr is this machine's (read-only) and whose /usr/local,
// /Applications, /Library and /etc are the test's, inside a private mount namespace (unshare -m),
// so the machine's own folders are never touched. The script uses only POSIX tools (ls -ldn,
// readlink, ln -sfn, mkdir, chown), so Linux's run is macOS's; the app's command line is a stub
// that records its arguments. Planted links: to a folder (/etc/sudoers.d), to a folder named like
// CertDesk's launcher, a user's /usr/local/bin, a group-writable one, one that is a link.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chrootUnavailable, makeRoot, runInChroot } from './chroot';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = join(ROOT, 'build/pkg-scripts/postinstall');
const APP = 'certdesk.app';
const CLI = `/Applications/${APP}/Contents/Resources/bin/certdesk`;
const base = mkdtempSync(join(tmpdir(), 'certdesk-pkg-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const why = chrootUnavailable(base, 'the pkg postinstall test');

interface World { root: string; local: string; run(): { code: number | null; stderr: string }; cliArgs(): string[] | null }

/** A chroot: /usr bound read-only, /usr/local from `local`, the app in /Applications, /etc/sudoers.d. */
function world(name: string, setup: (w: { root: string; local: string }) => void): World {
  const root = join(base, name);
  const local = join(base, `${name}-local`);
  mkdirSync(root, { recursive: true });
  mkdirSync(local, { mode: 0o755 });
  chmodSync(local, 0o755);
  makeRoot(root);
  mkdirSync(join(root, 'etc/sudoers.d'), { recursive: true });
  mkdirSync(join(root, 'Library/Application Support'), { recursive: true, mode: 0o755 });
  const cli = join(root, CLI);
  mkdirSync(join(cli, '..'), { recursive: true });
  writeFileSync(cli, '#!/bin/sh\nprintf \'%s\\n\' "$@" > /cli-args\n', { mode: 0o755 });
  copyFileSync(SCRIPT, join(root, 'postinstall'));
  setup({ root, local });
  return {
    root,
    local,
    // Installer's arguments: the package, the install location, the target volume.
    run: () => runInChroot(root, ['/bin/sh', '/postinstall', '/tmp/CertDesk.pkg', '/Applications', '/'], [[local, 'usr/local']]),
    cliArgs: () => (existsSync(join(root, 'cli-args')) ? readFileSync(join(root, 'cli-args'), 'utf8').trim().split('\n') : null),
  };
}

const linkOf = (p: string) => (lstatSync(p, { throwIfNoEntry: false })?.isSymbolicLink() ? readlinkSync(p) : null);
const mode = (p: string) => lstatSync(p).mode & 0o7777;

describe.skipIf(why)('pkg postinstall, as root, with planted links', () => {
  it('a fresh Mac: makes /usr/local/bin (root, 755), links certdesk to the app\'s command line, makes the policy folder (root, 755), installs the schedule for every user', () => {
    const w = world('fresh', () => undefined);
    const r = w.run();
    expect(r).toEqual({ code: 0, stderr: '' });
    expect(linkOf(join(w.local, 'bin/certdesk'))).toBe(CLI);
    expect([mode(join(w.local, 'bin')), lstatSync(join(w.local, 'bin')).uid]).toEqual([0o755, 0]);
    const policy = join(w.root, 'Library/Application Support/CertDesk');
    expect([mode(policy), lstatSync(policy).uid, lstatSync(policy).gid]).toEqual([0o755, 0, 0]);
    expect(w.cliArgs()).toEqual(['schedule', 'install', '--all-users']);
  });

  it('a link to a folder (/etc/sudoers.d) is another program\'s: left as it is, nothing written into the folder', () => {
    const w = world('sudoers', ({ root, local }) => {
      mkdirSync(join(local, 'bin'), { mode: 0o755 });
      symlinkSync('/etc/sudoers.d', join(local, 'bin/certdesk'));
      void root;
    });
    const r = w.run();
    expect(r.code).toBe(0);
    expect(readdirSync(join(w.root, 'etc/sudoers.d'))).toEqual([]);
    expect(linkOf(join(w.local, 'bin/certdesk'))).toBe('/etc/sudoers.d');
    expect(r.stderr).toContain("/usr/local/bin/certdesk is another program's link: left as it is");
    expect(w.cliArgs()).toEqual(['schedule', 'install', '--all-users']);
  });

  it('a link that names a CertDesk launcher but is a folder: the link itself is replaced (ln -n), nothing written through it', () => {
    const trap = `/tmp/x/${APP}/Contents/Resources/bin/certdesk`;
    const w = world('trap', ({ root, local }) => {
      mkdirSync(join(root, trap), { recursive: true });
      mkdirSync(join(local, 'bin'), { mode: 0o755 });
      symlinkSync(trap, join(local, 'bin/certdesk'));
    });
    expect(w.run().code).toBe(0);
    expect(readdirSync(join(w.root, trap))).toEqual([]);
    expect(linkOf(join(w.local, 'bin/certdesk'))).toBe(CLI);
  });

  it('a link to an older CertDesk (dangling) is updated; a file that is not a link is left', () => {
    const old = world('older', ({ local }) => {
      mkdirSync(join(local, 'bin'), { mode: 0o755 });
      // The name earlier scripts gave the bundle (productName).
      symlinkSync('/Applications/CertDesk 電子証明書.app/Contents/Resources/bin/certdesk', join(local, 'bin/certdesk'));
    });
    expect(old.run()).toEqual({ code: 0, stderr: '' });
    expect(linkOf(join(old.local, 'bin/certdesk'))).toBe(CLI);
    const file = world('file', ({ local }) => {
      mkdirSync(join(local, 'bin'), { mode: 0o755 });
      writeFileSync(join(local, 'bin/certdesk'), 'someone else\n');
    });
    const r = file.run();
    expect(readFileSync(join(file.local, 'bin/certdesk'), 'utf8')).toBe('someone else\n');
    expect(r.stderr).toContain('/usr/local/bin/certdesk is not a link: left as it is');
  });

  it('no link where a user can plant one: /usr/local/bin owned by a user (Homebrew), group- or world-writable, itself a link; /usr/local owned by a user', () => {
    const cases: Array<[string, (w: { root: string; local: string }) => void]> = [
      ['homebrew', ({ local }) => { mkdirSync(join(local, 'bin'), { mode: 0o755 }); chownSync(join(local, 'bin'), 501, 20); }],
      ['group', ({ local }) => { mkdirSync(join(local, 'bin')); chmodSync(join(local, 'bin'), 0o775); }],
      ['world', ({ local }) => { mkdirSync(join(local, 'bin')); chmodSync(join(local, 'bin'), 0o757); }],
      ['linked', ({ root, local }) => { mkdirSync(join(root, 'home/u/bin'), { recursive: true }); symlinkSync('/home/u/bin', join(local, 'bin')); }],
      ['userlocal', ({ local }) => { mkdirSync(join(local, 'bin'), { mode: 0o755 }); chownSync(local, 501, 20); }],
    ];
    for (const [name, setup] of cases) {
      const w = world(name, setup);
      const r = w.run();
      expect(r.code, name).toBe(0);
      expect(r.stderr, name).toContain(`/usr/local/bin may be written by users (or is not a folder): no link made; call "${CLI}" by its full path.`);
      expect(existsSync(join(w.local, 'bin/certdesk')) || linkOf(join(w.local, 'bin/certdesk')) !== null, name).toBe(false);
      if (name === 'linked') expect(readdirSync(join(w.root, 'home/u/bin'))).toEqual([]);
      expect(w.cliArgs(), name).toEqual(['schedule', 'install', '--all-users']);
    }
  });

  it('a policy folder that is already there is left as it is (a user\'s stays refused by the loader); a failed schedule install is reported, the install succeeds', () => {
    const w = world('policy', ({ root }) => {
      const p = join(root, 'Library/Application Support/CertDesk');
      mkdirSync(p, { mode: 0o777 });
      chmodSync(p, 0o777);
      chownSync(p, 501, 20);
      writeFileSync(join(root, CLI), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    });
    const r = w.run();
    expect(r.code).toBe(0);
    const p = join(w.root, 'Library/Application Support/CertDesk');
    expect([mode(p), lstatSync(p).uid]).toEqual([0o777, 501]);
    expect(r.stderr).toContain(`"${CLI}" schedule install --all-users failed`);
  });

  it('is POSIX sh: no stat, no bash-only syntax (sh -n), mode 755', () => {
    const text = readFileSync(SCRIPT, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).not.toMatch(/^[^#]*\bstat\b/m);
    expect(text).not.toMatch(/^[^#]*\bln -sf /m);
    execFileSync('sh', ['-n', SCRIPT]);
    expect(mode(SCRIPT)).toBe(0o755);
  });
});
