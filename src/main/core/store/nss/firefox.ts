// Firefox keeps one NSS database per profile. profiles.ini lists the profiles of one Firefox
// home, installs.ini (or profiles.ini's [Install…] sections) names the profile each
// installation starts with. Where that home is depends on the OS and the packaging.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, openSync, closeSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve, win32 } from 'node:path';
import { CoreError } from '../../errors';
import { processAlive } from '../../process';

export interface FirefoxProfile {
  /** The profile folder (it holds cert9.db once Firefox has started with it). */
  dir: string;
  /** profiles.ini's Name=. */
  name: string;
  /** The Firefox home that lists it (the folder of profiles.ini). */
  root: string;
  hasDb: boolean;
}

export interface FirefoxLookup {
  home?: string;
  platform?: NodeJS.Platform;
  /** %APPDATA% on Windows (default: the environment's). */
  appData?: string;
  /** $XDG_CONFIG_HOME on Linux (default: the environment's; HOME/.config when unset). */
  xdgConfigHome?: string;
}

/**
 * The folders where Firefox keeps profiles.ini on this OS, in the order Firefox itself
 * prefers them on Linux: the legacy ~/.mozilla first (Firefox keeps using it when it exists),
 * then the XDG folder a fresh home gets (Debian's firefox-esr 153), then the snap and flatpak homes.
 */
export function firefoxRoots(opts: FirefoxLookup = {}): string[] {
  const home = opts.home ?? homedir();
  const platform = opts.platform ?? process.platform;
  if (platform === 'win32') {
    const appData = opts.appData ?? process.env.APPDATA ?? win32.join(home, 'AppData', 'Roaming');
    return [win32.join(appData, 'Mozilla', 'Firefox')];
  }
  if (platform === 'darwin') return [join(home, 'Library', 'Application Support', 'Firefox')];
  return [
    join(home, '.mozilla', 'firefox'),
    join(xdgConfigHome(opts) ?? join(home, '.config'), 'mozilla', 'firefox'),
    join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
  ];
}

function xdgConfigHome(opts: FirefoxLookup): string | undefined {
  const dir = opts.xdgConfigHome ?? process.env.XDG_CONFIG_HOME;
  // The XDG rule: a relative value is ignored.
  return dir && isAbsolute(dir) ? dir : undefined;
}

interface Home {
  root: string;
  profiles: Array<FirefoxProfile & { markedDefault: boolean }>;
  /** The profile folders installations start with (installs.ini, [Install…] sections). */
  installDefaults: string[];
}

