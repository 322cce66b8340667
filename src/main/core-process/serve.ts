// The core's process: everything that loads PKCS#11 modules, runs the NSS tools, opens the
// vault and talks to the bank over Node's TLS runs here, never in Electron's main process
// (where Chromium's own NSS has the same softoken loaded). Main starts it (an Electron
// utilityProcess; `child_process.fork` under plain Node) and talks to it only through the
// messages of src/shared/core-channel.ts, each checked here before it is acted on.
//
// What only main can do comes back as a question (`ask`): the token's PIN (the window's
// dialog), and a request over Chromium's network stack (where the OS store's key signs the
// handshake). No electron import here: this file runs under plain Node too.
import { PassThrough } from 'node:stream';
import { fail, type Result } from '../../shared/contract';
import { validateArgs } from '../../shared/validate';
import { parseToCore, type CoreAsk, type CoreMethod, type CoreStart, type FromCore, type ToCore, type WireResponse } from '../../shared/core-channel';
import type { Policy } from '../../shared/policy';
import { composeCoreOrFailing, CoreError, failingService, installedPolicyLayers, type ChromiumTransport, type CoreService, type PinReply } from '../core/compose';
import { EXIT } from '../../shared/error-policy';
import { policyOptionRefusal } from '../app/headless-args';

export interface CorePortInside {
  send(m: FromCore): void;
  onMessage(fn: (m: unknown) => void): void;
}

/** Serves main's messages on `port` until the process ends. `started`: process start (ms since epoch) for the ready message's measure. */
export function serveCore(port: CorePortInside, started: number): void {
  const asks = createAsks(port);
  let service: Promise<CoreService> | null = null;
  let stdin: PassThrough | null = null;
  // Calls of renew/acquire now running, by id: a `cancel` of one is the contract's cancel.
  const operations = new Set<number>();
  const dropped = new Set<number>();

  port.onMessage((raw) => {
    const m = parseToCore(raw);
    if (!m) {
      port.send({ t: 'log', line: 'core: a message of an unknown shape was dropped' });
      return;
    }
    switch (m.t) {
      case 'start':
        if (service || stdin) return;
        if (m.start.mode === 'cli') stdin = runCliMode(port, m.start, asks);
        else service = startDesktop(port, m.start, asks, started).catch((err: unknown) => failing(port, err, started));
        return;
      case 'call':
        void call(m);
        return;
      case 'cancel':
        if (operations.has(m.id)) void service?.then((s) => s.cancel());
        else dropped.add(m.id);
        return;
      case 'answer':
        asks.settle(m.id, m.result);
        return;
      case 'stdin':
        if (m.data) stdin?.write(Buffer.from(m.data));
        else stdin?.end();
        return;
    }
  });

  async function call(m: Extract<ToCore, { t: 'call' }>): Promise<void> {
    const answer = (result: Result<unknown>) => {
      operations.delete(m.id);
      if (!dropped.delete(m.id)) port.send({ t: 'result', id: m.id, result });
    };
    // Checked again here: main's ipc.ts checked the renderer's call, this checks main's.
    const invalid = validateArgs[m.method](m.args);
    if (invalid) return answer({ ok: false, error: invalid });
    if (!service) return answer(fail('INTERNAL', 'The core process was asked before it was started.'));
    if (m.method === 'renew' || m.method === 'acquire') operations.add(m.id);
    try {
      const s = await service;
      answer(await (s[m.method as CoreMethod] as (...a: unknown[]) => Promise<Result<unknown>>)(...m.args));
    } catch (err) {
      port.send({ t: 'log', line: `core: ${m.method} threw: ${err instanceof Error ? err.message : String(err)}` });
      answer(fail('INTERNAL', 'An unexpected error occurred. The diagnostics export has the details.'));
    }
  }
}

async function startDesktop(port: CorePortInside, start: Extract<CoreStart, { mode: 'desktop' }>, asks: Asks, started: number): Promise<CoreService> {
  const wiring = await composeCoreOrFailing({
    ...(start.policyFile ? { policyFile: start.policyFile } : {}),
    // The first listing of the store starts while the core's modules load (as the CLI does).
    prefetch: true,
    emit: (event, payload) => port.send({ t: 'event', event, payload } as FromCore),
    // The OS notification and the window's banner are main's.
    remind: (r) => port.send({ t: 'remind', reminder: { fingerprint: r.fingerprint, holder: r.holder, threshold: r.threshold, daysLeft: r.daysLeft } }),
    ...(start.chromium ? { chromium: chromiumOverChannel(port, asks) } : {}),
    pin: (q) => askPin(asks, { kind: 'pin', tokenLabel: q.tokenLabel, retry: q.retry, offerRemember: q.offerRemember, ...(q.pinTries ? { pinTries: q.pinTries } : {}) }),
    pinPerOperation: { asks: start.pinAsks },
    versions: start.versions,
    log: (line) => port.send({ t: 'log', line }),
  });
  const p = wiring.loaded.policy;
  port.send({
    t: 'ready',
    ready: {
      policySource: wiring.loaded.source,
      language: p.language,
      ...(p.bankSiteUrl ? { bankSiteUrl: p.bankSiteUrl } : {}),
      ...(p.bankLoginUrl ? { bankLoginUrl: p.bankLoginUrl } : {}),
      ...(p.newPcGuideUrl ? { newPcGuideUrl: p.newPcGuideUrl } : {}),
      ...(p.support?.url ? { supportUrl: p.support.url } : {}),
      startMs: Date.now() - started,
    },
  });
  return wiring.service;
}

