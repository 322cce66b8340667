// Profile discovery over made-up Firefox homes, one per layout Firefox writes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertFirefoxProfileFree, defaultFirefoxProfile, findFirefoxProfileDbs, firefoxRoots } from '../../src/main/core/store/nss/firefox';
import { openStoreFor } from '../../src/main/core/store';

// The made-up homes keep their XDG folder in HOME/.config, as a home without the variable does.
delete process.env.XDG_CONFIG_HOME;
const work = mkdtempSync(join(tmpdir(), 'certdesk-ff-'));
const sleepers: ChildProcess[] = [];
afterAll(() => {
  for (const p of sleepers) p.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** A live process the kernel names "firefox" (a copy of sleep), as a running Firefox is named. */
function liveFirefoxPid(): number {
  const bin = join(work, 'firefox');
  if (!existsSync(bin)) {
    copyFileSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), bin);
    execFileSync('chmod', ['+x', bin]);
  }
  const p = spawn(bin, ['60'], { stdio: 'ignore' });
  sleepers.push(p);
  return p.pid!;
}
let n = 0;

/** A home with one Firefox root at `rel`, its profiles (folder → ini lines), and optional installs.ini. */
function makeHome(rel: string, profiles: Record<string, string[]>, installs?: string): { home: string; root: string } {
  const home = join(work, `home${n++}`);
  const root = join(home, rel);
  mkdirSync(root, { recursive: true });
  const sections = Object.entries(profiles).map(([path, extra], i) => {
    const absolute = path.startsWith('/');
    const dir = absolute ? path : join(root, path);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cert9.db'), '');
    return [`[Profile${i}]`, `Name=p${i}`, `IsRelative=${absolute ? 0 : 1}`, `Path=${path}`, ...extra].join('\n');
  });
  writeFileSync(join(root, 'profiles.ini'), `[General]\nStartWithLastProfile=1\nVersion=2\n\n${sections.join('\n\n')}\n`);
  if (installs) writeFileSync(join(root, 'installs.ini'), installs);
  return { home, root };
}

describe('Firefox homes', () => {
  const linux = [
    ['legacy', '.mozilla/firefox'],
    ['XDG (firefox-esr 153 on a fresh home)', '.config/mozilla/firefox'],
    ['snap', 'snap/firefox/common/.mozilla/firefox'],
    ['flatpak', '.var/app/org.mozilla.firefox/.mozilla/firefox'],
  ] as const;
  for (const [label, rel] of linux) {
    it(`finds the profile in the ${label} home on Linux`, async () => {
      const { home, root } = makeHome(rel, { 'abc.default-esr': [] });
      const p = await defaultFirefoxProfile({ home, platform: 'linux' });
      expect(p).toEqual({ dir: join(root, 'abc.default-esr'), name: 'p0', root, hasDb: true });
      expect(await findFirefoxProfileDbs({ home, platform: 'linux' })).toEqual([p.dir]);
    });
  }

  it('follows $XDG_CONFIG_HOME on Linux, as Firefox does', async () => {
    const { home, root } = makeHome('elsewhere-config/mozilla/firefox', { 'x.default-esr': [] });
    expect((await defaultFirefoxProfile({ home, platform: 'linux', xdgConfigHome: join(home, 'elsewhere-config') })).dir).toBe(join(root, 'x.default-esr'));
    await expect(defaultFirefoxProfile({ home, platform: 'linux' })).rejects.toMatchObject({ detail: { reason: 'FIREFOX_NO_PROFILE' } });
    await expect(defaultFirefoxProfile({ home, platform: 'linux', xdgConfigHome: 'elsewhere-config' })).rejects.toMatchObject({ detail: { reason: 'FIREFOX_NO_PROFILE' } });
  });

  it('names the macOS and Windows homes', () => {
    expect(firefoxRoots({ home: '/Users/u', platform: 'darwin' })).toEqual(['/Users/u/Library/Application Support/Firefox']);
    expect(firefoxRoots({ home: 'C:\\Users\\u', platform: 'win32', appData: 'C:\\Users\\u\\AppData\\Roaming' })).toEqual(['C:\\Users\\u\\AppData\\Roaming\\Mozilla\\Firefox']);
  });

  it('reads a macOS home', async () => {
    const { home, root } = makeHome('Library/Application Support/Firefox', { 'Profiles/x1.default-release': ['Default=1'], 'Profiles/x2.other': [] });
    expect((await defaultFirefoxProfile({ home, platform: 'darwin' })).dir).toBe(join(root, 'Profiles', 'x1.default-release'));
  });

});

