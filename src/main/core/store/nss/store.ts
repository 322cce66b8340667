// The Linux adapter: an NSS shared database (Chrome/Chromium's ~/.pki/nssdb, or a Firefox
// profile), read and edited through its token (PKCS#11, nss/token), written by pk12util and
// certutil, checked by vfychain.
//
// NSS files every certificate of one subject under one nickname (pk12util reuses the
// nickname already given to that subject), and the private key under its CKA_ID. A renewed
// certificate repeats its subject, so the old and new ones share a nickname: the adapter
// therefore names nothing by nickname alone. It tells certificates apart by their bytes
// (fingerprint), keys by CKA_ID, trust objects by their certificate's SHA-1.
import { randomBytes, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CoreError } from '../../errors';
import { killPoint } from '../../kill-points';
import { markOnce } from '../../timing';
import { buildPkcs12, derToPem } from '../../pki';
import { certFacts, chainChecker, commonNameOf, normHex, verifyTrusted, readableName, tryCertFacts, type CertFacts } from '../certs';
import { createCommandRunner } from '../runner';
import { withPrivateDir } from '../temp';
import type { CertificateStore, CommandRunner, InstallOptions, RemoveReport, StoredIdentity, VerifyOptions } from '../types';
import { nssFailure, type NssAction } from './errors';
import { bagsOf, keyBagFor, privateKeyOf } from './key-bag';
import { dbStamp, readListing, type Listing, type Trust } from './listing';
import { MUST_VERIFY, TRUSTED_DELEGATOR, withToken } from './token';
import type { PrefetchedListing } from '../prefetch';
import { exportNickname, type ToolTarget } from './export';
import type { KeyStorage } from '../../../../shared/policy';
import type { HasKeyCustodian, KeyCustodian } from '../custody';
import { createNssTokenCustodian } from './custody';
import { lendPrivateKey } from './lend';

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
  /** How describe() and the errors name the db (a Firefox profile, say). */
  label?: string;
  /** Runs before every write and may refuse it (Firefox must not hold the profile: it may start while CertDesk runs). */
  beforeWrite?: () => void;
}

interface Entry {
  facts: CertFacts;
  nickname: string;
  /** CKA_ID of the certificate object: its private key carries the same. */
  keyId: string;
  /** The certificate's trust object, if NSS keeps one for it. */
  trust: Trust | undefined;
  hasKey: boolean;
}

/** certutil's trust for a CA that is chain material only: no usage is trusted on its authority. */
const CHAIN_ONLY = ',,';

export function defaultNssDbDir(): string {
  return join(homedir(), '.pki', 'nssdb');
}

export async function openNssStore(opts: NssStoreOptions = {}): Promise<CertificateStore> {
  const dbDir = resolve(opts.dbDir ?? defaultNssDbDir());
  const create = opts.create ?? opts.dbDir === undefined;
  const store = new NssStore(dbDir, opts.run ?? createCommandRunner(), opts.tempRoot, opts.timeoutMs ?? 60_000, opts.prefetched?.dbDir === dbDir ? opts.prefetched : undefined, {
    label: opts.label ?? `NSS db ${dbDir}`,
    beforeWrite: opts.beforeWrite ?? (() => undefined),
  });
  await store.open(create);
  return store;
}

class NssStore implements CertificateStore, HasKeyCustodian {
  readonly kind = 'nss' as const;
  readonly lockFile: string;
  private readonly db: string;
  /**
   * The last listing, valid while cert9.db and key4.db are unchanged on disk (any writer,
   * a browser included, changes them; reading does not). Our own writes drop it as well.
   */
  private cached: { stamp: string; entries: Entry[] } | null = null;

  constructor(
    private readonly dbDir: string,
    private readonly run: CommandRunner,
    private readonly tempRoot: string | undefined,
    private readonly timeoutMs: number,
    private prefetched: PrefetchedListing | undefined,
    private readonly naming: { label: string; beforeWrite: () => void },
  ) {
    this.db = `sql:${dbDir}`;
    this.lockFile = join(dbDir, 'certdesk-renewal.lock');
  }

  private get target(): ToolTarget {
    return { db: this.db, run: this.run, tempRoot: this.tempRoot, timeoutMs: this.timeoutMs };
  }

  describe(): string {
    return this.naming.label;
  }

