// One session on one token, one at a time in this process: the one runner both kinds of token
// go through (the NSS db's softoken, softoken.ts; a module named by policy, module.ts). Each
// operation loads the library once (loader.ts), initialises it, finds its token's slot, opens a
// session, logs in as the token asks, runs, and closes and finalises again, so that nothing
// stays open between operations (a TPM's resource manager or a card reader is shared with
// others; the softoken's C_Initialize takes the db folder, so one process can use several dbs).
//
// Where another user of the process has initialised the library already (Chromium's own
// softoken inside Electron), it is never finalised under its owner: the target opens its token
// beside the owner's slots (`owner: false`).
//
// The exception is a target that asks to be kept (the softoken's read-write initialisation,
// `keep`): its C_Initialize opens and checks the db's files (2–3 ms of CPU each, ten and more per
// renewal, issue 29), so after a renewal's first write it stays initialised while operations
// follow one another (reads included), and is finalised once none has come for
// KEEP_IDLE_MS, before an operation that needs another initialisation (another db, read-write
// after read-only), after a failure, and for an operation that asks for a `fresh` one (a
// removal's read-back, which must see the files, not what this process's library holds).
import { CoreError } from '../../errors';
import { CKF, CKR } from './constants';
import { loadLibrary, type Handle, type Pkcs11 } from './loader';

export type { Handle, Pkcs11 } from './loader';
export type TokenAccess = 'read' | 'write';

/** An open session: what every operation on a token's objects (objects.ts, keys.ts) takes. */
export interface P11Session {
  p11: Pkcs11;
  session: Handle;
  /** For errors: "NSS db /home/u/.pki/nssdb", "token "CertDesk" of /usr/lib/softhsm/libsofthsm2.so". */
  where: string;
}

/** What differs between kinds of token: the library, its start, its slot, its login, its words for failure. */
export interface TokenDriver {
  where: string;
  /** The library to load, checked; throws the target's own CoreError when it is missing or refused. */
  library(): string;
  /** The library at `path` would not load. */
  loadFailed(path: string, err: unknown): CoreError;
  /** C_Initialize's arguments (the softoken's db folder), or undefined for none. */
  initArgs?: { libraryParameters: string };
  /** C_Initialize failed for another reason than an owner already running it. */
  initFailed(err: unknown): CoreError;
  /** The token's slot; `release` runs once the session is closed (the softoken's extra slot). */
  openSlot(p11: Pkcs11, owner: boolean): { slot: Handle; release?: () => void };
  /** In the open session, before the operation: log in, or refuse a token that wants what the target cannot give. */
  login(p11: Pkcs11, session: Handle, slot: Handle, tokenFlags: number): void;
  /** Anything thrown that is not a CoreError, in the target's words. */
  failed(err: unknown): CoreError;
  /**
   * Kept initialised after the operation: `key` names this initialisation (the db and its mode);
   * `serves(key)` says whether one kept under another key will do for this operation; `retain`:
   * whether an initialisation made for this operation is kept (else it only reuses a kept one).
   */
  keep?: { key: string; serves(kept: string): boolean; retain: boolean };
}

export interface RunOptions {
  /** Finalise a kept initialisation first and initialise anew (a read-back that must see the files). */
  fresh?: boolean;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * How long a kept library stays initialised without an operation: the operations of one call
 * follow each other within milliseconds, the command line exits long before, and a db on a
 * mount is not held open (unmountable) for longer than this.
 */
const KEEP_IDLE_MS = 1000;
/** The kept initialisation per library, with the number of the last operation that used it. */
const kept = new Map<Pkcs11, { key: string; last: number }>();
let operations = 0;

function finalise(p11: Pkcs11): void {
  kept.delete(p11);
  try {
    p11.C_Finalize();
  } catch {
    // Not initialised after all: nothing to close.
  }
}

/**
 * Finalises every kept library, after the operations queued before (a test that then plays
 * another NSS user of the process; a core process that stops).
 */
export function releaseKept(): Promise<void> {
  const close = () => {
    for (const p11 of [...kept.keys()]) finalise(p11);
  };
  const done = queue.then(close, close);
  queue = done;
  return done;
}

/** After KEEP_IDLE_MS without an operation, the kept library is finalised, in the queue's order. */
function closeWhenIdle(p11: Pkcs11, op: number): void {
  setTimeout(() => {
    const close = () => {
      if (kept.get(p11)?.last === op) finalise(p11);
    };
    queue = queue.then(close, close);
  }, KEEP_IDLE_MS).unref();
}

/**
 * Runs `fn` in a session of the driver's token, after every operation queued before it (any
 * token). `fn` may be async (a key generated on the thread pool): the session, and the queue,
 * stay held until it settles.
 */
export function runOnToken<T>(d: TokenDriver, access: TokenAccess, fn: (s: P11Session) => T | Promise<T>, o: RunOptions = {}): Promise<T> {
  const run = async () => {
    const path = d.library();
    return onToken(await loadLibrary(path, (err) => d.loadFailed(path, err)), d, access, fn, o);
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

async function onToken<T>(p11: Pkcs11, d: TokenDriver, access: TokenAccess, fn: (s: P11Session) => T | Promise<T>, o: RunOptions): Promise<T> {
  const op = ++operations;
  const held = kept.get(p11);
  const reuse = held !== undefined && !o.fresh && d.keep !== undefined && (held.key === d.keep.key || d.keep.serves(held.key));
  if (held && !reuse) finalise(p11);
  let owner = true;
  if (!reuse) {
    try {
      if (d.initArgs) p11.C_Initialize(d.initArgs);
      else p11.C_Initialize();
    } catch (err) {
      if (codeOf(err) !== CKR.CRYPTOKI_ALREADY_INITIALIZED) throw d.initFailed(err);
      owner = false;
    }
  }
  let ok = false;
  try {
    const { slot, release } = d.openSlot(p11, owner);
    try {
      const flags = p11.C_GetTokenInfo(slot).flags;
      const session = p11.C_OpenSession(slot, CKF.SERIAL_SESSION | (access === 'write' ? CKF.RW_SESSION : 0));
      try {
        d.login(p11, session, slot, flags);
        const out = await fn({ p11, session, where: d.where });
        ok = true;
        return out;
      } finally {
        try {
          p11.C_CloseSession(session);
        } catch {
          // The token went away: nothing left to close.
        }
      }
    } finally {
      release?.();
    }
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw d.failed(err);
  } finally {
    if (!owner) {
      // Another user's library: never finalised here, never kept.
    } else if (ok && d.keep && (reuse || d.keep.retain)) {
      kept.set(p11, { key: held && reuse ? held.key : d.keep.key, last: op });
      closeWhenIdle(p11, op);
    } else if (kept.has(p11) || !reuse) {
      finalise(p11);
    }
  }
}

/** pkcs11js's numeric return value of a failed call. */
export function codeOf(err: unknown): number | undefined {
  return typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : undefined;
}

/** The PKCS#11 return value's name (pkcs11js puts it first in the message, e.g. "CKR_PIN_INCORRECT:160"). */
export function ckrOf(err: unknown): string {
  return /CKR_[A-Z_]+/.exec((err as Error)?.message ?? '')?.[0] ?? 'error';
}
