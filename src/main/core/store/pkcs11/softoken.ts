// NSS's own certificate token (libsoftokn3) as one target of the PKCS#11 layer: an NSS db is
// opened by initialising the softoken on its folder (the line certutil writes into the db's
// pkcs11.txt), its token is "NSS Certificate DB", and it is never logged into (a db behind a
// password is refused). Where another NSS user of this process runs the softoken already
// (Chromium inside Electron), the db is opened as an extra slot beside the owner's
// (CKO_NSS_NEWSLOT / DELSLOT, as NSS's SECMOD_OpenUserDB does) and closed again.
//
// Light on purpose (no certificate parsing): the command line lists a db before the PKI code
// has loaded.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CoreError } from '../../errors';
import { CK, CKF, NSS } from './constants';
import { runOnToken, type Handle, type P11Session, type Pkcs11, type RunOptions, type TokenAccess, type TokenDriver } from './session';

const TOKEN_LABEL = 'NSS Certificate DB';

/** The install hint when the softoken cannot be loaded. */
const SOFTOKN_HINT = 'install libnss3 (Debian/Ubuntu: sudo apt-get install libnss3; Fedora: sudo dnf install nss-softokn)';

/**
 * Runs `fn` on the db's token. `read` opens the db read-only (a listing never writes, even on
 * a read-only mount), unless a hot journal needs the read-write open that rolls it back. The
 * softoken stays initialised on the db for the operations that follow (session.ts, `keep`):
 * a read-write initialisation serves reads too; `fresh` opens the db anew from its files.
 */
export function withNssToken<T>(dbDir: string, access: TokenAccess, fn: (s: P11Session) => T | Promise<T>, o: RunOptions = {}): Promise<T> {
  return runOnToken(softokenDriver(dbDir, access), access, fn, o);
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

/** The inodes of cert9.db and key4.db ('-' for one that is missing). */
function fileIds(dbDir: string): string {
  return ['cert9.db', 'key4.db']
    .map((f) => {
      try {
        return String(statSync(join(dbDir, f)).ino);
      } catch {
        return '-';
      }
    })
    .join(':');
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

const KEEP_HERE = ((t) => t === undefined || t === 'utility')((process as { type?: string }).type);

function softokenDriver(dbDir: string, access: TokenAccess): TokenDriver {
  // The line certutil writes into the db's pkcs11.txt (`parameters=`), the db folder quoted
  // NSS's way: a quote inside is escaped with a backslash. Flags quoted: NSS's parser drops
  // a bare value at the very end of the string.
  const spec = `configdir='sql:${dbDir.replace(/(['\\])/g, '\\$1')}' certPrefix='' keyPrefix=''`;
  // A writer killed inside a transaction (pk12util, or CertDesk itself) leaves a hot SQLite
  // journal, and SQLite rolls it back only on a read-write open: read-only, the db would stay
  // unreadable ("bad database") with the new certificate's recovery blocked behind it.
  const flags = access === 'read' && !hasHotJournal(dbDir) ? 'readOnly' : '';
  const failed = (err: unknown) => (access === 'write' ? notWritten(dbDir, err) : unreadable(dbDir, err));
  // The db's files by inode: a kept initialisation serves only the files it opened (a folder
  // deleted or replaced since, a profile reset, is opened anew and found missing or new).
  const files = fileIds(dbDir);
  const readWrite = `${dbDir}\0\0${files}`;
  return {
    where: `NSS db ${dbDir}`,
    // Kept only where no other NSS user can come after CertDesk (Node: the command line, the
    // core's process; Electron's utility process): Chromium's NSS in an app's main process
    // initialises the same library when it first needs it, and must find it free.
    // Only a read-write initialisation (a renewal's first write) is kept: a read-only one (status,
    // doctor: one or two listings) is finalised as before, so that the softoken's memory is not
    // held through the rest of the command (0.7 MB of peak RSS measured on status).
    ...(KEEP_HERE ? { keep: { key: `${dbDir}\0${flags}\0${files}`, serves: (key: string) => key === readWrite, retain: flags === '' } } : {}),
    library() {
      const path = softoknPath(process.env.CERTDESK_SOFTOKN);
      if (!path || !existsSync(path)) {
        throw new CoreError('STORE_UNAVAILABLE', `NSS's softoken (${path ?? 'libsoftokn3.so'}) was not found, so the NSS database cannot be read: ${SOFTOKN_HINT}.`, { reason: 'SOFTOKN_MISSING' });
      }
      return path;
    },
    loadFailed: (path, err) => new CoreError('STORE_UNAVAILABLE', `NSS's softoken ${path} could not be loaded (${(err as Error).message}): ${SOFTOKN_HINT}.`, { reason: 'SOFTOKN_MISSING' }, { cause: err }),
    initArgs: { libraryParameters: `${spec} secmod='secmod.db' flags='${flags}'` },
    initFailed: (err) => (access === 'write' && READ_ONLY.test((err as Error).message) ? notWritten(dbDir, err) : unreadable(dbDir, err)),
    openSlot(p11, owner) {
      if (!owner) {
        const slot = openExtraSlot(p11, `${spec} tokenDescription='CertDesk' flags='${flags}'`);
        return { slot, release: () => closeExtraSlot(p11, slot) };
      }
      const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === TOKEN_LABEL);
      if (!slot) throw unreadable(dbDir, new Error(`no "${TOKEN_LABEL}" token`));
      return { slot };
    },
    login(_p11, _session, _slot, tokenFlags) {
      if (tokenFlags & CKF.LOGIN_REQUIRED) {
        throw new CoreError('STORE_UNAVAILABLE', `The NSS certificate database ${dbDir} is protected by a password, which CertDesk cannot supply. Remove the database password (certutil -W -d sql:${dbDir}) or choose another database in policy.`, { reason: 'DB_PASSWORD' });
      }
    },
    failed,
  };
}

// The softoken's user slots (SFTK_MIN_USER_SLOT_ID..SFTK_MAX_USER_SLOT_ID): NSS takes them from
// the bottom, CertDesk from the top.
const MIN_USER_SLOT = 4;
const MAX_USER_SLOT = 100;

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
  userDbOp(p11, first, NSS.CKO_NSS_NEWSLOT, `tokens=[0x${id.toString(16)}=<${moduleSpec}>]`);
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
  userDbOp(p11, slot, NSS.CKO_NSS_DELSLOT, `tokens=[0x${slot.readUInt32LE(0).toString(16)}=<>]`);
}