  /** keyStorage `store`: the db's own token makes and keeps the key (nss/custody). */
  keyCustodian(storage: KeyStorage): KeyCustodian | undefined {
    if (storage !== 'store') return undefined;
    return createNssTokenCustodian({ dbDir: this.dbDir, label: this.naming.label, beforeWrite: this.naming.beforeWrite });
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
    // The first listing proves the db readable and serves the list() that follows. A db
    // behind a password still opens: every call that reads it says so.
    try {
      await this.entries();
    } catch (err) {
      if (!(err instanceof CoreError && err.detail?.reason === 'DB_PASSWORD')) throw err;
    }
  }

  async list(anchorsDer: Uint8Array[]): Promise<StoredIdentity[]> {
    const entries = await this.entries();
    const chains = chainChecker(
      entries.filter((e) => e.facts.isCA).map((e) => e.facts.der),
      anchorsDer,
    );
    return entries.filter((e) => !e.facts.isCA && chains(e.facts)).map(identity);
  }

  async install(opts: InstallOptions): Promise<StoredIdentity> {
    this.naming.beforeWrite();
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
    const installed = (await this.entries()).find((e) => e.facts.sha256 === facts.sha256);
    if (!installed) {
      throw new CoreError('STORE_WRITE_FAILED', `pk12util reported success but the certificate is not in ${this.describe()}. Close all browsers and try again.`, { reason: 'NOT_LISTED' });
    }
    if (!installed.hasKey) {
      throw new CoreError('KEY_MISSING', `The certificate was written into ${this.describe()} but its private key is not there. Close all browsers and try again.`, { reason: 'KEY_NOT_LISTED' });
    }
    return identity(installed);
  }

  async verifyInstalled(fingerprint: string, anchorsDer: Uint8Array[], opts: VerifyOptions = {}): Promise<StoredIdentity> {
    const fp = normHex(fingerprint);
    const entries = await this.entries();
    const e = entries.find((x) => x.facts.sha256 === fp);
    if (!e) throw new CoreError('VERIFY_FAILED', `The certificate ${fp.slice(0, 16)}… is not in ${this.describe()}.`, { reason: 'NOT_IN_STORE' });
    if (!e.hasKey) throw new CoreError('KEY_MISSING', `The certificate is in ${this.describe()} but its private key is not: it cannot be used to log in.`, { reason: 'KEY_NOT_LISTED' });
    const pool = entries.filter((x) => x.facts.isCA).map((x) => x.facts.der);
    // NSS's own verdict runs beside ours: both read the same db. Skipped when the caller
    // already checked these bytes for client authentication (usageChecked): our chain check
    // below still reads the intermediates from this db, which is what vfychain would add.
    const nss = opts.usageChecked ? Promise.resolve(null) : anchorsDer.length > 0 ? this.vfychain(e.facts.der, anchorsDer) : Promise.resolve('no trust anchor');
    nss.catch(() => undefined);
    if (!(await verifyTrusted(e.facts, pool, anchorsDer))) {
      await nss.catch(() => undefined);
      throw new CoreError('VERIFY_FAILED', `The certificate in ${this.describe()} does not chain to the bank's trust anchor or is not valid today.`, { reason: 'UNTRUSTED_CHAIN' });
    }
    const rejected = await nss;
    if (rejected !== null) throw nssRejected(this.describe(), rejected);
    return identity(e);
  }

  /**
   * vfychain on this exact certificate for the usage the browser needs (SSL client),
   * through the intermediates in the db up to the pinned anchors given for this one run
   * (-t, which libpkix, -pp, honours alone): the db's own trust is not consulted, so the
   * verdict holds although no CA in the db is trusted. Null when NSS accepts it, else what
   * it said. (certutil -V takes a nickname, which a renewed holder shares with its
   * previous certificate.)
   */
  private async vfychain(der: Uint8Array, anchorsDer: Uint8Array[]): Promise<string | null> {
    return withPrivateDir(this.tempRoot, async (dir) => {
      const leaf = await dir.write('leaf.pem', derToPem(der, 'CERTIFICATE'));
      const anchors: string[] = [];
      for (const [i, a] of anchorsDer.entries()) anchors.push('-t', '-a', await dir.write(`anchor${i}.pem`, derToPem(a, 'CERTIFICATE')));
      const c = await this.run('vfychain', ['-d', this.db, '-pp', '-u', '0', '-a', leaf, ...anchors], { timeoutMs: this.timeoutMs });
      return c.code !== 0 || !/chain is good/i.test(c.stdout + c.stderr) ? c.stdout + c.stderr : null;
    });
  }

