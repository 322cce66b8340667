// The one place the core is assembled, for every entry: the desktop app, its headless mode
// and the command line. Policy, store, vault, settings and the transport rule go into the
// renewal service here and nowhere else; what differs between entries is an option.
//
// The modules behind it load lazily (import()): the command line lists the NSS db (its
// token) and starts the identity export (pk12util) while the PKI code and the policy schema
// load and compile, and most commands never open
// the keychain.
import { readFile } from 'node:fs/promises';
import { version } from '../../../../package.json';
import { fail, type ApiError, type Result } from '../../../shared/contract';
import type { LoadedPolicy, Settings } from '../config';
import { CoreError, toApiError } from '../errors';
import type { CheckDeps, CheckReport, CoreService, Emitter, RenewalDeps, TransportIdentity } from '../renewal';
import type { CertificateStore } from '../store';
import type { PrefetchedListing } from '../store/prefetch';
import type { Vault } from '../vault';
import type { ChromiumTransport } from './transport';
import type { PinAsk } from './token';

export type { ChromiumTransport } from './transport';
export type { PinAsk, PinQuestion, PinReply } from './token';
export type { CoreService, DueReminder, Emitter, RecoveryOutcome } from '../renewal';
export type { LoadedPolicy } from '../config';
export type { CertificateStore } from '../store';
export { msUntilNextCheck } from '../renewal/reminders';
export type { AutoRenewal, CheckItem, CheckNotice, CheckReport, CheckState } from '../renewal';
export { CoreError, toApiError } from '../errors';

export const CERTDESK_VERSION: string = version;

export interface ComposeOptions {
  emit: Emitter;
  /** Shows a due reminder (the desktop's notification); without it reading takes none. */
  remind?: RenewalDeps['remind'];
  /** The policy file (the CLI's --policy, the demo's); default the OS's location. */
  policyFile?: string;
  /** A store instead of the policy's (the CLI's --store). */
  store?: string;
  /** HOME and CERTDESK_DATA_DIR are read from here (the CLI's environment); default process.env. */
  env?: Record<string, string | undefined>;
  /** Chromium's network stack (the app and its headless mode): the OS store's key signs the TLS handshake. */
  chromium?: ChromiumTransport;
  /** A PKCS#12 file to authenticate the renewal with (the CLI's --identity), and the variable holding its password. */
  identity?: { file: string; passwordEnv?: string };
  /**
   * Start listing an NSS db before the core has loaded (the command line). No identity is
   * exported early: a renewal over Node's TLS borrows the key from the db's token (nss/lend).
   */
  prefetch?: boolean;
  /**
   * For tests: the stores, already opened, in place of the policy's (Windows' and macOS' adapters
   * over a recording runner, which cannot be opened by name here). The custody is decided on them.
   */
  openedStores?: { stores: CertificateStore[]; readyToWrite(): void };
  /** False: reading never finishes an interrupted renewal (status, inspect). Default true. */
  recoverOnRead?: boolean;
  /** Where the core's log lines go (what the bank's /csrattrs asked and what was done with it); none is secret. */
  log?: RenewalDeps['log'];
  /**
   * The token's user PIN for keyStorage `tpm` / `pkcs11`, asked only when the policy names a
   * token (the CLI: --pin-env or its hidden prompt; null: not given). Never logged.
   */
  pin?: PinAsk;
  /**
   * The app: the PIN is asked when a renewal or 取得 starts (its dialog, asked again when the
   * token refuses it, up to this many times) and forgotten when it ends; never at start.
   * Unset (the CLI): asked once while the core is assembled.
   */
  pinPerOperation?: { asks: number };
  /** Extra versions for diagnostics (electron, chrome). */
  versions?: Record<string, string>;
  now?: () => Date;
}

export interface ComposedCore {
  loaded: LoadedPolicy;
  service: CoreService;
  settings: Settings;
  /** Waits for work started early (the first listing, the start sweep) to end: call before exiting. */
  settle(): Promise<void>;
  /** The data folder (journal, settings, the scheduled check's ledger). */
  dataDir?: string;
  /** The keys live in a token and this run has no PIN for it (not remembered, not given): nothing can be renewed unasked. */
  pinMissing?: boolean;
}

/**
 * The policy layers installed on this PC, as a load without --policy finds them: 'builtin',
 * 'user', 'machine', 'registry'; none installed → []. A layer that is there but cannot be read
 * counts ('unreadable'). For the packaged headless mode's --policy rule (app/headless-args).
 */
export async function installedPolicyLayers(): Promise<string[]> {
  const { loadPolicy } = await import('../config');
  try {
    const loaded = await loadPolicy({});
    return loaded.source.split(' < ').map((s) => s.slice(0, s.indexOf(':')));
  } catch (err) {
    if (err instanceof CoreError && err.detail && (err.detail as { reason?: unknown }).reason === 'NOT_INSTALLED') return [];
    return ['unreadable'];
  }
}

