// keyStorage `tpm` / `pkcs11` (Linux): the token the custody decision names (store layer's
// decideCustody: place `module`, its module and token label) keeps the key. Assembled
// here because it needs the PIN, which only the entry can ask (the CLI's hidden prompt or
// --pin-env; the app's dialog): the custodian makes keys in the token and registers its
// module in every NSS db written, the primary store also sees the token's identities, and
// a renewal over Node's TLS presents the token's key through OpenSSL's pkcs11 engine.
import { basename, dirname } from 'node:path';
import { pinTriesOf, type PinTries } from '../../../shared/pin-tries';
import type { KeyCustodyDecision } from '../../../shared/custody';
import type { TransportIdentity } from '../renewal';
import type { CertificateStore, KeyCustodian } from '../store';
import { createPkcs11Custodian, describeTarget, registerModule, withModuleToken, withModuleView, type ModuleTarget, type ModuleView } from '../store';
import { CoreError } from '../errors';
import { createKeytarPinStore, type PinStore } from '../vault';
import type { ErrorReason } from '../../../shared/contract';

export interface TokenWiring {
  custodian: KeyCustodian;
  /** The primary store, seeing the token's identities too. */
  store: CertificateStore;
  /** Every store written, primary first; each NSS db sees the token (its module registered there). */
  stores: CertificateStore[];
  /** The identity for Node's mutual TLS: the token's key through the engine, else the store's lent key. */
  identityFor(fingerprint: string): Promise<TransportIdentity>;
}

/**
 * `pin`: the run's PIN, or (the app) a reader of the PIN of the operation now running, read at
 * each use of the token: the app asks it per renewal, not once at start.
 */
export function wireToken(custody: KeyCustodyDecision, stores: CertificateStore[], pin: string | undefined | (() => string | undefined)): TokenWiring {
  const pinNow = typeof pin === 'function' ? pin : () => pin;
  const { module, tokenLabel, storage } = tokenOf(custody);
  // A live `pin` property, never copied (a spread would freeze it at wiring time).
  const live = <T extends object>(o: T): T & ModuleTarget => Object.defineProperty({ ...o, module, tokenLabel }, 'pin', { get: pinNow, enumerable: true }) as T & ModuleTarget;
  const target = live({});
  const base = createPkcs11Custodian(live({ storage }));
  const nssDbs = stores.filter((s) => s.kind === 'nss').map((s) => dirname(s.lockFile));
  const name = `CertDesk ${basename(target.module).replace(/\.so$/, '')}`;
  const custodian: KeyCustodian = {
    ...base,
    async attach(opts) {
      // The browsers find the token through each db's module list: registered before the
      // certificate is written, so a stored certificate is always one they can see.
      for (const dbDir of nssDbs) await registerModule({ dbDir, name, library: target.module });
      return base.attach(opts);
    },
  };
  const primary = stores[0]!;
  if (primary.kind !== 'nss') throw new CoreError('INTERNAL', 'A PKCS#11 token is wired to an NSS store only.');
  const views = stores.map((s) => (s.kind === 'nss' ? withModuleView(s, { target, dbDir: dirname(s.lockFile) }) : s));
  const view = views[0] as ModuleView;
  return {
    custodian,
    store: view,
    stores: views,
    async identityFor(fingerprint) {
      const inToken = await view.tokenIdentity(fingerprint);
      if (inToken) {
        const pin = pinNow();
        if (pin === undefined) throw new CoreError('STORE_UNAVAILABLE', `The certificate's key is in the ${base.describe()}, which needs its PIN. Enter the PIN when CertDesk asks for it (the command line: a terminal, or --pin-env VAR).`, { reason: 'PIN_REQUIRED' });
        return { certPem: inToken.certPem, engineKey: { keyUri: inToken.keyUri, pin, module: target.module } };
      }
      if (view.exportIdentity) return view.exportIdentity(fingerprint);
      return { fingerprint };
    },
  };
}

