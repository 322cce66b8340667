// Builds the core service for one command: policy, store, vault, settings, transport.
// Only what a command needs is opened (status never touches the keychain or the network).
import { readFile } from 'node:fs/promises';
import type { ProgressEvent, ReminderEvent } from '../../shared/contract';
import type { LoadedPolicy } from '../core/config';
import { CoreError } from '../core/errors';
import type { CoreService, TransportIdentity } from '../core/renewal';
import type { CertificateStore } from '../core/store';
import type { PrefetchedListing } from '../core/store/prefetch';
import type { ChromiumTransport } from '../transport-choice';
import type { Vault } from '../core/vault';

export interface GlobalOptions {
  json?: boolean;
  policy?: string;
  store?: string;
  identity?: string;
  identityPasswordEnv?: string;
  yes?: boolean;
}

export interface Context {
  loaded: LoadedPolicy;
  service: CoreService;
  /** Waits for work started early (an identity export and its temporary folder) to end: call before exiting. */
  settle(): Promise<void>;
}

async function openStore(spec: string, env: Record<string, string | undefined>, prefetched?: PrefetchedListing): Promise<CertificateStore> {
  const { openStoreFor } = await import('../core/store');
  return openStoreFor(spec, { ...(env.HOME ? { home: env.HOME } : {}), ...(prefetched ? { prefetched } : {}) });
}

/** The keychain is opened on first use only: most commands never need it. */
function lazyVault(): Vault {
  let v: Promise<Vault> | undefined;
  const get = () => (v ??= import('../core/vault').then((m) => m.createKeytarVault()));
  return {
    getOrCreateKey: async () => (await get()).getOrCreateKey(),
    delete: async () => (await get()).delete(),
  };
}

/** What the command is about to do: what to start early, and whether reading may finish an interrupted renewal. */
export interface ContextIntent {
  renew?: boolean;
  /** false: status and inspect read only (no store write, no network) unless --recover. */
  recoverOnRead?: boolean;
}

export async function buildContext(o: GlobalOptions, env: Record<string, string | undefined>, emit: {
  progress(e: ProgressEvent): void;
  reminder(e: ReminderEvent): void;
}, chromium?: ChromiumTransport, intent: ContextIntent = {}): Promise<Context> {
  // The store is listed (certutil, for an NSS db) while the core, the PKI code and the
  // policy schema load and compile: the light prefetch module is loaded first, so certutil
  // runs before the big chunks compile. A store named on the command line starts at once,
  // the policy's as soon as the policy is read. Errors keep their order: a bad policy is
  // reported before a bad store.
  const home = env.HOME ? { home: env.HOME } : {};
  const { prefetchListing } = await import('../core/store/prefetch');
  // A renewal through Node's TLS presents the store's identity: its export starts with the listing.
  const early = { ...home, identity: Boolean(intent.renew && !o.identity && !chromium) };
  const started: PrefetchedListing[] = [];
  const prefetch = (spec: string) => {
    const p = prefetchListing(spec, early);
    if (p) started.push(p);
    return p;
  };
  const named = o.store ? { spec: o.store, prefetched: prefetch(o.store) } : undefined;
  // Private folders a killed run left (a key beside its password): removed at every start.
  const swept = import('../core/store/temp-sweep').then((m) => m.sweepStaleDirs());
  // The export starts from the first batch's answer: let that answer in before the big chunks
  // occupy this thread for a while.
  if (early.identity) await named?.prefetched?.started;
  const config = import('../core/config');
  const policyLoad = config.then((m) => m.loadPolicy(o.policy ? { file: o.policy } : {}));
  policyLoad.catch(() => undefined);
  const opened = named
    ? openStore(named.spec, env, named.prefetched)
    : policyLoad.then((l) => l.policy.stores[0] ?? 'os').then((spec) => openStore(spec, env, prefetch(spec)));
  opened.catch(() => undefined);
  const [{ openSettings, userDataDir }, { chooseTransport }, { createRenewalService }] = await Promise.all([
    config,
    import('../transport-choice'),
    import('../core/renewal'),
  ]);
  const loaded = await policyLoad;
  const { policy } = loaded;
  const storeSpec = o.store ?? policy.stores[0] ?? 'os';
  const store = await opened;
  const dataDir = env.CERTDESK_DATA_DIR ?? userDataDir();
  let identityFor: ((fp: string) => Promise<TransportIdentity>) | undefined;
  if (o.identity) {
    const file = o.identity;
    const passVar = o.identityPasswordEnv;
    const password = passVar ? env[passVar] : undefined;
    if (passVar && password === undefined) throw new CoreError('INVALID_INPUT', `The environment variable ${passVar} is not set.`, { field: 'identity-password-env', usage: true });
    identityFor = async () => {
      try {
        return { pkcs12: new Uint8Array(await readFile(file)), password: password ?? '' };
      } catch (err) {
        throw new CoreError('INVALID_INPUT', `The identity file ${file} cannot be read (${(err as NodeJS.ErrnoException).code}).`, { field: 'identity' });
      }
    };
  }
  const service = createRenewalService({
    policy,
    policySource: loaded.source,
    managed: loaded.managed,
    store,
    vault: lazyVault(),
    settings: openSettings({ dir: dataDir }),
    journalDir: dataDir,
    // --identity wins; otherwise the headless app presents the store's certificate through Chromium.
    ...chooseTransport(policy, storeSpec, chromium),
    ...(identityFor ? { identityFor } : {}),
    emit: (event, payload) => {
      if (event === 'progress') emit.progress(payload as ProgressEvent);
      else emit.reminder(payload as ReminderEvent);
    },
    versions: { certdesk: '0.1.0' },
    recoverOnRead: intent.recoverOnRead ?? true,
  });
  const settle = async () => {
    await Promise.allSettled([swept, ...started.flatMap((p) => [p.listing, p.identity])]);
  };
  return { loaded, service, settle };
}
