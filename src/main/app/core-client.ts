// Main's side of the channel to the core's process (src/shared/core-channel.ts): the core's
// methods as the contract types them, each call with its id; the core's events, reminders and
// log lines handed to main's window, notifications and log; its questions (the token's PIN,
// a request over Chromium's stack) answered by main. No electron import: the spawn is given
// (utilityProcess in the app, child_process.fork in the tests), so this runs under Node too.
//
// When the core's process ends (a vendor's PKCS#11 module crashed, out of memory, killed):
// every call it had not answered gets CORE_STOPPED — never sent again, since the renewal may
// have got as far as the bank — and a new process starts; its first overview recovers the
// interrupted renewal from the journal. A process that keeps dying before it is ready is not
// started a fourth time: the calls answer why.
import { fail, type ApiEvent, type CertDeskApi, type CertDeskEvents, type Result } from '../../shared/contract';
import { coreStoppedError, parseFromCore, type CoreAsk, type CoreMethod, type CoreReady, type CoreStart, type FromCore, type ToCore } from '../../shared/core-channel';
import type { Policy } from '../../shared/policy';
import type { ChromiumTransport } from '../core/compose/transport';

/** One core process as main sees it. */
export interface CorePort {
  send(m: ToCore): void;
  onMessage(fn: (m: unknown) => void): void;
  onExit(fn: (code: number | null) => void): void;
  kill(): void;
  readonly pid: number | undefined;
}

export interface CoreHost {
  event<E extends ApiEvent>(event: E, payload: CertDeskEvents[E]): void;
  remind?(r: { fingerprint: string; holder: string; threshold: number; daysLeft: number }): void;
  log(line: string): void;
  /** The token's PIN from the window's dialog; null = not given. */
  askPin?(q: { tokenLabel: string; retry: boolean; offerRemember: boolean }): Promise<{ pin: string; remember: boolean } | null>;
  /** Chromium's network stack (the app, its headless mode). */
  chromium?: ChromiumTransport;
  /** Headless: the command line's output, its terminal mode, its end. */
  out?(stream: 'stdout' | 'stderr', data: string): void;
  rawMode?(raw: boolean): void;
  exit?(code: number): void;
  /** A core process ended unasked (the log, and the tests). */
  stopped?(info: { pid: number | undefined; code: number | null; interrupted: CoreMethod[] }): void;
}

export type CoreCalls = Omit<CertDeskApi, 'saveDiagnostics' | 'openBankSite'>;

export interface CoreClient {
  service: CoreCalls;
  /** Any call, with a signal that cancels it (a renewal: the contract's cancel; a read: its answer is dropped). */
  call(method: CoreMethod, args: unknown[], signal?: AbortSignal): Promise<Result<unknown>>;
  /** The first process's ready message (the policy's pages, language, start time); null when no process became ready. */
  ready: Promise<CoreReady | null>;
  /** Headless: the terminal's input to the command line. */
  stdin(data: Uint8Array | null): void;
  /** The process now serving (the tests kill it). */
  pid(): number | undefined;
  /** Ends the process for good (the app quits). */
  stop(): void;
}

type Calls = Map<number, { method: CoreMethod; resolve: (r: Result<unknown>) => void }>;
interface PerProcess {
  calls: Calls;
  work: Map<number, AbortController>;
  transports: Map<number, ReturnType<ChromiumTransport['open']>>;
}

/** Restarts without a ready message in between before the client gives up. */
const MAX_FAILED_STARTS = 3;