async function readHome(root: string, platform: NodeJS.Platform): Promise<Home | null> {
  let ini: string;
  try {
    ini = await readFile(join(root, 'profiles.ini'), 'utf8');
  } catch {
    return null;
  }
  const installs = await readFile(join(root, 'installs.ini'), 'utf8').catch(() => '');
  const toDir = (path: string, relative: boolean) => {
    // profiles.ini writes relative paths with forward slashes on every OS.
    const native = platform === 'win32' ? path.replace(/\//g, '\\') : path;
    const absolute = platform === 'win32' ? win32.isAbsolute(native) : isAbsolute(native);
    if (relative && !absolute) return platform === 'win32' ? win32.join(root, native) : join(root, native);
    return platform === 'win32' ? native : resolve(native);
  };
  const profiles: Home['profiles'] = [];
  const installDefaults: string[] = [];
  // installs.ini names its sections by the install's hash alone; profiles.ini says [Install<hash>].
  const sections = [...parseIni(installs).map((s) => ({ ...s, install: true })), ...parseIni(ini).map((s) => ({ ...s, install: /^Install/i.test(s.name) }))];
  for (const section of sections) {
    const path = section.values.get('Path');
    if (section.install) {
      const d = section.values.get('Default');
      // An install's Default= is relative to the root unless it is an absolute path.
      if (d && !installDefaults.includes(toDir(d, true))) installDefaults.push(toDir(d, true));
      continue;
    }
    if (!/^Profile\d+$/i.test(section.name) || !path) continue;
    const dir = toDir(path, section.values.get('IsRelative') !== '0');
    if (profiles.some((p) => p.dir === dir)) continue;
    profiles.push({ dir, name: section.values.get('Name') ?? path, root, hasDb: existsSync(join(dir, 'cert9.db')), markedDefault: section.values.get('Default') === '1' });
  }
  return { root, profiles, installDefaults };
}

/** Folders of the Firefox profiles, in every Firefox home of this OS, that hold a cert9.db. */
export async function findFirefoxProfileDbs(opts: FirefoxLookup = {}): Promise<string[]> {
  const platform = opts.platform ?? process.platform;
  const dirs: string[] = [];
  for (const root of firefoxRoots(opts)) {
    const home = await readHome(root, platform);
    for (const p of home?.profiles ?? []) if (p.hasDb && !dirs.includes(p.dir)) dirs.push(p.dir);
  }
  return dirs;
}

/**
 * The profile Firefox starts with: in the first Firefox home that lists a profile, the
 * installation's default (installs.ini), else the profile marked Default=1, else the only
 * one. Several profiles and none marked: refused, as writing into a profile the user does not
 * use would look like a renewal that did nothing.
 */
export async function defaultFirefoxProfile(opts: FirefoxLookup = {}): Promise<FirefoxProfile> {
  const platform = opts.platform ?? process.platform;
  const roots = firefoxRoots(opts);
  for (const root of roots) {
    const home = await readHome(root, platform);
    if (!home || home.profiles.length === 0) continue;
    const chosen =
      home.installDefaults.map((d) => home.profiles.find((p) => p.dir === d)).find((p) => p !== undefined) ??
      home.profiles.find((p) => p.markedDefault) ??
      (home.profiles.length === 1 ? home.profiles[0] : undefined);
    if (!chosen) {
      const names = home.profiles.map((p) => `"${p.name}" (${p.dir})`).join(', ');
      throw new CoreError(
        'STORE_UNAVAILABLE',
        `Firefox has several profiles in ${root} and none is the default: ${names}. Name the one to use in policy as "nss:FOLDER", or choose a default profile in Firefox (about:profiles).`,
        { reason: 'FIREFOX_PROFILE_AMBIGUOUS' },
      );
    }
    const { markedDefault: _, ...profile } = chosen;
    return profile;
  }
  throw new CoreError('STORE_UNAVAILABLE', `No Firefox profile was found (looked in ${roots.join(', ')}). Start Firefox once so that it creates its profile, close it, and try again.`, { reason: 'FIREFOX_NO_PROFILE' });
}

/** How the profile lock is probed where it is not a symlink (tests give their own). */
export interface LockProbe {
  /** Windows: opens the file for writing and closes it; throws EBUSY/EPERM while Firefox holds it unshared. */
  openForWrite(path: string): void;
  /** macOS: `lsof -F pc -- FILE`: "p<pid>" and "c<command>" lines of the processes that have it open, '' for none. */
  openers(path: string): string;
}

const systemProbe: LockProbe = {
  openForWrite: (path) => closeSync(openSync(path, 'r+')),
  openers(path) {
    try {
      return execFileSync('lsof', ['-F', 'pc', '--', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    } catch {
      // lsof exits 1 when no process has the file open; a missing lsof cannot tell either.
      return '';
    }
  },
};

/**
 * Refuses a profile that a running Firefox holds: its db would be written under the
 * browser's feet. Linux leaves a `lock` symlink naming the process (a stale one, from a
 * Firefox that crashed, is ignored); Windows keeps `parent.lock` open without sharing; macOS
 * holds an fcntl lock on `.parentlock`, which Node cannot test, so the processes that have
 * the file open are asked of lsof (a Firefox among them: running).
 */
export function assertFirefoxProfileFree(profile: FirefoxProfile, platform: NodeJS.Platform = process.platform, probe: LockProbe = systemProbe): void {
  const busy = () =>
    new CoreError('STORE_UNAVAILABLE', `Firefox is running with the profile "${profile.name}" (${profile.dir}). Close Firefox and try again.`, { reason: 'FIREFOX_RUNNING' });
  if (platform === 'win32') {
    const lock = win32.join(profile.dir, 'parent.lock');
    // No parent.lock (ENOENT): Firefox never ran with the profile.
    try {
      probe.openForWrite(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EBUSY' || (err as NodeJS.ErrnoException).code === 'EPERM') throw busy();
    }
    return;
  }
  if (platform === 'darwin') {
    const lock = join(profile.dir, '.parentlock');
    if (!existsSync(lock)) return;
    const commands = probe.openers(lock).split('\n').filter((l) => l.startsWith('c')).map((l) => l.slice(1));
    if (commands.some((c) => /firefox|gecko/i.test(c))) throw busy();
    return;
  }
  const lock = join(profile.dir, 'lock');
  let target: string;
  try {
    if (!lstatSync(lock).isSymbolicLink()) return;
    target = readlinkSync(lock);
  } catch {
    return;
  }
  // "ADDRESS:+PID" (the host's address, then the process id).
  const pid = Number(/\+(\d+)$/.exec(target)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || firefoxAlive(pid)) throw busy();
}

function firefoxAlive(pid: number): boolean {
  if (!processAlive(pid)) return false;
  // A crashed Firefox's pid may have gone to another program since: Linux names it.
  let comm: string;
  try {
    comm = readFileSync(`/proc/${pid}/comm`, 'utf8');
  } catch {
    return true;
  }
  return /firefox|gecko/i.test(comm);
}

function parseIni(text: string): Array<{ name: string; values: Map<string, string> }> {
  const sections: Array<{ name: string; values: Map<string, string> }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head?.[1]) {
      sections.push({ name: head[1].trim(), values: new Map() });
      continue;
    }
    const eq = line.indexOf('=');
    const current = sections[sections.length - 1];
    if (eq > 0 && current) current.values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}
