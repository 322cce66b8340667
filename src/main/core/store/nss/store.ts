// The Linux adapter: an NSS shared database (Chrome/Chromium's ~/.pki/nssdb, or a Firefox
// profile) driven through certutil, pk12util and vfychain.
//
// NSS files every certificate of one subject under one nickname (pk12util reuses the
// nickname already given to that subject), and the private key under its CKA_ID. A renewed
// certificate repeats its subject, so the old and new ones share a nickname: the adapter
// therefore names nothing by nickname alone. It tells certificates apart by fingerprint,
// keys by CKA_ID, and removal deletes the key by id, then the certificate object itself.
import { randomBytes, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CoreError } from '../../errors';
import { buildPkcs12, derToPem, pemToDer } from '../../pki';
import { certFacts, chainsToAnchor, normHex, verifyTrusted, readableName, tryCertFacts, type CertFacts } from '../certs';
import { createCommandRunner } from '../runner';
import { withPrivateDir } from '../temp';
import type { CertificateStore, CommandRunner, InstallOptions, StoredIdentity } from '../types';
import { nssFailure, type NssAction } from './errors';
import { bagsOf, keyBagFor, privateKeyOf } from './key-bag';
import { batchSafe, complete, dbStamp, readListing, runBatch, uniqueNicknames, visible, type BatchTarget, type Listing } from './listing';
import { parseCertList, parseKeyList } from './parse';
import type { PrefetchedIdentity, PrefetchedListing } from '../prefetch';
import { exportNickname } from './export';

export interface NssStoreOptions {
  /** Default: ~/.pki/nssdb, the database Chrome and Chromium read. */
  dbDir?: string;
  /** Create the database when missing (default: only for ~/.pki/nssdb, like Chromium). */
  create?: boolean;
  run?: CommandRunner;
  /** Where the private temporary folders go (default: the OS temp folder). */
  tempRoot?: string;
  /** Per tool call, ms. */
  timeoutMs?: number;
  /** A listing the caller started early (the command line, while the code loads): used if the db is unchanged since. */
  prefetched?: PrefetchedListing;
}

interface Entry {
  facts: CertFacts;
  nickname: string;
  trust: string;
  hasKey: boolean;
}

const CLIENT_CA_TRUST = 'CT,,';

export function defaultNssDbDir(): string {
  return join(homedir(), '.pki', 'nssdb');
}

export async function openNssStore(opts: NssStoreOptions = {}): Promise<CertificateStore> {
  const dbDir = resolve(opts.dbDir ?? defaultNssDbDir());
  const create = opts.create ?? opts.dbDir === undefined;
  const store = new NssStore(dbDir, opts.run ?? createCommandRunner(), opts.tempRoot, opts.timeoutMs ?? 60_000, opts.prefetched?.dbDir === dbDir ? opts.prefetched : undefined);
  await store.open(create);
  return store;
}

class NssStore implements CertificateStore {
  readonly kind = 'nss' as const;
  readonly lockFile: string;
  private readonly db: string;
  /**
   * The last listing, valid while cert9.db and key4.db are unchanged on disk (any writer,
   * a browser included, changes them; reading does not). Our own writes drop it as well.
   */
  private cached: { stamp: string; entries: Entry[] } | null = null;
  /** vfychain started right after an install, for verifyInstalled while the db is unchanged. */
  private verdict: { sha256: string; stamp: string; result: Promise<string | null> } | null = null;
  /** The identity export the command line started early (prefetch), until exportIdentity takes it. */
  private prefetchedIdentity: Promise<PrefetchedIdentity | null> | undefined;
  /** The nicknames of the last listing: the next one asks for them in the same process. */
  private nicknames: string[] = [];

  constructor(
    private readonly dbDir: string,
    private readonly run: CommandRunner,
    private readonly tempRoot: string | undefined,
    private readonly timeoutMs: number,
    private prefetched: PrefetchedListing | undefined,
  ) {
    this.db = `sql:${dbDir}`;
    this.lockFile = join(dbDir, 'certdesk-renewal.lock');
    this.prefetchedIdentity = prefetched?.identity;
  }

  private get target(): BatchTarget {
    return { db: this.db, run: this.run, tempRoot: this.tempRoot, timeoutMs: this.timeoutMs };
  }

  describe(): string {
    return `NSS db ${this.dbDir}`;
  }

