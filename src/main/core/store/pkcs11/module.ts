// A PKCS#11 module named by policy (softhsm2, tpm2-pkcs11, a smart card's module), one
// operation at a time: initialise, find the token by its label, open a session, log in with
// the user PIN when the token asks for one, run, and finalise again, so that nothing stays
// open between renewals (a TPM resource manager or a card reader is shared with others).
import { existsSync } from 'node:fs';
import type * as Pkcs11Module from 'pkcs11js';
import type { PinTries } from '../../../../shared/pin-tries';
import { CoreError } from '../../errors';
import { ckrOf, type Handle, type P11Session, type Pkcs11 } from './objects';

export interface ModuleTarget {
  /** Absolute path of the module (.so). */
  module: string;
  /** The token's label (CK_TOKEN_INFO.label, trailing blanks ignored). */
  tokenLabel: string;
  /** The user PIN, asked for this run; undefined when the token needs none. */
  pin?: string;
}

const CKF_RW_SESSION = 0x2;
const CKF_SERIAL_SESSION = 0x4;
const CKF_LOGIN_REQUIRED = 0x4;
const CKF_USER_PIN_INITIALIZED = 0x8;
const CKF_USER_PIN_COUNT_LOW = 0x10000;
const CKF_USER_PIN_FINAL_TRY = 0x20000;
const CKF_USER_PIN_LOCKED = 0x40000;
const CKU_USER = 1;
const CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
const CKR_USER_ALREADY_LOGGED_IN = 0x100;

const loaded = new Map<string, Pkcs11>();
let queue: Promise<unknown> = Promise.resolve();

