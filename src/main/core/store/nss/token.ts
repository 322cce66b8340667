// NSS's own certificate token, read and edited through PKCS#11 (pkcs11js over the
// softoken, libsoftokn3): objects are addressed by their exact bytes (certificate DER, key
// CKA_ID, trust object), never by a nickname that a renewed holder shares with its previous
// certificate, and no tool output has to be parsed.
//
// The softoken is one instance per process (C_Initialize takes the db folder), so each
// operation initialises it on one db, runs to its end and finalises it, one at a time: a
// process (the tests) can use several dbs. Light on purpose (no certificate parsing): the
// command line starts a listing before the PKI code has loaded.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type * as Pkcs11Module from 'pkcs11js';
import { CoreError } from '../../errors';
import type { P11Session } from '../pkcs11/objects';

type Pkcs11 = InstanceType<typeof Pkcs11Module.PKCS11>;
type Handle = Buffer;

// NSS's vendor constants (nss/lib/util/pkcs11n.h).
const CKO_NSS_TRUST = 0xce534353;
const CKA_TRUST_SERVER_AUTH = 0xce536358;
const CKA_TRUST_CLIENT_AUTH = 0xce536359;
const CKA_TRUST_CODE_SIGNING = 0xce53635a;
const CKA_TRUST_EMAIL_PROTECTION = 0xce53635b;
const CKA_CERT_SHA1_HASH = 0xce5363b4;
/** CKT_NSS_TRUSTED_DELEGATOR: a trust anchor for that usage (certutil's C or T). */
export const TRUSTED_DELEGATOR = 0xce534352;
/** CKT_NSS_MUST_VERIFY_TRUST: no trust of its own, chain material only (certutil's empty field). */
export const MUST_VERIFY = 0xce534353;

// Standard PKCS#11 numbers, so that the module is not needed to name them.
const CKA_CLASS = 0x0;
const CKA_LABEL = 0x3;
const CKA_VALUE = 0x11;
const CKA_ID = 0x102;
const CKO_CERTIFICATE = 1;
const CKO_PUBLIC_KEY = 2;
const CKO_PRIVATE_KEY = 3;
const CKF_RW_SESSION = 0x2;
const CKF_SERIAL_SESSION = 0x4;
const CKF_LOGIN_REQUIRED = 0x4;
const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
const CKR_OBJECT_HANDLE_INVALID = 0x82;

const TOKEN_LABEL = 'NSS Certificate DB';

export interface TokenCert {
  handle: Handle;
  /** CKA_LABEL as NSS stores it: the nickname. */
  nickname: string;
  der: Uint8Array;
  /** CKA_ID, lowercase hex: the private key of this certificate carries the same. */
  keyId: string;
}

/** One CKO_NSS_TRUST object: the trust NSS gives one certificate, per usage. */
export interface TrustObject {
  handle: Handle;
  /** SHA-1 of the certificate it belongs to, lowercase hex. */
  certSha1: string;
  serverAuth: number;
  clientAuth: number;
  emailProtection: number;
  codeSigning: number;
}

export interface TokenSession {
  certificates(): TokenCert[];
  /** CKA_IDs (lowercase hex) of the private keys. */
  privateKeyIds(): Set<string>;
  /** CKA_LABEL of the private key with this CKA_ID ('' when it has none). */
  keyLabel(keyId: string): string;
  trustObjects(): TrustObject[];
  /** Handles of the key objects (private and public) with this CKA_ID. */
  keysWithId(keyId: string): { privateKeys: Handle[]; publicKeys: Handle[] };
  destroy(handle: Handle): void;
  setTrust(handle: Handle, usage: { serverAuth: number; clientAuth: number }): void;
  /** The open session itself, for the key custodian's own PKCS#11 operations (nss/custody). */
  raw(): P11Session;
}

export type TokenAccess = 'read' | 'write';

/** The install hint when the softoken cannot be loaded. */
const SOFTOKN_HINT = 'install libnss3 (Debian/Ubuntu: sudo apt-get install libnss3; Fedora: sudo dnf install nss-softokn)';

