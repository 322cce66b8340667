// The e2e harness: the built renderer (out/renderer) served over loopback with the same CSP
// as index.html, as a response header, and `window.certdesk` bridged to a real main-process
// implementation of the contract in this test process. Every call is validated with the
// contract's validateArgs exactly as src/main/app/ipc.ts does; events are forwarded in order.
import { test as base, expect, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import {
  API_EVENTS,
  API_METHODS,
  validateArgs,
  validatePinAnswer,
  validateProxyAuthAnswer,
  type ApiEvent,
  type ApiMethod,
  type CertDeskApi,
  type CertDeskEvents,
  type PinAnswer,
  type ProxyAuthAnswer,
  type Result,
} from '../../src/shared/contract';

const OUT = resolve('out/renderer');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The CSP of the built index.html's meta tag, so that header and meta cannot drift apart. */
export async function builtCsp(): Promise<string> {
  const html = await readFile(join(OUT, 'index.html'), 'utf8');
  const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('out/renderer/index.html has no CSP meta tag: run npm run build');
  return m[1];
}

export interface RendererServer {
  url: string;
  close(): Promise<void>;
}

export async function serveRenderer(): Promise<RendererServer> {
  const csp = await builtCsp();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const file = normalize(join(OUT, path === '/' ? 'index.html' : decodeURIComponent(path)));
      if (!file.startsWith(OUT)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': csp, 'Cache-Control': 'no-store' });
        res.end(body);
      } catch {
        res.writeHead(404, { 'Content-Security-Policy': csp }).end();
      }
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** The same answers src/main/app/ipc.ts gives: validation first, a throw becomes INTERNAL. */
export async function dispatch(api: CertDeskApi, method: string, args: unknown[]): Promise<Result<unknown>> {
  if (!(API_METHODS as readonly string[]).includes(method)) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `Unknown method ${method}.`, detail: { field: 'method' } } };
  }
  const m = method as ApiMethod;
  const invalid = validateArgs[m](args);
  if (invalid) return { ok: false, error: invalid };
  try {
    return await (api[m] as (...a: unknown[]) => Promise<Result<unknown>>)(...args);
  } catch (err) {
    console.error(`e2e bridge: ${m} threw`, err instanceof Error ? err.message : String(err));
    return { ok: false, error: { code: 'INTERNAL', message: 'An unexpected error occurred. The diagnostics export has the details.' } };
  }
}

export interface Bridge {
  /** Sends an event to the page, like main's emit() to the window. */
  emit<E extends ApiEvent>(event: E, payload: CertDeskEvents[E]): void;
  /** Every call the page made, in order (method names only: arguments may hold a password). */
  calls: string[];
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
  /** Swap the implementation behind the bridge (e.g. a fresh service after a restart). */
  setApi(api: CertDeskApi): void;
  /** Who answerProxyAuth reaches (main's broker); none: every answer is "no such request". */
  setProxyAuth(broker: { answer(id: string, answer: ProxyAuthAnswer | null): boolean }): void;
  /** Who answerPin reaches (main's PIN broker); none: every answer is "no such request". */
  setPin(broker: { answer(id: string, answer: PinAnswer | null): boolean }): void;
}

/**
 * Installs window.certdesk before any page script runs. The page-side object has exactly
 * the contract's methods plus `on`, like the preload's contextBridge object.
 */
