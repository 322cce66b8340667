// A PKCS#11 module named by policy (softhsm2, tpm2-pkcs11, a smart card's module) as one
// target of the PKCS#11 layer (session.ts runs it): the token found by its label, logged in
// with the user PIN when the token asks for one. A refused PIN says what the token told of the
// tries left (detail.pinTries, read from its flags after the refusal).
import { existsSync } from 'node:fs';
import type { ReasonOf } from '../../../../shared/contract';
import type { PinTries } from '../../../../shared/pin-tries';
import { CoreError } from '../../errors';
import { CKF, CKR, CKU_USER } from './constants';
import { ckrOf, codeOf, runOnToken, type Handle, type P11Session, type Pkcs11, type TokenAccess, type TokenDriver } from './session';

export interface ModuleTarget {
  /** Absolute path of the module (.so). */
  module: string;
  /** The token's label (CK_TOKEN_INFO.label, trailing blanks ignored). */
  tokenLabel: string;
  /** The user PIN, asked for this run; undefined when the token needs none. */
  pin?: string;
}

/**
 * Runs `fn` in a session of the token, logged in as its user when the token requires it.
 * `publicOnly` without a PIN (`status`): no login, only the token's public objects are seen.
 */
export function withModuleToken<T>(t: ModuleTarget, access: TokenAccess, fn: (s: P11Session) => T | Promise<T>, o: { publicOnly?: boolean } = {}): Promise<T> {
  return runOnToken(moduleDriver(t, o.publicOnly === true && t.pin === undefined), access, fn);
}

/** What a token is called in errors and diagnostics. */
export function describeTarget(t: ModuleTarget): string {
  return `token "${t.tokenLabel}" of ${t.module}`;
}

function moduleDriver(t: ModuleTarget, publicOnly: boolean): TokenDriver {
  const where = describeTarget(t);
  return {
    where,
    library() {
      if (!existsSync(t.module)) {
        throw new CoreError('STORE_UNAVAILABLE', `The PKCS#11 module ${t.module} named in policy (pkcs11.module) does not exist. Install it (softhsm2: apt-get install softhsm2; a TPM: apt-get install libtpm2-pkcs11-1; a smart card: its vendor's module or opensc) or correct the policy.`, { reason: 'MODULE_MISSING' });
      }
      return t.module;
    },
    loadFailed: (path, err) => new CoreError('STORE_UNAVAILABLE', `The PKCS#11 module ${path} could not be loaded (${(err as Error).message}). Check that it is a module for this computer (64-bit Linux) and that its libraries are installed.`, { reason: 'MODULE_MISSING' }, { cause: err }),
    initFailed: (err) => unavailable(where, 'could not be started', err, 'MODULE_INIT'),
    openSlot(p11) {
      const slot = findSlot(p11, t);
      if (!slot) {
        throw new CoreError('STORE_UNAVAILABLE', `There is no token labelled "${t.tokenLabel}" in ${t.module}. Insert the card or check the token's label (pkcs11.tokenLabel in policy; p11tool --list-tokens shows them).`, { reason: 'TOKEN_MISSING' });
      }
      return { slot };
    },
    login(p11, session, slot, flags) {
      if (flags & CKF.LOGIN_REQUIRED && !publicOnly) login(p11, session, slot, t, flags, where);
    },
    failed: (err) => unavailable(where, 'failed', err, 'TOKEN_ERROR'),
  };
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
  if (!(flags & CKF.USER_PIN_INITIALIZED)) {
    throw new CoreError('STORE_UNAVAILABLE', `The ${where} has no user PIN yet. Initialise it (softhsm2-util --init-token, tpm2_ptool, or the card's tool), then try again.`, { reason: 'PIN_NOT_SET' });
  }
  if (t.pin === undefined) {
    throw new CoreError('STORE_UNAVAILABLE', `The ${where} needs its PIN. Enter the PIN when CertDesk asks for it (the command line asks in a terminal; a script gives --pin-env VAR).`, { reason: 'PIN_REQUIRED' });
  }
  try {
    p11.C_Login(session, CKU_USER, t.pin);
  } catch (err) {
    if (codeOf(err) === CKR.USER_ALREADY_LOGGED_IN) return;
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
  if (flags & CKF.USER_PIN_LOCKED) return 'locked';
  if (flags & CKF.USER_PIN_FINAL_TRY) return 'finalTry';
  if (flags & CKF.USER_PIN_COUNT_LOW) return 'low';
  return 'unknown';
}

function unavailable(where: string, what: string, err: unknown, reason: ReasonOf<'STORE_UNAVAILABLE'>): CoreError {
  return new CoreError('STORE_UNAVAILABLE', `The ${where} ${what} (${ckrOf(err)}). Check that the token is present (a TPM: that its service runs), then try again.`, { reason }, { cause: err });
}