let loaded: Pkcs11 | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` on the db's token: initialise the softoken on `dbDir`, open a session, run,
 * finalise. One at a time in this process. `read` opens the db read-only (a listing never
 * writes, even on a read-only mount).
 */
export function withToken<T>(dbDir: string, access: TokenAccess, fn: (t: TokenSession) => T | Promise<T>): Promise<T> {
  const run = async () => {
    const p11 = await load();
    return onToken(p11, dbDir, access, fn);
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/**
 * The folders where distributions put NSS's libraries (libnss3 and libsoftokn3 side by side),
 * all owned by root: the only places a softoken is loaded from (softoknPath).
 */
export function softoknCandidates(arch: string = process.arch): string[] {
  const triplet = ({ x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', arm: 'arm-linux-gnueabihf', ia32: 'i386-linux-gnu', ppc64: 'powerpc64le-linux-gnu', s390x: 's390x-linux-gnu', riscv64: 'riscv64-linux-gnu' } as Record<string, string>)[arch];
  const dirs = [
    // Debian and Ubuntu (multiarch).
    ...(triplet ? [`/usr/lib/${triplet}`, `/lib/${triplet}`, `/usr/lib/${triplet}/nss`] : []),
    // Fedora, RHEL, openSUSE (64-bit), then Arch and others.
    '/usr/lib64',
    '/usr/lib64/nss',
    '/usr/lib',
    '/usr/lib/nss',
    // Not /usr/local/lib: Debian makes /usr/local group-writable by "staff" (2775 root:staff).
  ];
  return dirs.map((d) => join(d, 'libsoftokn3.so'));
}

/**
 * The softoken to load: the first system one that exists, or CERTDESK_SOFTOKN when it names
 * one of the system's places (softoknCandidates: root-owned library folders of Debian/Ubuntu
 * multiarch, Fedora/RHEL/openSUSE lib64, Arch and Alpine /usr/lib), to pick one where several
 * are installed (a multiarch PC). Any other path is refused: the library is dlopen()ed into
 * CertDesk, so a variable any program of the user can set must not choose code to run there.
 */
export function softoknPath(requested: string | undefined, arch: string = process.arch): string | undefined {
  const candidates = softoknCandidates(arch);
  if (requested === undefined || requested === '') return candidates.find((p) => existsSync(p));
  if (!candidates.includes(requested)) {
    throw new CoreError(
      'STORE_UNAVAILABLE',
      `CERTDESK_SOFTOKN names ${requested}, which is not one of the system's NSS softoken places (${candidates.join(', ')}); CertDesk loads NSS's softoken only from there. Unset CERTDESK_SOFTOKN, or ${SOFTOKN_HINT}.`,
      { reason: 'SOFTOKN_REFUSED' },
    );
  }
  return requested;
}

async function load(): Promise<Pkcs11> {
  if (loaded) return loaded;
  let mod: typeof Pkcs11Module;
  try {
    const m = (await import('pkcs11js')) as typeof Pkcs11Module & { default?: typeof Pkcs11Module };
    mod = m.default ?? m;
  } catch (err) {
    throw new CoreError('STORE_UNAVAILABLE', 'The PKCS#11 module of CertDesk (pkcs11js) could not be loaded, so the NSS database cannot be read. Reinstall CertDesk.', { reason: 'PKCS11_MISSING' }, { cause: err });
  }
  const path = softoknPath(process.env.CERTDESK_SOFTOKN);
  if (!path || !existsSync(path)) {
    throw new CoreError('STORE_UNAVAILABLE', `NSS's softoken (${path ?? 'libsoftokn3.so'}) was not found, so the NSS database cannot be read: ${SOFTOKN_HINT}.`, { reason: 'SOFTOKN_MISSING' });
  }
  const p11 = new mod.PKCS11();
  try {
    p11.load(path);
  } catch (err) {
    throw new CoreError('STORE_UNAVAILABLE', `NSS's softoken ${path} could not be loaded (${(err as Error).message}): ${SOFTOKN_HINT}.`, { reason: 'SOFTOKN_MISSING' }, { cause: err });
  }
  loaded = p11;
  return p11;
}

