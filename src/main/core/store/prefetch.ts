// The first listing of an NSS db, started by the command line before the store module and
// the PKI code behind it have loaded. Light on purpose: this module loads no certificate
// parser. The store takes the listing only if the db is unchanged since it started
// (openNssStore's `prefetched`).
//
// For `renew`, the identity the renewal authenticates with is exported as soon as the
// listing shows it (pk12util -o and its PBKDF2 are the longest step of a renewal), when
// the db holds exactly one nickname with a key. It stays in this process: the store uses
// it only for that nickname, on an unchanged db, and only if it holds the certificate asked for.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { createCommandRunner } from './runner';
import { dbStamp, readListing, type Listing } from './nss/listing';
import { exportNickname, type NicknameExport, type ToolTarget } from './nss/export';

export interface PrefetchedIdentity extends NicknameExport {
  nickname: string;
  /** The db files' stamp when the export started. */
  stamp: string | null;
  /** The file's only key bag (its EncryptedPrivateKeyInfo) and that key, decrypted at once; absent with several. */
  only?: { keyBag: Uint8Array; key: Promise<KeyObject | null> };
}

export interface PrefetchedListing {
  dbDir: string;
  /** The db files' stamp when the listing started. */
  stamp: string | null;
  listing: Promise<Listing | null>;
  /** Settles when the listing is read and the identity's export, if any, is running. */
  started: Promise<void>;
  /** The early identity export (renew), or null when none was started. */
  identity: Promise<PrefetchedIdentity | null>;
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
export function prefetchListing(spec: string, opts: { home?: string; identity?: boolean } = {}): PrefetchedListing | undefined {
  const dbDir = nssDbDirFor(spec, opts.home);
  if (!dbDir || !existsSync(join(dbDir, 'cert9.db'))) return undefined;
  const stamp = dbStamp(dbDir);
  const t: ToolTarget = { db: `sql:${dbDir}`, run: createCommandRunner(), tempRoot: undefined, timeoutMs: 60_000 };
  const listing = readListing(dbDir).catch(() => null);
  let identity: Promise<PrefetchedIdentity | null> | undefined;
  const started = listing.then(async (l) => {
    const nickname = opts.identity && l ? onlyIdentity(l) : undefined;
    if (!nickname) return;
    let spawned!: () => void;
    const running = new Promise<void>((resolve) => (spawned = resolve));
    identity = exportIdentity(t, dbDir, nickname, spawned);
    // Settles once pk12util runs (or the export failed before it could).
    await Promise.race([running, identity]);
  });
  // The export is known once the listing is read: `identity` waits for that.
  return { dbDir, stamp, listing, started, identity: started.then(() => identity ?? null) };
}

/** The one nickname that holds certificates with a key, or undefined. */
function onlyIdentity(l: Listing): string | undefined {
  const users = new Set(l.certs.filter((c) => c.keyId !== '' && l.keyIds.has(c.keyId)).map((c) => c.nickname));
  return users.size === 1 ? [...users][0] : undefined;
}

async function exportIdentity(t: ToolTarget, dbDir: string, nickname: string, spawned: () => void): Promise<PrefetchedIdentity | null> {
  const stamp = dbStamp(dbDir);
  try {
    const exported = await exportNickname(t, dbDir, nickname, spawned);
    const { bagsOf, privateKeyOf } = await import('./nss/key-bag');
    const keys = bagsOf(exported.pkcs12).keys;
    const bag = keys.length === 1 ? keys[0]!.der : undefined;
    const only = bag ? { keyBag: bag, key: privateKeyOf(bag, exported.password).catch(() => null) } : undefined;
    return { ...exported, nickname, stamp, ...(only ? { only } : {}) };
  } catch {
    // The store exports again when asked, and reports what goes wrong then.
    return null;
  }
}
