// The main-process side of the e2e tests: the real renewal service (src/main/core/renewal)
// over the bank simulator, a real NSS db and the keytar vault in a private keyring session,
// wrapped by the desktop API exactly as the Electron app wraps it. Only the Electron
// objects themselves (save dialog, shell) are stand-ins, recording what they were asked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEvent, CertDeskApi, CertDeskEvents } from '../../src/shared/contract';
import type { Bank } from '../bank';
import { createRenewalService, type CoreService } from '../../src/main/core/renewal';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import { createKeytarVault } from '../../src/main/core/vault';
import { openSettings, parsePolicy } from '../../src/main/core/config';
import { createNodeTransport } from '../../src/main/core/est';
import { pemToDer } from '../../src/main/core/pki';
import { createDesktopApi } from '../../src/main/app/desktop-api';
import { toApiError } from '../../src/main/core/errors';

export type Emit = <E extends ApiEvent>(event: E, payload: CertDeskEvents[E]) => void;

export interface BackendOptions {
  bank: Bank;
  /** Extra or replaced policy fields, as IT would write them in policy.json. */
  policy?: Record<string, unknown>;
  /** Override where the journal lives (e.g. an unwritable place). */
  journalDir?: string;
  /** The NSS db folder; a fresh one by default. */
  dbDir?: string;
}

export interface Backend {
  api: CertDeskApi;
  service: CoreService | null;
  store: CertificateStore;
  dbDir: string;
  journalDir: string;
  /** The service's clock and the bank's, moved together (null = real time). */
  setClock(at: Date | null): void;
  /** Longest real wait between "pending" retries (the bank's Retry-After is shown, not slept through). */
  setMaxSleepMs(ms: number): void;
  connect(emit: Emit): void;
  /** A bank account whose current certificate (expiring in `days`) is installed in the NSS db. */
  seed(id: string, days: number): Promise<{ fingerprint: string; password: string }>;
  savedDiagnostics: string[];
  openedUrls: string[];
  /** Where the save dialog answers; point it somewhere unwritable to make saving fail. */
  setSaveTarget(path: string): void;
  close(): Promise<void>;
}

export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const { bank } = opts;
  const root = mkdtempSync(join(tmpdir(), 'certdesk-e2e-'));
  const dbDir = opts.dbDir ?? join(root, 'nssdb');
  const journalDir = opts.journalDir ?? join(root, 'journal');
  let clock: Date | null = null;
  let maxSleep = 200;
  let emit: Emit = () => undefined;
  let saveTarget = join(root, 'diagnostics.txt');
  const savedDiagnostics: string[] = [];
  const openedUrls: string[] = [];

  const store = await openNssStore({ dbDir, create: true });
  const doc = {
    bankName: 'デモ信用金庫',
    endpoint: bank.url,
    trustAnchorPem: bank.trustAnchorPem,
    stores: [`nss:${dbDir}`],
    bankSiteUrl: 'https://ib.example.jp/',
    pendingMaxAttempts: 3,
    ...opts.policy,
  };
  const now = () => (clock ? new Date(clock) : new Date());
  let service: CoreService | null = null;
  let core: Omit<CertDeskApi, 'saveDiagnostics' | 'openBankSite'>;
  try {
    const loaded = await parsePolicy(doc, join(root, 'policy.json'));
    const policy = loaded.policy;
    service = createRenewalService({
      policy,
      policySource: loaded.source,
      managed: loaded.managed,
      store,
      vault: createKeytarVault({ service: `certdesk-e2e-${process.pid}`, account: root }),
      settings: openSettings({ dir: join(root, 'settings') }),
      transportFor: (identity) =>
        createNodeTransport({
          anchorsPem: policy.trustAnchorPem,
          ...(identity && !('fingerprint' in identity) ? { identity } : {}),
          proxy: 'direct',
          connectTimeoutMs: 5_000,
          requestTimeoutMs: 20_000,
        }),
      now,
      emit: (e, p) => emit(e, p),
      journalDir,
      versions: { e2e: '1' },
      sleep: (ms, signal) =>
        new Promise<void>((ok) => {
          const t = setTimeout(ok, Math.min(ms, maxSleep));
          signal?.addEventListener('abort', () => {
            clearTimeout(t);
            ok();
          });
        }),
    });
    core = service;
  } catch (err) {
    // As the app does when the machine policy is unusable: every call answers why.
    const error = toApiError(err);
    const failing = async () => ({ ok: false as const, error });
    core = {
      getOverview: failing,
      getDetails: failing,
      runPreflight: failing,
      renew: failing,
      acquire: failing,
      cancel: failing,
      getDiagnostics: failing,
      getSettings: failing,
      updateSettings: failing,
    };
  }

  const api = createDesktopApi({
    core,
    bankSiteUrl: doc.bankSiteUrl,
    // The bank pages openBankSite maps the renderer's page names to, as desktop.ts passes them.
    bankLoginUrl: opts.policy?.bankLoginUrl as string | undefined,
    newPcGuideUrl: opts.policy?.newPcGuideUrl as string | undefined,
    dialog: {
      showSaveDialog: (async () => ({ canceled: false, filePath: saveTarget })) as never,
    },
    shell: {
      openExternal: async (url: string) => {
        openedUrls.push(url);
      },
    },
    window: () => null,
    strings: () => ({ saveDiagnosticsTitle: 'save' }) as never,
    now,
  });
  const recording: CertDeskApi = {
    ...api,
    saveDiagnostics: async () => {
      const r = await api.saveDiagnostics();
      if (r.ok && r.value.saved) savedDiagnostics.push(saveTarget);
      return r;
    },
  };

  return {
    api: recording,
    service,
    store,
    dbDir,
    journalDir,
    setClock(at) {
      clock = at;
      bank.setClock(at);
    },
    setMaxSleepMs(ms) {
      maxSleep = ms;
    },
    connect(fn) {
      emit = fn;
    },
    async seed(id, days) {
      const s = await bank.seedAccount(id, days);
      await store.installCaCertificates(pemToDer(bank.issuingCaPem, 'CERTIFICATE'));
      await store.install({
        privateKeyPkcs8: pemToDer(s.keyPem, 'PRIVATE KEY')[0]!,
        certificateDer: pemToDer(s.certPem, 'CERTIFICATE')[0]!,
        chainDer: pemToDer(bank.issuingCaPem, 'CERTIFICATE'),
        friendlyName: id,
      });
      return { fingerprint: s.fingerprint, password: s.password };
    },
    savedDiagnostics,
    openedUrls,
    setSaveTarget(path) {
      saveTarget = path;
    },
    async close() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