/** `fn` may be async (a key generated on the thread pool): the session and the softoken stay open until it settles. */
async function onToken<T>(p11: Pkcs11, dbDir: string, access: TokenAccess, fn: (t: TokenSession) => T | Promise<T>): Promise<T> {
  // The line certutil writes into the db's pkcs11.txt (`parameters=`), the db folder quoted
  // NSS's way: a quote inside is escaped with a backslash. Flags quoted: NSS's parser drops
  // a bare value at the very end of the string.
  const spec = `configdir='sql:${dbDir.replace(/(['\\])/g, '\\$1')}' certPrefix='' keyPrefix=''`;
  // A writer killed inside a transaction (pk12util, or CertDesk itself) leaves a hot SQLite
  // journal, and SQLite rolls it back only on a read-write open: read-only, the db would stay
  // unreadable ("bad database") with the new certificate's recovery blocked behind it.
  const flags = access === 'read' && !hasHotJournal(dbDir) ? 'readOnly' : '';
  let owner = true;
  try {
    p11.C_Initialize({ libraryParameters: `${spec} secmod='secmod.db' flags='${flags}'` });
  } catch (err) {
    if (codeOf(err) !== CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      throw access === 'write' && READ_ONLY.test((err as Error).message) ? notWritten(dbDir, err) : unreadable(dbDir, err);
    }
    // Another NSS user of this process owns the softoken (Chromium's own, inside Electron):
    // it is never finalised under it; the db is opened beside its slots, as NSS's
    // SECMOD_OpenUserDB does, and closed again.
    owner = false;
  }
  try {
    const slot = owner ? p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === TOKEN_LABEL) : openExtraSlot(p11, `${spec} tokenDescription='CertDesk' flags='${flags}'`);
    if (!slot) throw unreadable(dbDir, new Error(`no "${TOKEN_LABEL}" token`));
    try {
      if (p11.C_GetTokenInfo(slot).flags & CKF_LOGIN_REQUIRED) {
        throw new CoreError('STORE_UNAVAILABLE', `The NSS certificate database ${dbDir} is protected by a password, which CertDesk cannot supply. Remove the database password (certutil -W -d sql:${dbDir}) or choose another database in policy.`, { reason: 'DB_PASSWORD' });
      }
      const session = p11.C_OpenSession(slot, CKF_SERIAL_SESSION | (access === 'write' ? CKF_RW_SESSION : 0));
      try {
        return await fn(sessionOf(p11, session, dbDir));
      } finally {
        p11.C_CloseSession(session);
      }
    } finally {
      if (!owner) closeExtraSlot(p11, slot);
    }
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw access === 'write' ? notWritten(dbDir, err) : unreadable(dbDir, err);
  } finally {
    if (owner) p11.C_Finalize();
  }
}

/** A rollback journal left beside cert9.db or key4.db (SQLite's default journal mode, as NSS uses it). */
export function hasHotJournal(dbDir: string): boolean {
  return ['cert9.db-journal', 'key4.db-journal'].some((f) => {
    try {
      return statSync(join(dbDir, f)).size > 0;
    } catch {
      return false;
    }
  });
}

// The softoken's user slots (SFTK_MIN_USER_SLOT_ID..SFTK_MAX_USER_SLOT_ID): NSS takes them from
// the bottom, CertDesk from the top.
const MIN_USER_SLOT = 4;
const MAX_USER_SLOT = 100;
const CKO_NSS_NEWSLOT = 0xce534355;
const CKO_NSS_DELSLOT = 0xce534356;
const CKA_NSS_MODULE_SPEC = 0xce534368;

function slotId(id: number): Handle {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(id));
  return b;
}

/** Opens the db as a new slot of the running softoken (CKO_NSS_NEWSLOT on its first slot). */
function openExtraSlot(p11: Pkcs11, moduleSpec: string): Handle {
  const slots = p11.C_GetSlotList(false);
  // A slot closed by DELSLOT stays listed without a token: it is free again.
  const live = new Set(slots.filter((s) => hasToken(p11, s)).map((s) => s.readUInt32LE(0)));
  let id = MAX_USER_SLOT;
  while (id >= MIN_USER_SLOT && live.has(id)) id--;
  const first = slots[0];
  if (id < MIN_USER_SLOT || !first) throw new Error('no free softoken slot');
  userDbOp(p11, first, CKO_NSS_NEWSLOT, `tokens=[0x${id.toString(16)}=<${moduleSpec}>]`);
  return slotId(id);
}

function hasToken(p11: Pkcs11, slot: Handle): boolean {
  try {
    p11.C_GetTokenInfo(slot);
    return true;
  } catch {
    return false;
  }
}

function closeExtraSlot(p11: Pkcs11, slot: Handle): void {
  userDbOp(p11, slot, CKO_NSS_DELSLOT, `tokens=[0x${slot.readUInt32LE(0).toString(16)}=<>]`);
}

function userDbOp(p11: Pkcs11, slot: Handle, objectClass: number, spec: string): void {
  const session = p11.C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION);
  try {
    p11.C_CreateObject(session, [
      { type: CKA_CLASS, value: objectClass },
      { type: CKA_NSS_MODULE_SPEC, value: Buffer.from(`${spec}\0`) },
    ]);
  } finally {
    // DELSLOT closes the slot's sessions itself.
    try {
      p11.C_CloseSession(session);
    } catch {
      // Already closed with its slot.
    }
  }
}