  async open(create: boolean): Promise<void> {
    if (!existsSync(join(this.dbDir, 'cert9.db'))) {
      if (!create) {
        throw new CoreError('STORE_UNAVAILABLE', `There is no NSS certificate database in ${this.dbDir}. Start the browser once to create it, or check the folder set in policy.`, { reason: 'DB_MISSING' });
      }
      try {
        await mkdir(this.dbDir, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new CoreError('STORE_UNAVAILABLE', `The folder ${this.dbDir} could not be created (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the permissions of your home folder.`, { reason: 'DB_MISSING' }, { cause: err });
      }
      // What Chromium does on first start: a shared sql database without a password.
      await this.tool('certutil', ['-N', '--empty-password', '-d', this.db], 'write');
    }
    // The first listing proves the db readable and serves the list() that follows. Only
    // what certutil -L refuses stops the opening: a key store behind a password, say,
    // fails the calls that need the keys.
    try {
      await this.entries();
    } catch {
      await this.tool('certutil', ['-L', '-d', this.db], 'read');
    }
  }

  async list(anchorsDer: Uint8Array[]): Promise<StoredIdentity[]> {
    const entries = await this.entries();
    const pool = entries.filter((e) => e.facts.isCA).map((e) => e.facts.der);
    const out: StoredIdentity[] = [];
    for (const e of entries) {
      if (e.facts.isCA) continue;
      if (chainsToAnchor(e.facts, pool, anchorsDer)) out.push(identity(e));
    }
    return out;
  }

  async install(opts: InstallOptions): Promise<StoredIdentity> {
    const facts = certFacts(opts.certificateDer);
    assertKeyMatches(opts.privateKeyPkcs8, opts.certificateDer);
    const before = await this.entries();
    const existing = before.find((e) => e.facts.sha256 === facts.sha256);
    if (existing?.hasKey) return identity(existing);

    const nickname = existing?.nickname ?? sameSubjectNickname(before, facts) ?? uniqueNickname(before, readableName(facts));
    const chainDer = opts.chainDer.filter((c) => {
      const f = certFacts(c);
      return !f.selfSigned && f.sha256 !== facts.sha256;
    });
    const password = randomBytes(24).toString('base64url');
    const pkcs12 = await buildPkcs12({ privateKeyPkcs8: opts.privateKeyPkcs8, certificateDer: opts.certificateDer, chainDer, friendlyName: nickname, password, profile: 'modern' });
    await withPrivateDir(this.tempRoot, async (dir) => {
      const p12File = await dir.write('identity.p12', pkcs12);
      // pk12util reads both passwords from files: nothing secret appears in the process list.
      const pwFile = await dir.write('p12.pw', password);
      const dbPwFile = await dir.write('db.pw', '');
      await this.tool('pk12util', ['-i', p12File, '-d', this.db, '-w', pwFile, '-k', dbPwFile], 'write');
    });

    // NSS's verdict (vfychain) runs beside the read-back listing: both read the db as the
    // write left it, and verifyInstalled takes the verdict only if the db is still that.
    const stamp = this.stamp();
    const verdict = this.vfychain(facts.der);
    verdict.catch(() => undefined);
    let after: Entry[];
    try {
      after = await this.entries();
    } catch (err) {
      await verdict.catch(() => undefined);
      throw err;
    }
    this.verdict = stamp === null ? null : { sha256: facts.sha256, stamp, result: verdict };
    const installed = after.find((e) => e.facts.sha256 === facts.sha256);
    // A failed install does not leave vfychain running behind it.
    if (!installed?.hasKey) await verdict.catch(() => undefined);
    if (!installed) {
      throw new CoreError('STORE_WRITE_FAILED', `pk12util reported success but the certificate is not in ${this.describe()}. Close all browsers and try again.`, { reason: 'NOT_LISTED' });
    }
    if (!installed.hasKey) {
      throw new CoreError('KEY_MISSING', `The certificate was written into ${this.describe()} but its private key is not there. Close all browsers and try again.`, { reason: 'KEY_NOT_LISTED' });
    }
    return identity(installed);
  }

  async verifyInstalled(fingerprint: string, anchorsDer: Uint8Array[]): Promise<StoredIdentity> {
    const fp = normHex(fingerprint);
    const entries = await this.entries();
    const e = entries.find((x) => x.facts.sha256 === fp);
    if (!e) throw new CoreError('VERIFY_FAILED', `The certificate ${fp.slice(0, 16)}… is not in ${this.describe()}.`, { reason: 'NOT_IN_STORE' });
    if (!e.hasKey) throw new CoreError('KEY_MISSING', `The certificate is in ${this.describe()} but its private key is not: it cannot be used to log in. Renew or re-obtain it.`, { reason: 'KEY_NOT_LISTED' });
    const pool = entries.filter((x) => x.facts.isCA).map((x) => x.facts.der);
    if (!(await verifyTrusted(e.facts, pool, anchorsDer))) {
      throw new CoreError('VERIFY_FAILED', `The certificate in ${this.describe()} does not chain to the bank's trust anchor or is not valid today.`, { reason: 'UNTRUSTED_CHAIN' });
    }
    // NSS's own verdict for the usage the browser needs (SSL client), on this exact
    // certificate: certutil -V takes a nickname, which a renewed holder shares with its
    // previous certificate.
    const kept = this.verdict;
    this.verdict = null;
    const rejected = kept && kept.sha256 === fp && kept.stamp === this.stamp() ? await kept.result : await this.vfychain(e.facts.der);
    if (rejected !== null) throw nssRejected(this.describe(), rejected);
    return identity(e);
  }

  /** vfychain -u 0 on this exact certificate: null when NSS accepts it, else what it said. */
  private async vfychain(der: Uint8Array): Promise<string | null> {
    return withPrivateDir(this.tempRoot, async (dir) => {
      const file = await dir.write('leaf.pem', derToPem(der, 'CERTIFICATE'));
      const c = await this.run('vfychain', ['-d', this.db, '-u', '0', '-a', file], { timeoutMs: this.timeoutMs });
      return c.code !== 0 || /chain is bad/i.test(c.stdout + c.stderr) ? c.stdout + c.stderr : null;
    });
  }

  async remove(fingerprint: string): Promise<void> {
    const fp = normHex(fingerprint);
    const entries = await this.entries();
    const target = entries.find((e) => e.facts.sha256 === fp);
    if (!target) return;
    const siblings = entries.filter((e) => e.nickname === target.nickname && e.facts.sha256 !== fp);
    const oneRun = await this.removeInOneRun(target, siblings);
    if (!oneRun) {
      // The one-process removal stopped midway (or cannot be written as a batch): put back
      // what it may have taken, then remove step by step with a check after each step.
      await this.readdMissing(target.nickname, siblings.map((x) => x.facts.der));
      const now = (await this.entries()).find((e) => e.facts.sha256 === fp);
      if (now) {
        // -F -k deletes exactly this key (by CKA_ID); the certificate object stays.
        if (now.hasKey && now.facts.keyId) await this.tool('certutil', ['-F', '-k', now.facts.keyId, '-d', this.db], 'write');
        await this.deleteCertificate(now);
      }
    }
    // The batch ends with a listing of the db as the removal left it (the same process,
    // after its writes): that is the confirmation; otherwise a fresh listing is.
    const after = Array.isArray(oneRun) ? oneRun : await this.entries();
    const left = after.find((e) => e.facts.sha256 === fp);
    if (left) throw new CoreError('STORE_WRITE_FAILED', `The certificate could not be removed from ${this.describe()}. Close all browsers and try again.`, { reason: 'STILL_LISTED' });
    for (const e of entries) {
      if (e.facts.sha256 === fp) continue;
      const now = after.find((a) => a.facts.sha256 === e.facts.sha256);
      if (!now || (e.hasKey && !now.hasKey)) {
        throw new CoreError('STORE_WRITE_FAILED', `Removing one certificate disturbed another in ${this.describe()} (${e.nickname}). Re-install it with CertDesk.`, { reason: 'COLLATERAL' });
      }
    }
  }

  /**
   * One certutil batch: the key by its CKA_ID, then every certificate of the nickname (-D -n
   * takes whichever NSS picks, for a renewed holder the newer one first: certutil cannot
   * delete by DER), then the other certificates back (their keys stayed under their
   * CKA_IDs, so they are re-associated). False when it did not run to its end; the caller's
   * read-back judges the result either way.
   */
  /**
   * The removal as one certutil batch, followed in the same process by a listing of what it
   * left: the entries then, true when the removal ran through but the listing did not, false
   * when the removal stopped (certutil -B stops at the first failing command).
   */
  private async removeInOneRun(target: Entry, siblings: Entry[]): Promise<Entry[] | boolean> {
    if (!batchSafe(target.nickname)) return false;
    const lines: string[] = [];
    if (target.hasKey && target.facts.keyId) lines.push(`-F -k ${target.facts.keyId}`);
    for (let i = 0; i <= siblings.length; i++) lines.push(`-D -n "${target.nickname}"`);
    const listed = siblings.length > 0 ? this.nicknames : this.nicknames.filter((n) => n !== target.nickname);
    const r = await withPrivateDir(this.tempRoot, async (dir) => {
      for (const [i, sib] of siblings.entries()) {
        const file = await dir.write(`sibling${i}.der`, sib.facts.der);
        if (!batchSafe(file)) return null;
        lines.push(`-A -n "${target.nickname}" -t ",," -i "${file}"`);
      }
      return runBatch(this.target, dir, 'remove.batch', lines, listed);
    });
    this.cached = null;
    if (!r) return false;
    if (r.listing && complete(r.listing)) {
      this.nicknames = [...r.listing.certs.keys()];
      return entriesOf(r.listing);
    }
    // The listing's nicknames were not all there (or the last -K failed): did the removal
    // itself run through? Its commands print nothing, so a listing header means it did.
    return r.ran;
  }

  private async readdMissing(nickname: string, ders: Uint8Array[]): Promise<void> {
    if (ders.length === 0) return;
    const present = new Set((await this.certsOf(nickname)).map((d) => certFacts(d).sha256));
    for (const d of ders) {
      if (present.has(certFacts(d).sha256)) continue;
      await withPrivateDir(this.tempRoot, async (dir) => {
        const file = await dir.write('cert.der', d);
        await this.tool('certutil', ['-A', '-n', nickname, '-t', ',,', '-i', file, '-d', this.db], 'write');
      });
    }
  }

  /**
   * certutil -D -n deletes one certificate object of the nickname's subject, the one NSS
   * picks. Delete until the target is gone, then put back any sibling deleted before it
   * (its key is still in the db under its CKA_ID, so it is re-associated).
   */
  private async deleteCertificate(target: Entry): Promise<void> {
    const deleted: Uint8Array[] = [];
    const siblings = (await this.certsOf(target.nickname)).length;
    for (let i = 0; i < siblings; i++) {
      const before = await this.certsOf(target.nickname);
      await this.tool('certutil', ['-D', '-n', target.nickname, '-d', this.db], 'write');
      const now = new Set((await this.certsOf(target.nickname)).map((d) => certFacts(d).sha256));
      for (const d of before) {
        const f = certFacts(d);
        if (!now.has(f.sha256) && f.sha256 !== target.facts.sha256) deleted.push(d);
      }
      if (!now.has(target.facts.sha256)) break;
    }
    for (const d of deleted) {
      await withPrivateDir(this.tempRoot, async (dir) => {
        const file = await dir.write('cert.der', d);
        await this.tool('certutil', ['-A', '-n', target.nickname, '-t', ',,', '-i', file, '-d', this.db], 'write');
      });
    }
  }

  async installCaCertificates(caDer: Uint8Array[], opts: { intoRoot: boolean }): Promise<void> {
    for (const der of caDer) {
      const f = certFacts(der);
      if (!f.isCA) throw new CoreError('INVALID_INPUT', `"${f.commonName}" is not a CA certificate and was not installed as one.`, { reason: 'NOT_CA' });
      // A self-signed root becomes a trust anchor of every NSS user (the browser included):
      // only when policy says so.
      if (f.selfSigned && !opts.intoRoot) continue;
      const entries = await this.entries();
      const present = entries.find((e) => e.facts.sha256 === f.sha256);
      if (present) {
        if (present.trust.replace(/\s/g, '') !== CLIENT_CA_TRUST) {
          await this.tool('certutil', ['-M', '-n', present.nickname, '-t', CLIENT_CA_TRUST, '-d', this.db], 'write');
          // A trust edit changes nothing else a listing shows: the listing kept goes on with the
          // new trust (one certutil run less before the install, which lists again after it).
          this.keep(entries.map((e) => (e === present ? { ...e, trust: CLIENT_CA_TRUST } : e)));
        }
        continue;
      }
      const nickname = sameSubjectNickname(entries, f) ?? uniqueNickname(entries, f.commonName || 'CertDesk CA');
      await withPrivateDir(this.tempRoot, async (dir) => {
        const file = await dir.write('ca.der', der);
        await this.tool('certutil', ['-A', '-n', nickname, '-t', CLIENT_CA_TRUST, '-i', file, '-d', this.db], 'write');
      });
      const listed = (await this.entries()).find((e) => e.facts.sha256 === f.sha256);
      if (!listed) throw new CoreError('STORE_WRITE_FAILED', `certutil reported success but the CA certificate "${f.commonName}" is not in ${this.describe()}.`, { reason: 'NOT_LISTED' });
    }
  }

  async exportIdentity(fingerprint: string): Promise<{ certPem: string; keyPem: string }> {
    const fp = normHex(fingerprint);
    const entries = await this.entries();
    const e = entries.find((x) => x.facts.sha256 === fp);
    if (!e) throw new CoreError('NO_CERTIFICATE', `The certificate ${fp.slice(0, 16)}… is not in ${this.describe()}.`, { reason: 'NOT_IN_STORE' });
    if (!e.hasKey) throw new CoreError('KEY_MISSING', `The certificate is in ${this.describe()} but its private key is not.`, { reason: 'KEY_NOT_LISTED' });
    // pk12util -o takes a nickname and exports the newest of that subject's certificates.
    if (entries.some((x) => x.nickname === e.nickname && x.facts.sha256 !== fp && x.facts.notBefore >= e.facts.notBefore)) {
      throw new CoreError('STORE_UNAVAILABLE', `NSS would export a newer certificate of the same holder in place of ${fp.slice(0, 16)}… from ${this.describe()}: use the newest certificate, or remove the newer one first.`, { reason: 'NOT_EXPORTABLE' });
    }
    // The export the command line started early, when it is of this nickname on an unchanged db.
    const pre = await this.takePrefetchedIdentity(e.nickname);
    const { pkcs12, password } = pre ?? (await exportNickname(this.target, this.dbDir, e.nickname));
    // Only the key bag is decrypted (one PBKDF2 where a TLS load of the file runs two: MAC and
    // key). The key stays in memory; the caller's TLS context checks that it matches the
    // certificate, which is the listed one with this exact fingerprint.
    // pk12util adds the holder's CA certificates: they go out with the leaf, as from the file.
    // It also exports the holder's older certificates of the nickname, each with its key.
    const bags = bagsOf(pkcs12);
    const bag = keyBagFor(bags, e.facts.der);
    const early = pre?.only && Buffer.from(pre.only.keyBag).equals(Buffer.from(bag)) ? await pre.only.key : null;
    const keyPem = (early ?? (await privateKeyOf(bag, password))).export({ format: 'pem', type: 'pkcs8' }).toString();
    const cas = bags.certs.filter((c) => c.localKeyId === undefined).map((c) => c.der);
    return { certPem: [e.facts.der, ...cas].map((d) => derToPem(d, 'CERTIFICATE')).join(''), keyPem };
  }

  // ---- reading the db ----

  private async entries(): Promise<Entry[]> {
    const stamp = this.stamp();
    if (this.cached && stamp !== null && this.cached.stamp === stamp) return this.cached.entries;
    const entries = (await this.takePrefetched(stamp)) ?? (await this.readEntries());
    // Stamped before reading: a write during the listing makes the next call read again.
    this.cached = stamp === null ? null : { stamp, entries };
    return entries;
  }

  /** The early listing, once, if the db is still as it was when that listing started. */
  private async takePrefetched(stamp: string | null): Promise<Entry[] | null> {
    const pre = this.prefetched;
    this.prefetched = undefined;
    if (!pre || stamp === null || pre.stamp !== stamp) return null;
    const listing = await pre.listing.catch(() => null);
    if (!listing || this.stamp() !== stamp) return null;
    this.nicknames = [...listing.certs.keys()];
    return entriesOf(listing);
  }

  /** The identity export started early, once, if it is of this nickname and the db is unchanged since it started. */
  private async takePrefetchedIdentity(nickname: string): Promise<PrefetchedIdentity | null> {
    const pending = this.prefetchedIdentity;
    this.prefetchedIdentity = undefined;
    if (!pending) return null;
    const stamp = this.stamp();
    const pre = await pending;
    return pre && pre.nickname === nickname && stamp !== null && pre.stamp === stamp ? pre : null;
  }

  /** Keeps a listing the adapter itself brought up to date after its own write. */
  private keep(entries: Entry[]): void {
    const stamp = this.stamp();
    this.cached = stamp === null ? null : { stamp, entries };
  }

  private stamp(): string | null {
    return dbStamp(this.dbDir);
  }

  private async readEntries(): Promise<Entry[]> {
    let listing = await readListing(this.target, this.nicknames);
    if (!listing) {
      // The batch did not run through (a nickname vanished meanwhile, one cannot be quoted,
      // or the db refused): one tool run per question, whose failures say what is wrong.
      const rows = visible(parseCertList((await this.tool('certutil', ['-L', '-d', this.db], 'read')).stdout));
      const certs = new Map<string, Uint8Array[]>();
      for (const n of uniqueNicknames(rows)) certs.set(n, await this.certsOf(n));
      const keysText = (await this.tool('certutil', ['-K', '-d', this.db], 'read', true)).stdout;
      listing = { rows, certs, keysText };
    }
    this.nicknames = [...listing.certs.keys()];
    return entriesOf(listing);
  }

  /** Every certificate NSS files under this nickname (all of its subject's). */
  private async certsOf(nickname: string): Promise<Uint8Array[]> {
    const r = await this.run('certutil', ['-L', '-n', nickname, '-a', '-d', this.db], { timeoutMs: this.timeoutMs });
    if (r.code !== 0) {
      if (/Could not find cert/i.test(r.stderr)) return [];
      throw nssFailure('certutil', r, this.dbDir, 'read');
    }
    return pemToDer(r.stdout, 'CERTIFICATE');
  }

  private async tool(cmd: string, args: string[], action: NssAction, noKeys = false): Promise<{ stdout: string; stderr: string }> {
    if (action === 'write') this.cached = null;
    const r = await this.run(cmd, args, { timeoutMs: this.timeoutMs });
    if (action === 'write') this.cached = null;
    // certutil -K on a database without keys exits 255 with "no keys found"; that is an empty list.
    if (noKeys && r.code !== 0 && /no keys found/i.test(r.stderr + r.stdout)) return { stdout: '', stderr: r.stderr };
    if (r.code !== 0) throw nssFailure(cmd, r, this.dbDir, action);
    return r;
  }
}

function entriesOf({ rows, certs, keysText }: Listing): Entry[] {
  const keyIds = new Set(parseKeyList(keysText).map((k) => k.keyId));
  const seen = new Map<string, Entry>();
  for (const [n, ders] of certs) {
    const trust = rows.find((r) => r.nickname === n)?.trust ?? '';
    for (const der of ders) {
      const facts = tryCertFacts(der);
      if (!facts || seen.has(facts.sha256)) continue;
      seen.set(facts.sha256, { facts, nickname: n, trust, hasKey: facts.keyId !== null && keyIds.has(facts.keyId) });
    }
  }
  return [...seen.values()];
}

function identity(e: Entry): StoredIdentity {
  return { fingerprint: e.facts.sha256, certificateDer: e.facts.der, hasPrivateKey: e.hasKey, nickname: e.nickname };
}

function sameSubjectNickname(entries: Entry[], f: CertFacts): string | undefined {
  const subject = new X509Certificate(f.der).subject;
  return entries.find((e) => new X509Certificate(e.facts.der).subject === subject)?.nickname;
}

function uniqueNickname(entries: Entry[], base: string): string {
  const taken = new Set(entries.map((e) => e.nickname));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`;
}

function assertKeyMatches(pkcs8: Uint8Array, certDer: Uint8Array): void {
  let ours: Buffer;
  try {
    ours = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  } catch (err) {
    throw new CoreError('INVALID_INPUT', 'The private key to install is not a valid PKCS#8 key. This is a bug: export diagnostics and contact support.', { reason: 'BAD_KEY' }, { cause: err });
  }
  const theirs = new X509Certificate(certDer).publicKey.export({ format: 'der', type: 'spki' });
  if (!ours.equals(theirs)) {
    throw new CoreError('INVALID_INPUT', 'The private key does not belong to the certificate, so they were not installed. This is a bug: export diagnostics and contact support.', { reason: 'KEY_MISMATCH' });
  }
}

function nssRejected(where: string, output: string): CoreError {
  const line = output.trim().split(/\r?\n/).find((l) => /ERROR|invalid|bad/i.test(l)) ?? output.trim().split(/\r?\n/)[0] ?? '';
  return new CoreError('VERIFY_FAILED', `NSS does not accept the installed certificate for client authentication in ${where}: ${line.slice(0, 200)}. Make sure the bank's CA certificate is installed.`, { reason: 'NSS_REJECTED' });
}