/**
 * The core could not even start (composeCoreOrFailing's own fallback failed, e.g. its data
 * folder cannot be opened): the window still starts, and every call answers why.
 */
function failing(port: CorePortInside, err: unknown, started: number): CoreService {
  const e = err instanceof CoreError ? err.toApiError() : { code: 'INTERNAL' as const, message: `CertDesk's core could not start: ${err instanceof Error ? err.message : String(err)}` };
  port.send({ t: 'log', line: `core: could not start: ${e.message}` });
  port.send({ t: 'ready', ready: { policySource: '(none)', language: 'ja', startMs: Date.now() - started } });
  return failingService(e);
}

/** The PIN from the window's dialog; anything but { pin, remember } is "not given". */
async function askPin(asks: Asks, ask: CoreAsk): Promise<PinReply> {
  const r = await asks.ask(ask);
  if (!r.ok || r.value === null || typeof r.value !== 'object') return null;
  const { pin, remember } = r.value as Record<string, unknown>;
  return typeof pin === 'string' && typeof remember === 'boolean' ? { pin, remember } : null;
}

/** Chromium's network stack, in main, as the core's transport rule (compose/transport) sees it. */
function chromiumOverChannel(port: CorePortInside, asks: Asks): ChromiumTransport {
  let next = 0;
  return {
    open(policy: Policy) {
      const transport = ++next;
      port.send({ t: 'net', op: 'open', transport, policy });
      return {
        async send(req) {
          if (req.signal?.aborted) throw new CoreError('CANCELLED', 'The request was cancelled.');
          const request = { method: req.method, url: req.url, headers: req.headers, ...(req.body ? { body: req.body } : {}) };
          const r = await asks.ask({ kind: 'netSend', transport, request }, req.signal);
          if (!r.ok) throw new CoreError(r.error.code, r.error.message, r.error.detail);
          return toResponse(r.value);
        },
        close: () => port.send({ t: 'net', op: 'close', transport }),
      };
    },
    onRenewing: (fingerprint) => port.send({ t: 'net', op: 'renewing', fingerprint }),
  };
}

function toResponse(v: unknown): WireResponse {
  const r = v as Partial<WireResponse> | null;
  if (!r || typeof r.status !== 'number' || !(r.body instanceof Uint8Array) || typeof r.headers !== 'object' || r.headers === null) {
    throw new CoreError('BAD_RESPONSE', 'The answer relayed from the main process could not be understood.', { reason: 'CHANNEL' });
  }
  return { status: r.status, headers: r.headers, body: r.body };
}

interface Asks {
  ask(q: CoreAsk, signal?: AbortSignal): Promise<Result<unknown>>;
  settle(id: number, result: Result<unknown>): void;
}

/** The core's questions to main, by id; an aborted one is abandoned (main stops its request) and fails CANCELLED. */
function createAsks(port: CorePortInside): Asks {
  let next = 0;
  const waiting = new Map<number, (r: Result<unknown>) => void>();
  return {
    ask(q, signal) {
      const id = ++next;
      return new Promise((resolve) => {
        const onAbort = () => {
          if (!waiting.delete(id)) return;
          port.send({ t: 'abandon', id });
          resolve(fail('CANCELLED', 'The request was cancelled.'));
        };
        waiting.set(id, (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        port.send({ t: 'ask', id, ask: q });
      });
    },
    settle(id, result) {
      const done = waiting.get(id);
      waiting.delete(id);
      done?.(result);
    },
  };
}

/** `CertDesk --headless …`: the command line in this process, its terminal in main's. */
function runCliMode(port: CorePortInside, start: Extract<CoreStart, { mode: 'cli' }>, asks: Asks): PassThrough {
  const stdin = Object.assign(new PassThrough(), {
    isTTY: start.stdinIsTTY,
    setRawMode: (raw: boolean) => port.send({ t: 'rawMode', raw }),
  });
  const stream = (name: 'stdout' | 'stderr') => ({ write: (s: string) => (port.send({ t: 'out', stream: name, data: String(s) }), true) });
  const stderr = stream('stderr');
  const run = async () => {
    // --policy in the installed app: no network path, none over the bank's or IT's policy (app/headless-args).
    const refusal = start.packaged ? await policyOptionRefusal(start.args, installedPolicyLayers) : null;
    if (refusal) {
      stderr.write(`${refusal}\n`);
      return EXIT.usage;
    }
    const { runCli } = await import('../cli');
    return runCli(start.args, { stdout: stream('stdout'), stderr, stdin, env: process.env }, { chromium: chromiumOverChannel(port, asks) });
  };
  void run()
    .catch((err: unknown) => {
      port.send({ t: 'out', stream: 'stderr', data: `certdesk: ${err instanceof Error ? err.message : String(err)}\n` });
      return 1;
    })
    .then((code) => port.send({ t: 'exit', code }));
  return stdin;
}