function sessionOf(p11: Pkcs11, session: Handle, dbDir: string): TokenSession {
  const find = (template: Array<{ type: number; value: number | Buffer }>): Handle[] => {
    p11.C_FindObjectsInit(session, template);
    const out: Handle[] = [];
    try {
      for (;;) {
        const batch = p11.C_FindObjects(session, 256);
        if (batch.length === 0) break;
        out.push(...batch);
      }
    } finally {
      p11.C_FindObjectsFinal(session);
    }
    return out;
  };
  const attrs = (h: Handle, types: number[]): Buffer[] => p11.C_GetAttributeValue(session, h, types.map((type) => ({ type }))).map((a) => a.value as Buffer);
  const ulong = (b: Buffer | undefined): number => (b && b.length >= 4 ? b.readUInt32LE(0) : 0);
  /**
   * Each found object read, skipping one another writer (a browser, certutil) deleted between
   * the search and the read: CKR_OBJECT_HANDLE_INVALID is their change, not a broken db.
   */
  const each = <T,>(handles: Handle[], read: (h: Handle) => T): T[] => {
    const out: T[] = [];
    for (const h of handles) {
      try {
        out.push(read(h));
      } catch (err) {
        if (codeOf(err) !== CKR_OBJECT_HANDLE_INVALID) throw err;
      }
    }
    return out;
  };
  return {
    certificates: () =>
      each(find([{ type: CKA_CLASS, value: CKO_CERTIFICATE }]), (handle) => {
        const [label, value, id] = attrs(handle, [CKA_LABEL, CKA_VALUE, CKA_ID]);
        return { handle, nickname: (label ?? Buffer.alloc(0)).toString('utf8'), der: new Uint8Array(value ?? Buffer.alloc(0)), keyId: (id ?? Buffer.alloc(0)).toString('hex') };
      }),
    privateKeyIds: () => new Set(each(find([{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }]), (h) => (attrs(h, [CKA_ID])[0] ?? Buffer.alloc(0)).toString('hex'))),
    keyLabel: (keyId) => {
      const h = find([{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_ID, value: Buffer.from(keyId, 'hex') }])[0];
      if (!h) return '';
      try {
        return (attrs(h, [CKA_LABEL])[0] ?? Buffer.alloc(0)).toString('utf8');
      } catch {
        return '';
      }
    },
    trustObjects: () =>
      each(find([{ type: CKA_CLASS, value: CKO_NSS_TRUST }]), (handle) => {
        const [sha1, server, client, email, code] = attrs(handle, [CKA_CERT_SHA1_HASH, CKA_TRUST_SERVER_AUTH, CKA_TRUST_CLIENT_AUTH, CKA_TRUST_EMAIL_PROTECTION, CKA_TRUST_CODE_SIGNING]);
        return { handle, certSha1: (sha1 ?? Buffer.alloc(0)).toString('hex'), serverAuth: ulong(server), clientAuth: ulong(client), emailProtection: ulong(email), codeSigning: ulong(code) };
      }),
    keysWithId: (keyId) => {
      const id = Buffer.from(keyId, 'hex');
      return {
        privateKeys: find([{ type: CKA_CLASS, value: CKO_PRIVATE_KEY }, { type: CKA_ID, value: id }]),
        publicKeys: find([{ type: CKA_CLASS, value: CKO_PUBLIC_KEY }, { type: CKA_ID, value: id }]),
      };
    },
    destroy: (handle) => p11.C_DestroyObject(session, handle),
    raw: () => ({ p11, session, where: `NSS db ${dbDir}` }),
    setTrust: (handle, usage) => {
      // CK_ULONG is the platform's long: 8 bytes on 64-bit Linux, as the softoken reads it.
      const ul = (v: number) => {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(BigInt(v));
        return b;
      };
      try {
        p11.C_SetAttributeValue(session, handle, [
          { type: CKA_TRUST_SERVER_AUTH, value: ul(usage.serverAuth) },
          { type: CKA_TRUST_CLIENT_AUTH, value: ul(usage.clientAuth) },
        ]);
      } catch (err) {
        throw notWritten(dbDir, err);
      }
    },
  };
}

function codeOf(err: unknown): number | undefined {
  return typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : undefined;
}

function unreadable(dbDir: string, err: unknown): CoreError {
  return new CoreError('STORE_UNAVAILABLE', `The NSS certificate database ${dbDir} cannot be read (${(err as Error).message ?? 'error'}; it may be damaged). Close all browsers and try again; if it persists, move the folder aside so that it is created anew, then re-install the certificate.`, { reason: 'DB_CORRUPT' }, { cause: err });
}

const READ_ONLY = /READ_ONLY|WRITE_PROTECTED/;

function notWritten(dbDir: string, err: unknown): CoreError {
  const msg = (err as Error).message ?? 'error';
  if (READ_ONLY.test(msg)) {
    return new CoreError('STORE_WRITE_FAILED', `The NSS certificate database ${dbDir} is read-only. Check that the folder and its cert9.db/key4.db belong to you and are writable, then try again.`, { reason: 'READ_ONLY' }, { cause: err });
  }
  return new CoreError('STORE_WRITE_FAILED', `Writing into the NSS certificate database ${dbDir} failed (${msg}). Close all browsers and try again.`, { reason: 'TOKEN_ERROR' }, { cause: err });
}