  /**
   * Removes exactly this certificate object and its key, by their own bytes and CKA_ID, in
   * two token sessions: the key first (and its public key object), then the trust object
   * and the certificate. Any state a kill leaves in between is a certificate without its
   * key, which the listing still shows and a second remove(fingerprint) finishes. A key
   * whose CKA_ID another certificate of the db uses stays. No other object is touched.
   *
   * Every removal is read back from the db opened anew: on a full disk the softoken can
   * accept a destroy that key4.db never records (issue 23). A key still there stops the
   * removal before the certificate goes, so the pair stays usable and the renewal's journal
   * (kept at removeOld) finishes the job on the next run.
   *
   * What else changed meanwhile is told apart from what this removal destroyed: another
   * writer (a browser, certutil) adding or deleting certificates beside a renewal is reported
   * in `changedByOthers`, never blamed on CertDesk; only a certificate or key this removal
   * itself destroyed beyond its target is COLLATERAL.
   */
  async remove(fingerprint: string): Promise<RemoveReport> {
    this.naming.beforeWrite();
    const fp = normHex(fingerprint);
    const entries = await this.entries();
    const target = entries.find((e) => e.facts.sha256 === fp);
    if (!target) return {};
    const der = Buffer.from(target.facts.der);
    this.cached = null;
    /** CKA_IDs whose key objects this removal destroyed, and the certificates (by SHA-256) it destroyed. */
    const destroyedKeys = new Set<string>();
    const destroyedCerts = new Set<string>();
    if (target.hasKey) {
      const destroyed = await withToken(this.dbDir, 'write', (t) => {
        const certs = t.certificates();
        if (certs.some((c) => c.keyId === target.keyId && !der.equals(c.der))) return false;
        const keys = t.keysWithId(target.keyId);
        for (const h of [...keys.privateKeys, ...keys.publicKeys]) t.destroy(h);
        return true;
      });
      if (destroyed) {
        destroyedKeys.add(target.keyId);
        const left = await withToken(this.dbDir, 'read', (t) => t.keysWithId(target.keyId).privateKeys.length);
        if (left > 0) throw keyNotRemoved(this.describe(), target.keyId, false);
      }
      killPoint('removeOld:keyGone');
      // A signal the process handles arrives between the two sessions, as it would in a real
      // kill at this point (promise callbacks alone never let it in).
      await new Promise((resolve) => setImmediate(resolve));
    }
    await withToken(this.dbDir, 'write', (t) => {
      const sha1 = target.facts.sha1;
      for (const tr of t.trustObjects()) if (tr.certSha1 === sha1) t.destroy(tr.handle);
      for (const c of t.certificates()) {
        if (!der.equals(c.der)) continue;
        t.destroy(c.handle);
        destroyedCerts.add(fp);
      }
    });
    const listing = await readListing(this.dbDir);
    const after = entriesOf(listing);
    if (after.some((e) => e.facts.sha256 === fp)) throw new CoreError('STORE_WRITE_FAILED', `The certificate could not be removed from ${this.describe()}. Close all browsers and try again.`, { reason: 'STILL_LISTED' });
    // The key read back once more: a certificate gone with its key still there would be an orphan no listing shows.
    if (destroyedKeys.has(target.keyId) && listing.keyIds.has(target.keyId) && !after.some((e) => e.keyId === target.keyId)) throw keyNotRemoved(this.describe(), target.keyId, true);
    const changedByOthers: string[] = [];
    for (const e of entries) {
      if (e.facts.sha256 === fp) continue;
      const now = after.find((a) => a.facts.sha256 === e.facts.sha256);
      const lostKey = e.hasKey && now !== undefined && !now.hasKey;
      if (now && !lostKey) continue;
      // Ours only if this removal destroyed it: the target's certificate bytes or key ID.
      if (destroyedCerts.has(e.facts.sha256) || (lostKey && destroyedKeys.has(e.keyId))) {
        throw new CoreError('STORE_WRITE_FAILED', `Removing one certificate disturbed another in ${this.describe()} (${e.nickname}). Re-install it with CertDesk.`, { reason: 'COLLATERAL' });
      }
      changedByOthers.push(`"${e.nickname}" (sha256 ${e.facts.sha256.slice(0, 16)}…) ${now ? 'lost its private key' : 'was removed'}`);
    }
    return changedByOthers.length > 0 ? { changedByOthers } : {};
  }

