// The first listing of an NSS db, started by the command line before the store module and
// the PKI code behind it have loaded. Light on purpose: this module loads no certificate
// parser. The store takes the listing only if the db is unchanged since it started
// (openNssStore's `prefetched`).
//
// No identity is exported early any more: a renewal over Node's TLS borrows the identity's
// key from the db's token in memory when it needs it (nss/lend, 5-8 ms), where the early
// `pk12util -o` cost a process, two 600,000-iteration PBKDF2 runs and a file, on a 2-core
// machine competing with the renewal itself.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { dbStamp, readListing, type Listing } from './nss/listing';

export interface PrefetchedListing {
  dbDir: string;
  /** The db files' stamp when the listing started. */
  stamp: string | null;
  listing: Promise<Listing | null>;
}

/**
 * The NSS db a store name means on this OS: `nss:DIR`, or `os` on Linux (~/.pki/nssdb, the
 * db Chromium reads); null for any other name or OS (and `nss:` without a folder).
 */
export function nssDbDirFor(spec: string, home: string = homedir(), platform: NodeJS.Platform = process.platform): string | null {
  if (spec.startsWith('nss:')) return spec.length > 4 ? resolve(spec.slice(4)) : null;
  if (spec === 'os' && platform !== 'win32' && platform !== 'darwin') return join(home, '.pki', 'nssdb');
  return null;
}

/** Starts the listing of the db `spec` names, if it is an existing NSS db; never throws. */
export function prefetchListing(spec: string, opts: { home?: string } = {}): PrefetchedListing | undefined {
  const dbDir = nssDbDirFor(spec, opts.home);
  if (!dbDir || !existsSync(join(dbDir, 'cert9.db'))) return undefined;
  return { dbDir, stamp: dbStamp(dbDir), listing: readListing(dbDir).catch(() => null) };
}