describe('the default profile', () => {
  it("takes installs.ini's Default= before a profile marked Default=1, and profiles.ini's [Install…] as well", async () => {
    const { home, root } = makeHome('.config/mozilla/firefox', { 'a.old': ['Default=1'], 'b.default-esr': [] }, '[4F96D1932A9F858E]\nDefault=b.default-esr\nLocked=1\n');
    expect((await defaultFirefoxProfile({ home, platform: 'linux' })).dir).toBe(join(root, 'b.default-esr'));
    writeFileSync(join(root, 'installs.ini'), '');
    expect((await defaultFirefoxProfile({ home, platform: 'linux' })).dir).toBe(join(root, 'a.old'));
    writeFileSync(join(root, 'profiles.ini'), `[Install4F96D1932A9F858E]\nDefault=b.default-esr\n\n[Profile0]\nName=old\nIsRelative=1\nPath=a.old\nDefault=1\n\n[Profile1]\nName=esr\nIsRelative=1\nPath=b.default-esr\n`);
    expect((await defaultFirefoxProfile({ home, platform: 'linux' })).dir).toBe(join(root, 'b.default-esr'));
  });

  it('takes an absolute profile path as it is', async () => {
    const abs = join(work, 'elsewhere', 'abs.profile');
    const { home } = makeHome('.mozilla/firefox', { [abs]: ['Default=1'], 'rel.x': [] });
    expect((await defaultFirefoxProfile({ home, platform: 'linux' })).dir).toBe(abs);
    expect(await findFirefoxProfileDbs({ home, platform: 'linux' })).toHaveLength(2);
  });

  it('refuses several profiles with none the default, naming them', async () => {
    const { home } = makeHome('.mozilla/firefox', { 'a.one': [], 'b.two': [] });
    const err = await defaultFirefoxProfile({ home, platform: 'linux' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'FIREFOX_PROFILE_AMBIGUOUS' } });
    expect((err as Error).message).toMatch(/"p0".*a\.one.*"p1".*b\.two.*nss:FOLDER/);
  });

  it('says "start Firefox once" when there is no profile, and openStoreFor("firefox") says the same', async () => {
    const home = join(work, 'empty-home');
    mkdirSync(home);
    await expect(defaultFirefoxProfile({ home, platform: 'linux' })).rejects.toThrow(/Start Firefox once/);
    await expect(openStoreFor('firefox', { home })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'FIREFOX_NO_PROFILE' } });
  });
});

describe('a profile in use', () => {
  it('is refused while the lock names a live process, and not after it died', async () => {
    const { home, root } = makeHome('.mozilla/firefox', { 'a.default': ['Default=1'] });
    const profile = await defaultFirefoxProfile({ home, platform: 'linux' });
    symlinkSync(`127.0.1.1:+${liveFirefoxPid()}`, join(root, 'a.default', 'lock'));
    expect(() => assertFirefoxProfileFree(profile, 'linux')).toThrow(/Firefox is running with the profile "p0".*Close Firefox and try again/);
    await expect(openStoreFor('firefox', { home })).rejects.toMatchObject({ detail: { reason: 'FIREFOX_RUNNING' } });
    rmSync(join(root, 'a.default', 'lock'));
    // The pid of a crashed Firefox, taken since by another program (this node).
    symlinkSync(`127.0.1.1:+${process.pid}`, join(root, 'a.default', 'lock'));
    expect(() => assertFirefoxProfileFree(profile, 'linux')).not.toThrow();
    rmSync(join(root, 'a.default', 'lock'));
    // A pid above the kernel's maximum: a Firefox that crashed long ago.
    symlinkSync('127.0.1.1:+4194399', join(root, 'a.default', 'lock'));
    expect(() => assertFirefoxProfileFree(profile, 'linux')).not.toThrow();
  });
});

describe('openStoreFor("firefox")', () => {
  it("opens the default profile's NSS db and names the profile", async () => {
    const { home, root } = makeHome('.config/mozilla/firefox', { 'q.default-esr': [] });
    const dir = join(root, 'q.default-esr');
    rmSync(join(dir, 'cert9.db'));
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${dir}`]);
    const store = await openStoreFor('firefox', { home });
    expect(store.describe()).toBe(`Firefox profile "p0" (${dir})`);
    expect(store.kind).toBe('nss');
    expect(store.lockFile).toBe(join(dir, 'certdesk-renewal.lock'));
    expect(await store.list([])).toEqual([]);
    // Firefox started after the store was opened: the next write is refused, reads go on.
    symlinkSync(`127.0.1.1:+${liveFirefoxPid()}`, join(dir, 'lock'));
    await expect(store.remove('00')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'FIREFOX_RUNNING' } });
    await expect(store.installCaCertificates([])).rejects.toMatchObject({ detail: { reason: 'FIREFOX_RUNNING' } });
    expect(await store.list([])).toEqual([]);
    rmSync(join(dir, 'lock'));
    await expect(store.remove('00')).resolves.toEqual({});
  });
});