  /**
   * Private keys whose CKA_ID no certificate of the db carries (doctor reports them; a
   * renewal removes those CertDesk left: its working label, or a key its journal or ledger names).
   */
  async keysWithoutCertificate(): Promise<Array<{ keyId: string; label: string }>> {
    return withToken(this.dbDir, 'read', (t) => {
      const used = new Set(t.certificates().map((c) => c.keyId));
      return [...t.privateKeyIds()].filter((id) => !used.has(id)).map((keyId) => ({ keyId, label: t.keyLabel(keyId) }));
    });
  }

  /**
   * The bank's CA certificates go in as chain material only (trust ",,"): the browser needs
   * them to offer the client certificate and to send its chain, never to trust a server.
   * A self-signed root is never stored. Earlier CertDesk versions marked the issuing CA
   * CT,,: that exact trust on exactly that certificate is taken back; any other trust a
   * user set stays.
   */
  async installCaCertificates(caDer: Uint8Array[]): Promise<void> {
    this.naming.beforeWrite();
    for (const der of caDer) {
      const f = certFacts(der);
      if (!f.isCA) throw new CoreError('INVALID_INPUT', `"${commonNameOf(f)}" is not a CA certificate and was not installed as one.`, { reason: 'NOT_CA' });
      if (f.selfSigned) continue;
      const entries = await this.entries();
      const present = entries.find((e) => e.facts.sha256 === f.sha256);
      if (present) {
        if (present.trust && isEarlierClientCaTrust(present.trust)) await this.takeBackClientCaTrust(f);
        continue;
      }
      const nickname = sameSubjectNickname(entries, f) ?? uniqueNickname(entries, commonNameOf(f) || 'CertDesk CA');
      await withPrivateDir(this.tempRoot, async (dir) => {
        const file = await dir.write('ca.der', der);
        await this.tool('certutil', ['-A', '-n', nickname, '-t', CHAIN_ONLY, '-i', file, '-d', this.db], 'write');
      });
      const listed = (await this.entries()).find((e) => e.facts.sha256 === f.sha256);
      if (!listed) throw new CoreError('STORE_WRITE_FAILED', `certutil reported success but the CA certificate "${commonNameOf(f)}" is not in ${this.describe()}.`, { reason: 'NOT_LISTED' });
    }
  }

  /** CT,, → ,, on the trust object of exactly this certificate (by its SHA-1), checked again inside the write. */
  private async takeBackClientCaTrust(f: CertFacts): Promise<void> {
    this.cached = null;
    await withToken(this.dbDir, 'write', (t) => {
      for (const tr of t.trustObjects()) {
        if (tr.certSha1 === f.sha1 && isEarlierClientCaTrust(tr)) t.setTrust(tr.handle, { serverAuth: MUST_VERIFY, clientAuth: MUST_VERIFY });
      }
    });
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
    // The key straight from the token (nss/lend): no process, no PKCS#12, no PBKDF2.
    const lent = await lendPrivateKey(this.dbDir, e.keyId);
    if (lent) {
      const keyPem = lent.export({ format: 'pem', type: 'pkcs8' }).toString();
      return { certPem: [e.facts.der, ...issuersOf(e, entries)].map((d) => derToPem(d, 'CERTIFICATE')).join(''), keyPem };
    }
    // A token that will not wrap the key: pk12util -o.
    const { pkcs12, password } = await exportNickname(this.target, this.dbDir, e.nickname);
    // Only the key bag is decrypted (one PBKDF2 where a TLS load of the file runs two: MAC and
    // key). The key stays in memory; the caller's TLS context checks that it matches the
    // certificate, which is the listed one with this exact fingerprint.
    // pk12util adds the holder's CA certificates: they go out with the leaf, as from the file.
    // It also exports the holder's older certificates of the nickname, each with its key.
    const bags = bagsOf(pkcs12);
    const bag = keyBagFor(bags, e.facts.der);
    const keyPem = (await privateKeyOf(bag, password)).export({ format: 'pem', type: 'pkcs8' }).toString();
    const cas = bags.certs.filter((c) => c.localKeyId === undefined).map((c) => c.der);
    return { certPem: [e.facts.der, ...cas].map((d) => derToPem(d, 'CERTIFICATE')).join(''), keyPem };
  }

  // ---- reading the db ----

