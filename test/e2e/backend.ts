// The main-process side of the e2e tests, on the app's real wiring (issue 25): the core's own
// process (the built out/main/core-process.js, forked under plain Node since Electron's binary
// cannot be installed here) running composeCore over the bank simulator, a real NSS db and the
// keytar vault in a private keyring session; main's channel client to it; the desktop API
// (app/desktop-api.ts) over that client; and ipc.ts's real registration on a stand-in ipcMain,
// which the page reaches through the preload's own bridge code (fixtures.ts). Only Electron's
// objects are stand-ins: ipcMain, the window's webContents, the save dialog and the shell,
// each recording what it was asked.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { fail, type ApiEvent, type CertDeskApi, type CertDeskEvents, type PinAnswer, type ProxyAuthAnswer, type Result } from '../../src/shared/contract';
import type { Bank } from '../bank';
import { createDesktopApi } from '../../src/main/app/desktop-api';
import { emit, registerApi, registerPinAnswer, registerProxyAuthAnswer } from '../../src/main/app/ipc';
import { createSenderCheck } from '../../src/main/app/security';
import { createWindowRecord } from '../../src/main/app/window-record';
import { statusFilePath } from '../../src/main/cli/record';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import { startNodeCore, type NodeCore } from '../support/node-core';

export type Emit = <E extends ApiEvent>(event: E, payload: CertDeskEvents[E]) => void;

export interface BackendOptions {
  bank: Bank;
  /** Extra or replaced policy fields, as IT would write them in policy.json. */
  policy?: Record<string, unknown>;
  /** Where the core keeps its journal and settings (CERTDESK_DATA_DIR), e.g. an unwritable place. */
  journalDir?: string;
  /** The NSS db folder; a fresh one by default. */
  dbDir?: string;
  /** The first core process SIGKILLs itself at this point of a renewal (the kill harness's hook, src/main/core/kill-points.ts); the next one runs clean. */
  killAt?: string;
}

type Answerer<A> = { answer(id: string, answer: A | null): boolean };

export interface Backend {
  /** The desktop API as main holds it (another caller of this main process than the window). */
  api: CertDeskApi;
  /** The core's process (its client, the processes started, the clock). */
  core: NodeCore;
  /** The NSS db as the test sees it (opened in this process only when a test reads or edits it). */
  store: CertificateStore;
  dbDir: string;
  journalDir: string;
  /** The core's clock and the bank's, moved together (null = real time). */
  setClock(at: Date | null): void;
  /** The status file the window's record writes (app/window-record.ts, as desktop.ts wires it). */
  statusFile: string;
  /** The OS log entries it wrote: [file, args] of each `logger` run (recorded, not run: no syslog here). */
  logged: Array<[string, string[]]>;
  /** A call from the window: the channel ipc.ts registered, with the window's own sender. */
  invoke(channel: string, args: unknown[]): Promise<unknown>;
  /** Where main's events to the window go (the page's side of the preload). */
  connect(send: (channel: string, payload: unknown) => void): void;
  /** Main's emit() to the window (ipc.ts), as desktop.ts uses it. */
  emit: Emit;
  /** Who answers the PIN / proxy sign-in dialogs (main's brokers); none: "no such request". */
  setPin(broker: Answerer<PinAnswer> | null): void;
  setProxyAuth(broker: Answerer<ProxyAuthAnswer> | null): void;
  /** Registers another implementation behind the window's channels (ipc.ts again). */
  setApi(api: CertDeskApi): void;
  /** A bank account whose current certificate (expiring in `days`) is installed in the NSS db. */
  seed(id: string, days: number): Promise<{ fingerprint: string; password: string }>;
  savedDiagnostics: string[];
  openedUrls: string[];
  /** Where the save dialog answers; point it somewhere unwritable to make saving fail. */
  setSaveTarget(path: string): void;
  close(): Promise<void>;
}