function userDbOp(p11: Pkcs11, slot: Handle, objectClass: number, spec: string): void {
  const session = p11.C_OpenSession(slot, CKF.SERIAL_SESSION | CKF.RW_SESSION);
  try {
    p11.C_CreateObject(session, [
      { type: CK.CKA_CLASS, value: objectClass },
      { type: NSS.CKA_NSS_MODULE_SPEC, value: Buffer.from(`${spec}\0`) },
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

function unreadable(dbDir: string, err: unknown): CoreError {
  return new CoreError('STORE_UNAVAILABLE', `The NSS certificate database ${dbDir} cannot be read (${(err as Error).message ?? 'error'}; it may be damaged). Close all browsers and try again; if it persists, move the folder aside so that it is created anew, then re-install the certificate.`, { reason: 'DB_CORRUPT' }, { cause: err });
}

const READ_ONLY = /READ_ONLY|WRITE_PROTECTED/;

/** A write the db refused: read-only (the folder or its files), or another token error. */
function notWritten(dbDir: string, err: unknown): CoreError {
  const msg = (err as Error).message ?? 'error';
  if (READ_ONLY.test(msg)) {
    return new CoreError('STORE_WRITE_FAILED', `The NSS certificate database ${dbDir} is read-only. Check that the folder and its cert9.db/key4.db belong to you and are writable, then try again.`, { reason: 'READ_ONLY' }, { cause: err });
  }
  return new CoreError('STORE_WRITE_FAILED', `Writing into the NSS certificate database ${dbDir} failed (${msg}). Close all browsers and try again.`, { reason: 'TOKEN_ERROR' }, { cause: err });
}