/** `restart: false` (the headless command line): a process that ends is not replaced; its run is over. */
export function startCoreClient(spawn: () => CorePort, start: CoreStart, host: CoreHost, opts: { restart?: boolean } = {}): CoreClient {
  let next = 0;
  let stopped = false;
  let failedStarts = 0;
  let gaveUp: string | null = null;
  let port: CorePort;
  // The calls of the process now serving (each process has its own; they end with it).
  let calls: Calls = new Map();
  let readyOnce: (r: CoreReady | null) => void = () => undefined;
  const ready = new Promise<CoreReady | null>((resolve) => (readyOnce = resolve));

  const launch = () => {
    const p = spawn();
    // This process's calls, main's work for its questions, the Chromium transports it opened.
    const mine: PerProcess = { calls: new Map(), work: new Map(), transports: new Map() };
    calls = mine.calls;
    port = p;
    p.onMessage((raw) => {
      const m = parseFromCore(raw);
      if (!m) return host.log('core channel: a message of an unknown shape was dropped');
      if (port === p) handle(p, m, mine);
    });
    p.onExit((code) => {
      for (const c of mine.work.values()) c.abort();
      for (const t of mine.transports.values()) t.close();
      const interrupted = [...mine.calls.values()];
      mine.calls.clear();
      for (const c of interrupted) c.resolve({ ok: false, error: coreStoppedError(c.method) });
      if (stopped || port !== p) return;
      host.stopped?.({ pid: p.pid, code, interrupted: interrupted.map((c) => c.method) });
      host.log(`core process ${p.pid ?? '?'} ended (code ${code}); ${interrupted.length} call(s) answered CORE_STOPPED, none resent`);
      failedStarts += 1;
      if (opts.restart === false) {
        gaveUp = `CertDesk's core process ended (exit code ${code}).`;
        readyOnce(null);
        return;
      }
      if (failedStarts >= MAX_FAILED_STARTS) {
        gaveUp = `CertDesk's core process ended ${failedStarts} times before it was ready (last exit code ${code}). Restart CertDesk; if this repeats, save the log and ask your IT department.`;
        readyOnce(null);
        return;
      }
      launch();
    });
    p.send({ t: 'start', start });
  };

  function handle(p: CorePort, m: FromCore, mine: PerProcess): void {
    switch (m.t) {
      case 'ready':
        failedStarts = 0;
        readyOnce(m.ready);
        return;
      case 'result': {
        const c = mine.calls.get(m.id);
        mine.calls.delete(m.id);
        c?.resolve(m.result);
        return;
      }
      case 'event':
        host.event(m.event, m.payload as never);
        return;
      case 'remind':
        host.remind?.(m.reminder);
        return;
      case 'log':
        host.log(m.line);
        return;
      case 'ask': {
        const control = new AbortController();
        mine.work.set(m.id, control);
        void answer(m.ask, control.signal, mine.transports).then((result) => {
          if (mine.work.delete(m.id) && !control.signal.aborted) p.send({ t: 'answer', id: m.id, result });
        });
        return;
      }
      case 'abandon':
        mine.work.get(m.id)?.abort();
        mine.work.delete(m.id);
        return;
      case 'net':
        if (m.op === 'open') {
          if (host.chromium) mine.transports.set(m.transport, host.chromium.open(m.policy as Policy));
        } else if (m.op === 'close') {
          mine.transports.get(m.transport)?.close();
          mine.transports.delete(m.transport);
        } else host.chromium?.onRenewing(m.fingerprint);
        return;
      case 'out':
        host.out?.(m.stream, m.data);
        return;
      case 'rawMode':
        host.rawMode?.(m.raw);
        return;
      case 'exit':
        host.exit?.(m.code);
        return;
    }
  }

  async function answer(ask: CoreAsk, signal: AbortSignal, open: PerProcess['transports']): Promise<Result<unknown>> {
    try {
      if (ask.kind === 'pin') {
        if (!host.askPin) return { ok: true, value: null };
        const a = await host.askPin({ tokenLabel: ask.tokenLabel, retry: ask.retry, offerRemember: ask.offerRemember, ...(ask.pinTries ? { pinTries: ask.pinTries } : {}) });
        return { ok: true, value: a ? { pin: a.pin, remember: a.remember } : null };
      }
      const t = open.get(ask.transport);
      if (!t) return fail('INTERNAL', 'The core asked for a request over a transport main has not opened.', { reason: 'CHANNEL' });
      return { ok: true, value: await t.send({ ...ask.request, signal }) };
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; toApiError?: () => unknown };
      if (typeof e.toApiError === 'function') return { ok: false, error: e.toApiError() } as Result<unknown>;
      return fail('NETWORK', `The request failed in the main process: ${typeof e.message === 'string' ? e.message : String(err)}`);
    }
  }

  function call(method: CoreMethod, args: unknown[], signal?: AbortSignal): Promise<Result<unknown>> {
    if (gaveUp) return Promise.resolve(fail('INTERNAL', gaveUp, { reason: 'CORE_STOPPED' }));
    if (stopped) return Promise.resolve(fail('INTERNAL', 'CertDesk is quitting.'));
    const id = ++next;
    const p = port;
    const mine = calls;
    return new Promise((resolve) => {
      mine.set(id, { method, resolve });
      if (signal) {
        const onAbort = () => {
          if (!mine.has(id)) return;
          p.send({ t: 'cancel', id });
          // A read is dropped at once; a renewal answers CANCELLED when the core has stopped it.
          if (method !== 'renew' && method !== 'acquire') {
            mine.delete(id);
            resolve(fail('CANCELLED', 'The call was cancelled.'));
          }
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }
      p.send({ t: 'call', id, method, args });
    });
  }

  const typed = <M extends CoreMethod>(method: M) => ((...args: unknown[]) => call(method, args)) as unknown as CoreCalls[M];
  const service: CoreCalls = {
    getOverview: typed('getOverview'),
    getDetails: typed('getDetails'),
    runPreflight: typed('runPreflight'),
    renew: typed('renew'),
    removeSuperseded: typed('removeSuperseded'),
    acquire: typed('acquire'),
    cancel: typed('cancel'),
    getDiagnostics: typed('getDiagnostics'),
    getSettings: typed('getSettings'),
    updateSettings: typed('updateSettings'),
  };

  launch();
  return {
    service,
    call,
    ready,
    stdin: (data) => port.send({ t: 'stdin', data }),
    pid: () => port.pid,
    stop() {
      stopped = true;
      port.kill();
    },
  };
}