/** ipcMain as ipc.ts uses it: handlers by channel. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  return {
    handlers,
    handle: (channel: string, fn: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const { bank } = opts;
  const root = mkdtempSync(join(tmpdir(), 'certdesk-e2e-'));
  const dbDir = opts.dbDir ?? join(root, 'nssdb');
  const journalDir = opts.journalDir ?? join(root, 'data');
  let saveTarget = join(root, 'diagnostics.txt');
  const savedDiagnostics: string[] = [];
  const openedUrls: string[] = [];
  let send: (channel: string, payload: unknown) => void = () => undefined;

  mkdirSync(dbDir, { recursive: true });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${dbDir}`]);
  const policyFile = join(root, 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      bankName: 'デモ信用金庫',
      endpoint: bank.url,
      trustAnchorPem: bank.trustAnchorPem,
      stores: [`nss:${dbDir}`],
      bankSiteUrl: 'https://ib.example.jp/',
      pendingMaxAttempts: 3,
      ...opts.policy,
    }),
  );
  mkdirSync(join(root, 'home'), { recursive: true });

  // The window as main sees it: its webContents (sender of every call, target of every event).
  const mainFrame = { url: 'app://certdesk/index.html' };
  const contents = { mainFrame, isDestroyed: () => false, send: (channel: string, payload: unknown) => send(channel, payload) } as unknown as WebContents;
  const trustedEvent = { sender: contents, senderFrame: mainFrame } as unknown as IpcMainInvokeEvent;
  const toWindow: Emit = (event, payload) => emit(contents, event, payload);

  const env = { ...process.env, HOME: join(root, 'home'), CERTDESK_DATA_DIR: journalDir };
  const core = startNodeCore({
    policyFile,
    env,
    ...(opts.killAt ? { envFor: (n: number) => (n === 1 ? { ...env, CERTDESK_TEST_KILL_AT: opts.killAt } : env) } : {}),
    host: { event: toWindow },
  });
  const ready = await core.client.ready;

  // The record after each renewal and 取得 from the window, as desktop.ts wires it.
  const logged: Array<[string, string[]]> = [];
  const recordEnv = { HOME: join(root, 'home') };
  const windowRecord = createWindowRecord({ version: 'e2e', env: recordEnv, platform: 'linux', exec: async (file, args) => void logged.push([file, args]), warn: (line) => console.warn(line) });
  const api = createDesktopApi({
    core: windowRecord.wrap(core.client.service),
    bankSiteUrl: ready?.bankSiteUrl,
    bankLoginUrl: ready?.bankLoginUrl,
    newPcGuideUrl: ready?.newPcGuideUrl,
    supportUrl: ready?.supportUrl,
    dialog: { showSaveDialog: (async () => ({ canceled: false, filePath: saveTarget })) as never },
    shell: {
      openExternal: async (url: string) => {
        openedUrls.push(url);
      },
    },
    window: () => null,
    strings: () => ({ saveDiagnosticsTitle: 'save' }) as never,
  });
  const recording: CertDeskApi = {
    ...api,
    saveDiagnostics: async () => {
      const r = await api.saveDiagnostics();
      if (r.ok && r.value.saved) savedDiagnostics.push(saveTarget);
      return r;
    },
  };

  const ipc = fakeIpcMain();
  const senderCheck = createSenderCheck(() => contents);
  let unregister = registerApi(ipc, recording, senderCheck);
  let pin: Answerer<PinAnswer> | null = null;
  let proxyAuth: Answerer<ProxyAuthAnswer> | null = null;
  registerPinAnswer(ipc, { answer: (id, a) => pin?.answer(id, a) ?? false }, senderCheck);
  registerProxyAuthAnswer(ipc, { answer: (id, a) => proxyAuth?.answer(id, a) ?? false }, senderCheck);

  let store: CertificateStore | null = null;
  const testStore = async () => (store ??= await openNssStore({ dbDir }));
  // Opened on first use: a view of the db from outside the core, as certutil would have.
  const storeView = new Proxy({} as CertificateStore, {
    get: (_t, name: string) => async (...args: unknown[]) => {
      const s = await testStore();
      return (s[name as keyof CertificateStore] as (...a: unknown[]) => unknown)(...args);
    },
  });

  return {
    api: recording,
    core,
    store: storeView,
    dbDir,
    journalDir,
    setClock(at) {
      core.setClock(at);
      bank.setClock(at);
    },
    statusFile: statusFilePath(recordEnv, 'linux')!,
    logged,
    async invoke(channel, args) {
      const handler = ipc.handlers.get(channel);
      if (!handler) return fail('INVALID_INPUT', `No handler for ${channel}.`) as Result<never>;
      return handler(trustedEvent, ...args);
    },
    connect(fn) {
      send = fn;
    },
    emit: toWindow,
    setPin(b) {
      pin = b;
    },
    setProxyAuth(b) {
      proxyAuth = b;
    },
    setApi(next) {
      unregister();
      unregister = registerApi(ipc, next, senderCheck);
    },
    async seed(id, days) {
      const s = await bank.seedAccount(id, days);
      // With NSS's own tools, as IT or the old browser flow left it: the identity from its
      // PKCS#12, the issuing CA as chain material (trusted for nothing).
      execFileSync('pk12util', ['-i', s.p12Path, '-d', `sql:${dbDir}`, '-W', s.p12Password], { stdio: 'ignore' });
      const ca = join(root, 'issuing.pem');
      writeFileSync(ca, bank.issuingCaPem);
      execFileSync('certutil', ['-A', '-d', `sql:${dbDir}`, '-n', 'CertDesk e2e issuing CA', '-t', ',,', '-a', '-i', ca]);
      return { fingerprint: s.fingerprint, password: s.password };
    },
    savedDiagnostics,
    openedUrls,
    setSaveTarget(path) {
      saveTarget = path;
    },
    async close() {
      core.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
