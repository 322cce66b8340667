// The Linux adapter: an NSS shared database (Chrome/Chromium's ~/.pki/nssdb, or a Firefox
// profile), read and edited through its token (the PKCS#11 layer's softoken target,
// pkcs11/softoken), written by pk12util and certutil, checked by vfychain.
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
import { markOnce } from '../../timing';
import { buildPkcs12, derToPem } from '../../pki';
import { certFacts, chainChecker, commonNameOf, issuerChain, nicknameFor, normHex, verifyTrusted, readableName, type CertFacts } from '../certs';
import { MUST_VERIFY, TRUSTED_DELEGATOR } from '../pkcs11/constants';
import { trustObjects, setTrust } from '../pkcs11/nss-trust';
import { certificates, privateKeys } from '../pkcs11/objects';
import { withNssToken } from '../pkcs11/softoken';
import { createCommandRunner } from '../runner';
import { withPrivateDir } from '../temp';
import type { CertificateStore, CommandRunner, InstallOptions, RemoveReport, StoredIdentity, VerifyOptions } from '../types';
import { nssFailure, type NssAction } from './errors';
import { bagsOf, keyBagFor, privateKeyOf } from './key-bag';
import { entriesOf, identity, type Entry } from './entries';
import { dbStamp, readListing, type Listing, type Trust } from './listing';
import { removeEntry } from './remove';
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

    const nickname = existing?.nickname ?? nicknameFor(before.map(named), facts.subject, readableName(facts));
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

  /** Exactly this certificate and its key (nss/remove.ts), read back from the db opened anew. */
  async remove(fingerprint: string): Promise<RemoveReport> {
    this.naming.beforeWrite();
    const entries = await this.entries();
    const target = entries.find((e) => e.facts.sha256 === normHex(fingerprint));
    if (!target) return {};
    this.cached = null;
    return removeEntry(this.dbDir, this.describe(), entries, target);
  }

  /**
   * Private keys whose CKA_ID no certificate of the db carries (doctor reports them; a
   * renewal removes those CertDesk left: its working label, or a key its journal or ledger names).
   */
  async keysWithoutCertificate(): Promise<Array<{ keyId: string; label: string }>> {
    return withNssToken(this.dbDir, 'read', (s) => {
      const used = new Set(certificates(s).map((c) => c.keyId));
      // One entry per CKA_ID, with the first key's label.
      const keys = new Map<string, string>();
      for (const k of privateKeys(s)) if (!keys.has(k.keyId)) keys.set(k.keyId, k.label);
      return [...keys].filter(([id]) => !used.has(id)).map(([keyId, label]) => ({ keyId, label }));
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
      const nickname = nicknameFor(entries.map(named), f.subject, commonNameOf(f) || 'CertDesk CA');
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
    await withNssToken(this.dbDir, 'write', (s) => {
      for (const tr of trustObjects(s)) {
        if (tr.certSha1 === f.sha1 && isEarlierClientCaTrust(tr)) setTrust(s, tr.handle, { serverAuth: MUST_VERIFY, clientAuth: MUST_VERIFY });
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
      const chain = issuerChain(e.facts, entries.map((x) => x.facts));
      return { certPem: [e.facts.der, ...chain].map((d) => derToPem(d, 'CERTIFICATE')).join(''), keyPem };
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

/** Exactly what `certutil -t CT,,` writes: server and client auth anchor, nothing else. */
/** How nicknameFor sees an entry. */
function named(e: Entry): { nickname: string; subject: string } {
  return { nickname: e.nickname, subject: e.facts.subject };
}

function isEarlierClientCaTrust(t: Trust): boolean {
  return t.serverAuth === TRUSTED_DELEGATOR && t.clientAuth === TRUSTED_DELEGATOR && t.emailProtection === MUST_VERIFY && t.codeSigning === MUST_VERIFY;
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
