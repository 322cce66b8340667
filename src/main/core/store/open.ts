// Opens the store a policy or a command names: `nss:DIR` (an explicit NSS db), `firefox` (the
// NSS db of the profile Firefox starts with), or `os` (this OS's own store: CurrentUser\My, the
// login keychain, or ~/.pki/nssdb that Chromium reads).
// One function for the command line and the desktop app, so both mean the same by a name.
import { homedir, release } from 'node:os';
import { CoreError } from '../errors';
import type { CertificateStore } from './types';
import { createCommandRunner } from './runner';
import { openNssStore } from './nss/store';
import { assertFirefoxProfileFree, defaultFirefoxProfile } from './nss/firefox';
import { createWindowsStore } from './windows/store';
import { createMacStore } from './macos/store';
import { windowsBuildOf } from './pkcs12-profile';
import { nssDbDirFor, type PrefetchedListing } from './prefetch';

export async function openStoreFor(spec: string, opts: { home?: string; prefetched?: PrefetchedListing } = {}): Promise<CertificateStore> {
  const prefetched = opts.prefetched ? { prefetched: opts.prefetched } : {};
  if (spec.startsWith('nss:')) {
    const dir = nssDbDirFor(spec);
    if (!dir) throw new CoreError('INVALID_INPUT', 'Give the NSS db folder: nss:DIR.', { field: 'store', usage: true });
    return openNssStore({ dbDir: dir, ...prefetched });
  }
  if (spec === 'firefox') return (await openFirefoxStore(opts.home, true)).store;
  if (spec !== 'os') {
    throw new CoreError('INVALID_INPUT', `"${spec}" is not a store CertDesk knows. Use "os", "firefox", or nss:DIR for an NSS db's folder.`, { field: 'store', usage: true });
  }
  if (process.platform === 'win32') return createWindowsStore(createCommandRunner(), { build: windowsBuildOf(release()) });
  if (process.platform === 'darwin') {
    const run = createCommandRunner();
    const v = await run('sw_vers', ['-productVersion']);
    return createMacStore(run, { productVersion: v.stdout.trim() });
  }
  return openNssStore({ dbDir: nssDbDirFor('os', opts.home ?? homedir(), 'linux')!, ...prefetched });
}

export interface OpenedStores {
  /** The policy's stores in its order; the first is the primary. */
  stores: CertificateStore[];
  /** Throws while one of them cannot be written now (Firefox running with its profile): asked before the bank is. */
  readyToWrite(): void;
}

/**
 * Every store a policy names, in its order (the first is the primary), opened at once. A
 * name given twice is opened once. The prefetched listing, if any, is the first's. A Firefox
 * profile is not refused at opening while Firefox runs (reading it is safe, and the app and
 * `certdesk status` can still show the certificates): `readyToWrite` and every write check it.
 */
export async function openStoresFor(specs: string[], opts: { home?: string; prefetched?: PrefetchedListing } = {}): Promise<OpenedStores> {
  const unique = [...new Set(specs.length > 0 ? specs : ['os'])];
  const { prefetched, ...rest } = opts;
  const checks: Array<() => void> = [];
  const stores = await Promise.all(
    unique.map(async (spec, i) => {
      if (spec !== 'firefox') return openStoreFor(spec, i === 0 && prefetched ? { ...rest, prefetched } : rest);
      const ff = await openFirefoxStore(rest.home, false);
      checks.push(ff.check);
      return ff.store;
    }),
  );
  return { stores, readyToWrite: () => checks.forEach((check) => check()) };
}

/** The default profile's db, refused while Firefox runs with it (at opening if asked, and before every write); named by the profile. */
async function openFirefoxStore(home: string | undefined, checkNow: boolean): Promise<{ store: CertificateStore; check: () => void }> {
  const profile = await defaultFirefoxProfile(home ? { home } : {});
  const check = () => assertFirefoxProfileFree(profile);
  if (checkNow) check();
  return { store: await openNssStore({ dbDir: profile.dir, label: `Firefox profile "${profile.name}" (${profile.dir})`, beforeWrite: check }), check };
}