/** Assembles the core; a policy or store that cannot be opened is thrown as its CoreError. */
export async function composeCore(opts: ComposeOptions): Promise<ComposedCore> {
  const env = opts.env ?? process.env;
  const home = env.HOME ? { home: env.HOME } : {};
  // The light prefetch module is loaded first, so the store's tools run before the big chunks compile.
  // A store named by the caller starts at once, the policy's as soon as the policy is read.
  // Errors keep their order: a bad policy is reported before a bad store.
  const { prefetchListing } = await import('../store/prefetch');
  const started: PrefetchedListing[] = [];
  const prefetch = (spec: string) => {
    if (!opts.prefetch) return undefined;
    const p = prefetchListing(spec, home);
    if (p) started.push(p);
    return p;
  };
  const named = opts.store ? { spec: opts.store, prefetched: prefetch(opts.store) } : undefined;
  // Private folders a killed run left (a key beside its password): removed at every start.
  const swept = import('../store/temp-sweep').then((m) => m.sweepStaleDirs());
  const config = import('../config');
  const policyLoad = config.then((m) => m.loadPolicy(opts.policyFile ? { file: opts.policyFile } : {}));
  policyLoad.catch(() => undefined);
  const openStores = async (specs: string[], prefetched?: PrefetchedListing) => {
    const { openStoresFor } = await import('../store/open');
    return openStoresFor(specs, { ...home, ...(prefetched ? { prefetched } : {}) });
  };
  // The policy's stores, the first the primary (identity, listing); --store names one instead.
  const storeSpecs = config.then((m) => (opts.store ? [opts.store] : policyLoad.then((l) => (l.policy.stores.length > 0 ? [...l.policy.stores] : [m.storeOf(l.policy)]))));
  const storeSpec = storeSpecs.then((specs) => specs[0]!);
  // Awaited only once the policy has loaded: a policy that fails is reported from policyLoad.
  storeSpec.catch(() => undefined);
  const opened = opts.openedStores ? Promise.resolve(opts.openedStores)
    : named ? openStores([named.spec], named.prefetched) : storeSpecs.then((specs) => openStores(specs, prefetch(specs[0]!)));
  opened.catch(() => undefined);
  const [{ openSettings, userDataDir }, { chooseTransport }, { createRenewalService }, { decideCustody }] = await Promise.all([config, import('./transport'), import('../renewal'), import('../store')]);
  const dataDir = env.CERTDESK_DATA_DIR ?? userDataDir();
  const settings = openSettings({ dir: dataDir });
  const settle = async () => {
    await Promise.allSettled([swept, ...started.map((p) => p.listing)]);
  };
  const loaded = await policyLoad;
  const { policy } = loaded;
  const { stores: [opened0, ...others], readyToWrite } = await opened;
  // Where the key is made and kept: decided once here, by the store layer, for the stores this run
  // writes; the renewal, the preflight (doctor) and the diagnostics take this decision as it is.
  // A module's token (tpm / pkcs11 with an NSS store): its custodian, the store seeing the token,
  // its key over Node's TLS, wired here because only the entry can ask the PIN.
  const custody = decideCustody(policy, [opened0!, ...others]);
  const tokenModule = custody.place === 'module' ? await import('./token') : undefined;
  // The app's PIN lives only while its operation runs (pinPerOperation); the CLI's for the run.
  const operationPin: { value?: string } = {};
  const perOperation = opts.pinPerOperation;
  const runPin = tokenModule && !perOperation ? await tokenModule.tokenPin(custody, policy.rememberPin, opts.pin) : undefined;
  const token = tokenModule?.wireToken(custody, [opened0!, ...others], perOperation ? () => operationPin.value : runPin);
  const store = token?.store ?? opened0;
  const transport = chooseTransport(policy, await storeSpec, opts.chromium);
  const identityFor = opts.identity ? identityFromFile(opts.identity, env) : transport.identityFor ? undefined : token?.identityFor;
  const renewal = createRenewalService({
    policy,
    policySource: loaded.source,
    managed: loaded.managed,
    ...(loaded.origins ? { origins: loaded.origins } : {}),
    ...(loaded.ignored?.length ? { ignoredPolicy: loaded.ignored } : {}),
    store: store!,
    ...(others.length > 0 ? { stores: token?.stores ?? [store!, ...others] } : {}),
    readyToWrite,
    vault: lazyVault(),
    settings,
    journalDir: dataDir,
    // --identity wins; otherwise the app and its headless mode present the store's certificate through Chromium.
    ...transport,
    custody,
    ...(token ? { custodian: token.custodian } : {}),
    ...(identityFor ? { identityFor } : {}),
    emit: opts.emit,
    ...(opts.remind ? { remind: opts.remind } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    versions: { certdesk: CERTDESK_VERSION, ...opts.versions },
    recoverOnRead: opts.recoverOnRead ?? true,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const service = tokenModule && perOperation ? withOperationPin(renewal, () => tokenModule.tokenPin(custody, policy.rememberPin, opts.pin, { asks: perOperation.asks }), operationPin) : renewal;
  return { loaded, service, settings, settle, dataDir, pinMissing: Boolean(tokenModule && !perOperation && runPin === undefined) };
}

/** The policy alone (`certdesk schedule`: its checkTime and remindersAtLogin), without opening any store. */
export async function loadPolicyOnly(policyFile?: string): Promise<LoadedPolicy> {
  const { loadPolicy } = await import('../config');
  return loadPolicy(policyFile ? { file: policyFile } : {});
}

/** The data folder (journal, settings, the check's ledger) for this environment. */
export async function dataDirOf(env: Record<string, string | undefined> = process.env): Promise<string> {
  const { userDataDir } = await import('../config');
  return env.CERTDESK_DATA_DIR ?? userDataDir();
}

/** `certdesk check` on an assembled core (src/main/core/renewal/check.ts). */
export async function runScheduledCheck(core: ComposedCore, o: Pick<CheckDeps, 'takenReminders' | 'sleep' | 'busyWaitsMs' | 'now'>): Promise<CheckReport> {
  const { runCheck } = await import('../renewal');
  const { userDataDir } = await import('../config');
  return runCheck({ ...o, service: core.service, policy: core.loaded.policy, dataDir: core.dataDir ?? userDataDir(), ...(core.pinMissing ? { pinMissing: true } : {}) });
}

/**
 * Renewal and 取得 with the token's PIN asked as they start and dropped as they end. A
 * second call while one runs (or waits for its PIN) is BUSY, never asked. Not given (the
 * dialog cancelled, closed, timed out) fails before anything is done.
 */
function withOperationPin(service: CoreService, askPin: () => Promise<string | undefined>, holder: { value?: string }): CoreService {
  let running = false;
  const during = async <T,>(run: () => Promise<Result<T>>): Promise<Result<T>> => {
    if (running) return fail('BUSY', 'A renewal is already running. Wait for it to finish.');
    running = true;
    try {
      let pin: string | undefined;
      try {
        pin = await askPin();
      } catch (err) {
        const e = toApiError(err);
        return fail(e.code, e.message, e.detail);
      }
      if (pin === undefined) {
        return fail('STORE_UNAVAILABLE', 'The PIN of the key\'s token was not entered (the dialog was cancelled or closed, or 5 minutes passed). Nothing was changed. Start again and enter the PIN.', { reason: 'PIN_REQUIRED' });
      }
      holder.value = pin;
      return await run();
    } finally {
      delete holder.value;
      running = false;
    }
  };
  return { ...service, renew: (fp) => during(() => service.renew(fp)), acquire: (request) => during(() => service.acquire(request)) };
}

/**
 * The desktop app's core: when the policy or the store cannot be opened the app still
 * starts and every call answers that error, so the window can say what is wrong.
 */
export async function composeCoreOrFailing(opts: ComposeOptions): Promise<ComposedCore> {
  try {
    return await composeCore(opts);
  } catch (err) {
    const error = toApiError(err);
    const { fallbackPolicy, openSettings, userDataDir } = await import('../config');
    const env = opts.env ?? process.env;
    const settings = openSettings({ dir: env.CERTDESK_DATA_DIR ?? userDataDir() });
    const policy = fallbackPolicy();
    return { loaded: { policy, source: '(none)', managed: [] }, service: failingService(error), settings, settle: async () => undefined };
  }
}

/** A service that answers every call with one error (the policy or store could not be opened, or the core process could not start). */
export function failingService(error: ApiError): CoreService {
  const answer = async (): Promise<Result<never>> => fail(error.code, error.message, error.detail);
  return {
    getOverview: answer,
    getDetails: answer,
    runPreflight: answer,
    renew: answer,
    removeSuperseded: answer,
    acquire: answer,
    cancel: answer,
    getDiagnostics: async () => ({ ok: true, value: { text: `CertDesk could not start its core.\n${error.code}: ${error.message}\n` } }),
    getSettings: answer,
    updateSettings: answer,
    recover: async () => null,
  };
}

/** The keychain is opened on first use only: most commands and most app starts never need it. */
function lazyVault(): Vault {
  let v: Promise<Vault> | undefined;
  const get = () => (v ??= import('../vault').then((m) => m.createKeytarVault()));
  return {
    getOrCreateKey: async () => (await get()).getOrCreateKey(),
    delete: async () => (await get()).delete(),
  };
}

function identityFromFile(identity: { file: string; passwordEnv?: string }, env: Record<string, string | undefined>): (fp: string) => Promise<TransportIdentity> {
  const { file, passwordEnv } = identity;
  const password = passwordEnv ? env[passwordEnv] : undefined;
  if (passwordEnv && password === undefined) throw new CoreError('INVALID_INPUT', `The environment variable ${passwordEnv} is not set.`, { field: 'identity-password-env', usage: true });
  return async () => {
    try {
      return { pkcs12: new Uint8Array(await readFile(file)), password: password ?? '' };
    } catch (err) {
      throw new CoreError('INVALID_INPUT', `The identity file ${file} cannot be read (${(err as NodeJS.ErrnoException).code}).`, { field: 'identity' });
    }
  };
}
