// Builds the core service for one command: policy, store, vault, settings, transport.
// Only what a command needs is opened (status never touches the keychain or the network).
import { readFile } from 'node:fs/promises';
import type { ProgressEvent, ReminderEvent } from '../../shared/contract';
import type { LoadedPolicy } from '../core/config';
import { CoreError } from '../core/errors';
import type { CoreService, TransportIdentity } from '../core/renewal';
import type { CertificateStore } from '../core/store';
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
}

async function openStore(spec: string, env: Record<string, string | undefined>): Promise<CertificateStore> {
  const { openStoreFor } = await import('../core/store');
  return openStoreFor(spec, env.HOME ? { home: env.HOME } : {});
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

export async function buildContext(o: GlobalOptions, env: Record<string, string | undefined>, emit: {
  progress(e: ProgressEvent): void;
  reminder(e: ReminderEvent): void;
}, chromium?: ChromiumTransport): Promise<Context> {
  // A store named on the command line opens (its first certutil listing runs) while the
  // rest of the core, policy schema included, loads and compiles: the two overlap. Errors
  // keep their order: a bad policy is reported before a bad store.
  let early: Promise<CertificateStore> | undefined;
  if (o.store) {
    await import('../core/store');
    early = openStore(o.store, env);
    early.catch(() => undefined);
  }
  const [{ loadPolicy, openSettings, userDataDir }, { chooseTransport }, { createRenewalService }] = await Promise.all([
    import('../core/config'),
    import('../transport-choice'),
    import('../core/renewal'),
  ]);
  const loaded = await loadPolicy(o.policy ? { file: o.policy } : {});
  const { policy } = loaded;
  const storeSpec = o.store ?? policy.stores[0] ?? 'os';
  const store = await (early ?? openStore(storeSpec, env));
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
    reminders: false,
  });
  return { loaded, service };
}