  private async entries(): Promise<Entry[]> {
    const stamp = this.stamp();
    if (this.cached && stamp !== null && this.cached.stamp === stamp) return this.cached.entries;
    const entries = entriesOf((await this.takePrefetched(stamp)) ?? (await readListing(this.dbDir)));
    // Stamped before reading: a write during the listing makes the next call read again.
    this.cached = stamp === null ? null : { stamp, entries };
    // The first listing read from the db: status's main phase (bench, BENCH_PHASES=1). Once
    // only: the renewal lists again while its key is made, which would split the keygen phase.
    markOnce('storeListed');
    return entries;
  }

  /** The early listing, once, if the db is still as it was when that listing started. */
  private async takePrefetched(stamp: string | null): Promise<Listing | null> {
    const pre = this.prefetched;
    this.prefetched = undefined;
    if (!pre || stamp === null || pre.stamp !== stamp) return null;
    const listing = await pre.listing.catch(() => null);
    return listing && this.stamp() === stamp ? listing : null;
  }

  private stamp(): string | null {
    return dbStamp(this.dbDir);
  }

  private async tool(cmd: string, args: string[], action: NssAction): Promise<{ stdout: string; stderr: string }> {
    if (action === 'write') this.cached = null;
    const r = await this.run(cmd, args, { timeoutMs: this.timeoutMs });
    if (action === 'write') this.cached = null;
    if (r.code !== 0) throw nssFailure(cmd, r, this.dbDir, action);
    return r;
  }
}

function entriesOf({ certs, keyIds, trust }: Listing): Entry[] {
  const seen = new Map<string, Entry>();
  for (const c of certs) {
    const facts = tryCertFacts(c.der);
    if (!facts || seen.has(facts.sha256)) continue;
    seen.set(facts.sha256, { facts, nickname: c.nickname, keyId: c.keyId, trust: trust.get(facts.sha1), hasKey: c.keyId !== '' && keyIds.has(c.keyId) });
  }
  return [...seen.values()];
}

/** Exactly what `certutil -t CT,,` writes: server and client auth anchor, nothing else. */
function isEarlierClientCaTrust(t: Trust): boolean {
  return t.serverAuth === TRUSTED_DELEGATOR && t.clientAuth === TRUSTED_DELEGATOR && t.emailProtection === MUST_VERIFY && t.codeSigning === MUST_VERIFY;
}

/** The db's CA certificates above this one, issuer first (what pk12util -o adds): the chain the TLS client sends. */
function issuersOf(e: Entry, entries: Entry[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur = e.facts;
  for (let depth = 0; depth < 8; depth++) {
    const up = entries.find((x) => x.facts.isCA && x.facts.sha256 !== cur.sha256 && !out.includes(x.facts.der) && cur.cert.checkIssued(x.facts.cert) && safeVerify(cur, x.facts));
    if (!up) break;
    out.push(up.facts.der);
    if (up.facts.selfSigned) break;
    cur = up.facts;
  }
  return out;
}

function safeVerify(child: CertFacts, issuer: CertFacts): boolean {
  try {
    return child.cert.verify(issuer.cert.publicKey);
  } catch {
    return false;
  }
}

function identity(e: Entry): StoredIdentity {
  return { fingerprint: e.facts.sha256, certificateDer: e.facts.der, hasPrivateKey: e.hasKey, nickname: e.nickname };
}

function sameSubjectNickname(entries: Entry[], f: CertFacts): string | undefined {
  return entries.find((e) => e.facts.subject === f.subject)?.nickname;
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

function keyNotRemoved(where: string, keyId: string, certificateGone: boolean): CoreError {
  const state = certificateGone
    ? 'The certificate is gone but its private key is still there; CertDesk removes that key at the next renewal.'
    : 'The certificate and its key were both left in place, and the next run removes them.';
  return new CoreError('STORE_WRITE_FAILED', `The private key (ID ${keyId.slice(0, 16)}…) could not be deleted from ${where}: the db did not record the deletion (is its disk full?). ${state} Free some disk space and run CertDesk again.`, { reason: 'KEY_NOT_REMOVED', keyId, certificateGone });
}

function nssRejected(where: string, output: string): CoreError {
  const line = output.trim().split(/\r?\n/).find((l) => /ERROR|invalid|bad/i.test(l)) ?? output.trim().split(/\r?\n/)[0] ?? '';
  return new CoreError('VERIFY_FAILED', `NSS does not accept the installed certificate for client authentication in ${where}: ${line.slice(0, 200)}. Make sure the bank's CA certificate is installed.`, { reason: 'NSS_REJECTED' });
}
