// Opens the core for the desktop app: policy, store, vault, settings, and the renewal
// service whose requests go through Chromium's network stack (so keys the OS will not
// export still sign the TLS handshake, chosen by fingerprint in select-client-certificate).
// When the policy cannot be loaded the app still starts and every call answers the
// policy's error, so the window can say what is wrong instead of a crash.
import { fail, type ApiError, type Result } from '../shared/contract';
import type { Policy } from '../shared/policy';
import { loadPolicy, openSettings, userDataDir, type Settings } from './core/config';
import { toApiError } from './core/errors';
import type { EstTransport } from './core/est';
import { createRenewalService, type CoreService, type Emitter, type RenewalDeps } from './core/renewal';
import { chooseTransport } from './transport-choice';
import { openStoreFor, type CertificateStore } from './core/store';
import { sweepStaleDirs } from './core/store/temp-sweep';
import { createKeytarVault } from './core/vault';

export interface CoreWiring {
  service: CoreService;
  policy: Policy;
  policySource: string;
  settings: Settings;
}

export interface WiringOptions {
  emit: Emitter;
  /** Shows a due reminder (the OS notification); the core decides which and records them. */
  remind?: RenewalDeps['remind'];
  /** Tells select-client-certificate which certificate the running renewal presents. */
  onRenewing(fingerprint: string | null): void;
  /** The Electron-net transport; when absent (tests), Node's https with a lent identity. */
  netTransport?: (opts: { policy: Policy }) => EstTransport;
  policyFile?: string;
  dataDir?: string;
}

/** A service that answers every call with one error (the policy or store could not be opened). */
function failingService(error: ApiError): CoreService {
  const answer = async (): Promise<Result<never>> => fail(error.code, error.message, error.detail);
  return {
    getOverview: answer,
    getDetails: answer,
    runPreflight: answer,
    renew: answer,
    acquire: answer,
    cancel: answer,
    remove: answer,
    getDiagnostics: async () => ({ ok: true, value: { text: `CertDesk could not start its core.\n${error.code}: ${error.message}\n` } }),
    getSettings: answer,
    updateSettings: answer,
    recover: async () => null,
  };
}

const FALLBACK_POLICY: Policy = {
  bankName: '',
  endpoint: 'https://invalid.invalid/.well-known/est',
  trustAnchorPem: '',
  keyType: 'rsa2048',
  renewWindowDays: 30,
  graceDays: 90,
  reminderDays: [30, 10],
  removeSuperseded: true,
  proxy: 'system',
  language: 'ja',
  stores: ['os'],
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  pendingMaxAttempts: 10,
  maxClockSkewSeconds: 300,
};

export async function openCoreService(opts: WiringOptions): Promise<CoreWiring> {
  // Private folders a killed run left (a key beside its password): not awaited, it never throws.
  void sweepStaleDirs();
  const dataDir = opts.dataDir ?? userDataDir();
  const settings = openSettings({ dir: dataDir });
  let loaded;
  let store: CertificateStore;
  try {
    loaded = await loadPolicy(opts.policyFile ? { file: opts.policyFile } : {});
    store = await openStoreFor(loaded.policy.stores[0] ?? 'os');
  } catch (err) {
    const error = toApiError(err);
    return { service: failingService(error), policy: loaded?.policy ?? FALLBACK_POLICY, policySource: loaded?.source ?? '(none)', settings };
  }
  const { policy } = loaded;
  const storeSpec = policy.stores[0] ?? 'os';
  const { netTransport } = opts;
  const chromium = netTransport ? { open: (p: Policy) => netTransport({ policy: p }), onRenewing: opts.onRenewing } : undefined;
  const service = createRenewalService({
    policy,
    policySource: loaded.source,
    managed: loaded.managed,
    store,
    vault: createKeytarVault(),
    settings,
    journalDir: dataDir,
    ...chooseTransport(policy, storeSpec, chromium),
    emit: opts.emit,
    ...(opts.remind ? { remind: opts.remind } : {}),
    versions: { certdesk: '0.1.0', electron: process.versions.electron ?? '-', chrome: process.versions.chrome ?? '-', node: process.versions.node },
  });
  return { service, policy, policySource: loaded.source, settings };
}