/** What the entry is asked: the token, and whether the last PIN was refused (the app's dialog says so). */
export interface PinQuestion {
  /** The token as errors name it ("token "CertDesk" of /usr/lib/…/libtpm2_pkcs11.so"). */
  token: string;
  tokenLabel: string;
  /** The PIN given before was wrong. */
  retry: boolean;
  /** On a retry: what the token said of the tries left after that wrong PIN. */
  pinTries?: PinTries;
  /** The policy lets the PIN be kept in the keychain (the app offers a "remember" box). */
  offerRemember: boolean;
}
/** A PIN (kept when rememberPin, the CLI's), a PIN with the user's choice (the app's dialog), or null: not given. */
export type PinReply = string | { pin: string; remember: boolean } | null;
export type PinAsk = (q: PinQuestion) => Promise<PinReply>;

const isReason = (err: unknown, reason: ErrorReason) => err instanceof CoreError && err.detail?.reason === reason;

/**
 * The PIN for this run. Without rememberPin: asked (the entry's prompt or dialog), never kept.
 * With it: the keychain's, if the token still takes it (a PIN changed since is forgotten and
 * asked again), else asked, tried on the token and only then kept. A keychain that cannot be
 * reached only means asking. `asks` > 1 (the app's dialog): the asked PIN is tried on the
 * token first and a wrong one asked again, up to `asks` times (the CLI asks once: its answer
 * would not change, and each wrong try counts towards the token's lockout).
 */
export async function tokenPin(custody: KeyCustodyDecision, rememberPin: boolean, ask: PinAsk | undefined, o: { store?: PinStore; asks?: number } = {}): Promise<string | undefined> {
  const { module, tokenLabel } = tokenOf(custody);
  const target = { module, tokenLabel };
  const asks = o.asks ?? 1;
  let pinTries: PinTries | undefined;
  const question = (retry: boolean): PinQuestion => ({ token: describeTarget(target), tokenLabel: target.tokenLabel, retry, offerRemember: rememberPin, ...(retry && pinTries ? { pinTries } : {}) });
  if (!rememberPin && asks <= 1) return pinOf(await ask?.(question(false)))?.pin;
  const check = (pin: string) => withModuleToken({ ...target, pin }, 'read', () => undefined);
  const store = rememberPin ? (o.store ?? createKeytarPinStore(target)) : undefined;
  const kept = store ? await store.get().catch(() => null) : null;
  if (store && kept !== null) {
    try {
      await check(kept);
      return kept;
    } catch (err) {
      if (!isReason(err, 'PIN_INCORRECT')) throw err;
      await store.delete().catch(() => undefined);
    }
  }
  for (let n = 1; ; n++) {
    const asked = pinOf(await ask?.(question(n > 1)));
    if (asked === undefined) return undefined;
    try {
      await check(asked.pin);
    } catch (err) {
      if (n < asks && isReason(err, 'PIN_INCORRECT')) {
        pinTries = pinTriesOf((err as CoreError).detail);
        continue;
      }
      throw err;
    }
    if (store && asked.remember) await store.set(asked.pin).catch(() => undefined);
    return asked.pin;
  }
}

/** The module's token a `module` custody names. */
function tokenOf(custody: KeyCustodyDecision): { module: string; tokenLabel: string; storage: 'tpm' | 'pkcs11' } {
  if (custody.place !== 'module' || !custody.module || !custody.tokenLabel) throw new CoreError('INTERNAL', `The key custody "${custody.place}" names no PKCS#11 token.`);
  return { module: custody.module, tokenLabel: custody.tokenLabel, storage: custody.storage as 'tpm' | 'pkcs11' };
}

function pinOf(reply: PinReply | undefined): { pin: string; remember: boolean } | undefined {
  if (reply === null || reply === undefined) return undefined;
  return typeof reply === 'string' ? { pin: reply, remember: true } : reply;
}