export async function installBridge(page: Page, initial: CertDeskApi): Promise<Bridge> {
  let api = initial;
  let proxyAuth: { answer(id: string, answer: ProxyAuthAnswer | null): boolean } | null = null;
  let pinBroker: { answer(id: string, answer: PinAnswer | null): boolean } | null = null;
  const calls: string[] = [];
  const cspViolations: string[] = [];
  await page.exposeFunction('__certdeskCall', async (method: string, args: unknown[]) => {
    calls.push(method);
    // Structured clone across the boundary, like IPC: no prototypes, no functions.
    return JSON.parse(JSON.stringify(await dispatch(api, method, args))) as unknown;
  });
  // The preload's answerProxyAuth and ipc.ts's registerProxyAuthAnswer: checked, then field by field to the broker.
  await page.exposeFunction('__certdeskProxyAuth', (args: unknown[]): Result<{ accepted: boolean }> => {
    calls.push('answerProxyAuth');
    const invalid = validateProxyAuthAnswer(args);
    if (invalid) return { ok: false, error: invalid };
    const [id, a] = args as [string, ProxyAuthAnswer | null];
    return { ok: true, value: { accepted: proxyAuth?.answer(id, a ? { username: a.username, password: a.password, remember: a.remember } : null) ?? false } };
  });
  // The preload's answerPin and ipc.ts's registerPinAnswer: checked, then field by field to the PIN broker.
  await page.exposeFunction('__certdeskPin', (args: unknown[]): Result<{ accepted: boolean }> => {
    calls.push('answerPin');
    const invalid = validatePinAnswer(args);
    if (invalid) return { ok: false, error: invalid };
    const [id, a] = args as [string, PinAnswer | null];
    return { ok: true, value: { accepted: pinBroker?.answer(id, a ? { pin: a.pin, remember: a.remember } : null) ?? false } };
  });
  await page.exposeFunction('__certdeskCsp', (v: string) => {
    cspViolations.push(v);
  });
  await page.addInitScript(
    ({ methods, events }) => {
      type Listener = (payload: unknown) => void;
      const listeners = new Map<string, Set<Listener>>(events.map((e) => [e, new Set<Listener>()]));
      // Runs in the page; the test project has no DOM types, so the page is described here.
      const w = globalThis as unknown as Record<string, unknown> & {
        __certdeskCall(m: string, a: unknown[]): Promise<unknown>;
        __certdeskProxyAuth(a: unknown[]): Promise<unknown>;
        __certdeskPin(a: unknown[]): Promise<unknown>;
        __certdeskCsp(v: string): void;
        document: { addEventListener(type: 'securitypolicyviolation', fn: (e: { violatedDirective: string; blockedURI: string }) => void): void };
      };
      const bridge: Record<string, unknown> = {};
      for (const m of methods) bridge[m] = (...args: unknown[]) => w.__certdeskCall(m, args);
      bridge.answerProxyAuth = (...args: unknown[]) => w.__certdeskProxyAuth(args);
      bridge.answerPin = (...args: unknown[]) => w.__certdeskPin(args);
      bridge.on = (event: string, listener: Listener) => {
        const set = listeners.get(event);
        if (!set) throw new Error(`unknown event ${event}`);
        set.add(listener);
        return () => set.delete(listener);
      };
      Object.defineProperty(w, 'certdesk', { value: Object.freeze(bridge), writable: false });
      Object.defineProperty(w, '__certdeskEmit', {
        value: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
      });
      w.document.addEventListener('securitypolicyviolation', (e) => w.__certdeskCsp(`${e.violatedDirective} ${e.blockedURI}`));
    },
    { methods: [...API_METHODS] as string[], events: [...API_EVENTS] as string[] },
  );
  let chain = Promise.resolve();
  return {
    calls,
    cspViolations,
    setApi: (next) => {
      api = next;
    },
    setProxyAuth: (broker) => {
      proxyAuth = broker;
    },
    setPin: (broker) => {
      pinBroker = broker;
    },
    emit: (event, payload) => {
      const clone = JSON.parse(JSON.stringify(payload)) as unknown;
      // One after another, so the page sees events in the order they were emitted.
      chain = chain
        .then(() => page.evaluate(([e, p]) => (globalThis as unknown as { __certdeskEmit(e: string, p: unknown): void }).__certdeskEmit(e, p), [event, clone] as const))
        .catch(() => undefined);
    },
  };
}

export const test = base.extend<{ renderer: RendererServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  renderer: async ({}, use) => {
    const server = await serveRenderer();
    await use(server);
    await server.close();
  },
});

export { expect };