/** Runs `fn` in a session of the token, logged in as its user when the token requires it. One at a time in this process. */
export function withModuleToken<T>(t: ModuleTarget, access: 'read' | 'write', fn: (s: P11Session) => T | Promise<T>, o: { publicOnly?: boolean } = {}): Promise<T> {
  const run = async () => onToken(await load(t.module), t, access, fn, o.publicOnly === true && t.pin === undefined);
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/** What a token is called in errors and diagnostics. */
export function describeTarget(t: ModuleTarget): string {
  return `token "${t.tokenLabel}" of ${t.module}`;
}

async function load(path: string): Promise<Pkcs11> {
  const known = loaded.get(path);
  if (known) return known;
  if (!existsSync(path)) {
    throw new CoreError('STORE_UNAVAILABLE', `The PKCS#11 module ${path} named in policy (pkcs11.module) does not exist. Install it (softhsm2: apt-get install softhsm2; a TPM: apt-get install libtpm2-pkcs11-1; a smart card: its vendor's module or opensc) or correct the policy.`, { reason: 'MODULE_MISSING' });
  }
  let mod: typeof Pkcs11Module;
  try {
    const m = (await import('pkcs11js')) as typeof Pkcs11Module & { default?: typeof Pkcs11Module };
    mod = m.default ?? m;
  } catch (err) {
    throw new CoreError('STORE_UNAVAILABLE', 'The PKCS#11 module of CertDesk (pkcs11js) could not be loaded. Reinstall CertDesk.', { reason: 'PKCS11_MISSING' }, { cause: err });
  }
  const p11 = new mod.PKCS11();
  try {
    p11.load(path);
  } catch (err) {
    throw new CoreError('STORE_UNAVAILABLE', `The PKCS#11 module ${path} could not be loaded (${(err as Error).message}). Check that it is a module for this computer (64-bit Linux) and that its libraries are installed.`, { reason: 'MODULE_MISSING' }, { cause: err });
  }
  loaded.set(path, p11);
  return p11;
}

/**
 * `publicOnly`: no login (no PIN was asked, e.g. `status`): only the token's public objects are
 * seen. `fn` may be async (a key generated on the thread pool): the session stays open until it settles.
 */
async function onToken<T>(p11: Pkcs11, t: ModuleTarget, access: 'read' | 'write', fn: (s: P11Session) => T | Promise<T>, publicOnly: boolean): Promise<T> {
  const where = describeTarget(t);
  let owner = true;
  try {
    p11.C_Initialize();
  } catch (err) {
    if ((err as { code?: number }).code !== CKR_CRYPTOKI_ALREADY_INITIALIZED) throw unavailable(where, 'could not be started', err, 'MODULE_INIT');
    owner = false;
  }
  try {
    const slot = findSlot(p11, t);
    if (!slot) {
      throw new CoreError('STORE_UNAVAILABLE', `There is no token labelled "${t.tokenLabel}" in ${t.module}. Insert the card or check the token's label (pkcs11.tokenLabel in policy; p11tool --list-tokens shows them).`, { reason: 'TOKEN_MISSING' });
    }
    const info = p11.C_GetTokenInfo(slot);
    const session = p11.C_OpenSession(slot, CKF_SERIAL_SESSION | (access === 'write' ? CKF_RW_SESSION : 0));
    try {
      if (info.flags & CKF_LOGIN_REQUIRED && !publicOnly) login(p11, session, slot, t, info.flags, where);
      return await fn({ p11, session, where });
    } finally {
      try {
        p11.C_CloseSession(session);
      } catch {
        // The token went away: nothing left to close.
      }
    }
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw unavailable(where, 'failed', err, 'TOKEN_ERROR');
  } finally {
    if (owner) p11.C_Finalize();
  }
}

/**
 * The one token with this label. Two (two cards of one kind, a copied softhsm2 token) are
 * refused: which of them holds the key is not CertDesk's guess, and OpenSSL's pkcs11 engine
 * refuses them too after printing its key URI, the PIN in it, on stderr.
 */
function findSlot(p11: Pkcs11, t: ModuleTarget): Handle | undefined {
  const found = p11.C_GetSlotList(true).filter((s) => p11.C_GetTokenInfo(s).label.replace(/[\s\0]+$/, '') === t.tokenLabel);
  if (found.length > 1) {
    throw new CoreError('STORE_UNAVAILABLE', `${found.length} tokens are labelled "${t.tokenLabel}" in ${t.module}, so CertDesk cannot tell which one holds the key. Remove the other card (or relabel the other token), then try again.`, { reason: 'TOKEN_AMBIGUOUS' });
  }
  return found[0];
}

function login(p11: Pkcs11, session: Handle, slot: Handle, t: ModuleTarget, flags: number, where: string): void {
  if (!(flags & CKF_USER_PIN_INITIALIZED)) {
    throw new CoreError('STORE_UNAVAILABLE', `The ${where} has no user PIN yet. Initialise it (softhsm2-util --init-token, tpm2_ptool, or the card's tool), then try again.`, { reason: 'PIN_NOT_SET' });
  }
  if (t.pin === undefined) {
    throw new CoreError('STORE_UNAVAILABLE', `The ${where} needs its PIN. Enter the PIN when CertDesk asks for it (the command line asks in a terminal; a script gives --pin-env VAR).`, { reason: 'PIN_REQUIRED' });
  }
  try {
    p11.C_Login(session, CKU_USER, t.pin);
  } catch (err) {
    if ((err as { code?: number }).code === CKR_USER_ALREADY_LOGGED_IN) return;
    const ckr = ckrOf(err);
    if (ckr !== 'CKR_PIN_INCORRECT' && ckr !== 'CKR_PIN_LEN_RANGE' && ckr !== 'CKR_PIN_LOCKED') throw unavailable(where, 'refused the login', err, 'LOGIN_FAILED');
    // What the token says now of the tries left (read after the refusal: the try just made counts).
    const pinTries: PinTries = ckr === 'CKR_PIN_LOCKED' ? 'locked' : triesLeft(p11, slot);
    if (pinTries === 'locked') {
      throw new CoreError('STORE_UNAVAILABLE', `The PIN of the ${where} is locked after too many wrong tries. Ask your IT staff to unlock it with the token's SO PIN.`, { reason: 'PIN_LOCKED', pinTries }, { cause: err });
    }
    const told = pinTries === 'finalTry' ? ' The token says the next wrong PIN locks it.' : pinTries === 'low' ? ' The token says only a few tries are left.' : '';
    throw new CoreError('STORE_UNAVAILABLE', `The PIN of the ${where} is wrong. Enter it again; after several wrong PINs the token locks itself.${told}`, { reason: 'PIN_INCORRECT', pinTries }, { cause: err });
  }
}

/** The token's own word on the user PIN's tries left (CK_TOKEN_INFO.flags), 'unknown' when it gives none. */
function triesLeft(p11: Pkcs11, slot: Handle): PinTries {
  let flags: number;
  try {
    flags = p11.C_GetTokenInfo(slot).flags;
  } catch {
    return 'unknown';
  }
  if (flags & CKF_USER_PIN_LOCKED) return 'locked';
  if (flags & CKF_USER_PIN_FINAL_TRY) return 'finalTry';
  if (flags & CKF_USER_PIN_COUNT_LOW) return 'low';
  return 'unknown';
}

function unavailable(where: string, what: string, err: unknown, reason: string): CoreError {
  return new CoreError('STORE_UNAVAILABLE', `The ${where} ${what} (${ckrOf(err)}). Check that the token is present (a TPM: that its service runs), then try again.`, { reason }, { cause: err });
}
