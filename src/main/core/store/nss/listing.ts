// What an NSS db holds, read by certutil batches: the rows of -L, each nickname's
// certificates (PEM) and the -K key list. Text and bytes only, no certificate parsing, so
// that the command line can start the listing before the PKI code has even loaded.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pemToDer } from '../../pki/encoding';
import { withPrivateDir, type PrivateDir } from '../temp';
import type { CommandRunner } from '../types';
import { parseCertList, type NssCertRow } from './parse';

/** What one listing batch read: the rows of -L, each nickname's certificates, the -K text. */
export interface Listing {
  rows: NssCertRow[];
  certs: Map<string, Uint8Array[]>;
  keysText: string;
}

export interface BatchTarget {
  /** `sql:DIR` */
  db: string;
  run: CommandRunner;
  tempRoot: string | undefined;
  timeoutMs: number;
}

/** Size, inode, modification and change time (ns) of the two files a listing reads; null if unreadable. */
export function dbStamp(dbDir: string): string | null {
  try {
    return ['cert9.db', 'key4.db']
      .map((f) => {
        const st = statSync(join(dbDir, f), { bigint: true });
        return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
      })
      .join('|');
  } catch {
    return null;
  }
}

/**
 * One certutil -B process: `before` (writes), then "-L", then "-L -n NICK -a" per nickname,
 * each followed by a bare "-L" whose header marks where that nickname's PEM ends, then "-K".
 * `ran` tells whether `before` ran through (the listing's first header was printed); the
 * listing is null when the batch did not run to its end. Null when a nickname cannot be quoted.
 */
export async function runBatch(t: BatchTarget, dir: PrivateDir, name: string, before: string[], nicknames: string[]): Promise<{ ran: boolean; listing: Listing | null } | null> {
  if (!nicknames.every(batchSafe)) return null;
  const lines = [...before, '-L', ...nicknames.flatMap((n) => [`-L -n "${n}" -a`, '-L']), '-K'];
  const batch = await dir.write(name, lines.join('\n') + '\n');
  const r = await t.run('certutil', ['-B', '-i', batch, '-d', t.db], { timeoutMs: t.timeoutMs });
  // '' before the first header, then each nickname's PEM, then the keys.
  const parts = r.stdout.split(/^Certificate Nickname\s+Trust Attributes\s*$/m);
  const ran = parts.length > 1;
  if (parts.length !== nicknames.length + 2) return { ran, listing: null };
  // A database without keys fails the last command ("no keys found"): an empty key list.
  if (r.code !== 0 && !/no keys found/i.test(r.stderr + r.stdout)) return { ran, listing: null };
  const certs = new Map<string, Uint8Array[]>();
  for (const [i, n] of nicknames.entries()) {
    const pem = parts[i + 1] ?? '';
    certs.set(n, pem.includes('-----BEGIN CERTIFICATE-----') ? pemToDer(pem, 'CERTIFICATE') : []);
  }
  // certutil prints the listing's header unbuffered but its rows through stdio, flushed
  // at exit: the rows gather at the end, so they are read from the whole output.
  const rows = visible(parseCertList(r.stdout));
  return { ran, listing: { rows, certs, keysText: r.code === 0 ? (parts[nicknames.length + 1] ?? '') : '' } };
}

/** A listing batch of these nicknames (no writes); null when it did not run through. */
export async function readBatch(t: BatchTarget, nicknames: string[]): Promise<Listing | null> {
  if (!nicknames.every(batchSafe)) return null;
  const r = await withPrivateDir(t.tempRoot, (dir) => runBatch(t, dir, 'list.batch', [], nicknames));
  return r?.listing ?? null;
}

/**
 * The whole listing in one process when `guess` names the db's nicknames (those of the last
 * listing, the usual case), in two when they changed; null when no batch ran through.
 */
export async function readListing(t: BatchTarget, guess: string[]): Promise<Listing | null> {
  let b = await readBatch(t, guess);
  if (!b && guess.length > 0) b = await readBatch(t, []);
  if (b && !complete(b)) b = await readBatch(t, uniqueNicknames(b.rows));
  return b && complete(b) ? b : null;
}

/** Every nickname the -L rows show was asked for, and no other. */
export function complete(l: Listing): boolean {
  return sameSet(l.rows, [...l.certs.keys()]);
}

/** Roots of a loaded trust module (p11-kit in some Firefox profiles) are not ours to list. */
export function visible(rows: NssCertRow[]): NssCertRow[] {
  return rows.filter((row) => !row.nickname.startsWith('Builtin Object Token:'));
}

export function uniqueNicknames(rows: NssCertRow[] | string[]): string[] {
  return [...new Set(rows.map((r) => (typeof r === 'string' ? r : r.nickname)))];
}

export function sameSet(rows: NssCertRow[] | string[], nicknames: string[]): boolean {
  const a = uniqueNicknames(rows);
  return a.length === new Set(nicknames).size && a.every((n) => nicknames.includes(n));
}

/** certutil's batch lines are split on blanks outside double quotes, with no escapes. */
export function batchSafe(value: string): boolean {
  return value.length > 0 && !/["\\\r\n]/.test(value);
}
