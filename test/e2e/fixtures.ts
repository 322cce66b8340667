// The e2e harness: the built renderer (out/renderer) served over loopback with the same CSP
// as index.html, as a response header, and `window.certdesk` made by the preload's own code
// (out/preload/index.cjs) over a stand-in ipcRenderer that reaches ipc.ts's real handlers in
// the backend (main's side, with the core in its own process); events are forwarded in order.
import { test as base, expect, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import {
  API_METHODS,
  channelOf,
  PIN_ANSWER_CHANNEL,
  PROXY_AUTH_ANSWER_CHANNEL,
  type ApiEvent,
  type CertDeskApi,
  type CertDeskEvents,
  type PinAnswer,
  type ProxyAuthAnswer,
} from '../../src/shared/contract';
import type { Backend } from './backend';

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

export interface Bridge {
  /** Sends an event to the page, as main's emit() (ipc.ts) to the window. */
  emit<E extends ApiEvent>(event: E, payload: CertDeskEvents[E]): void;
  /** Every call the page made, in order (method names only: arguments may hold a password). */
  calls: string[];
  /** Content-Security-Policy violations the page reported. */
  cspViolations: string[];
  /** Swap the implementation behind the window's channels (ipc.ts registers it again). */
  setApi(api: CertDeskApi): void;
  /** Who answerProxyAuth reaches (main's broker); none: every answer is "no such request". */
  setProxyAuth(broker: { answer(id: string, answer: ProxyAuthAnswer | null): boolean }): void;
  /** Who answerPin reaches (main's PIN broker); none: every answer is "no such request". */
  setPin(broker: { answer(id: string, answer: PinAnswer | null): boolean }): void;
}

/** The built preload (out/preload/index.cjs), the file Electron loads into the window. */
async function builtPreload(): Promise<string> {
  return readFile(resolve('out/preload/index.cjs'), 'utf8');
}

const callName = (channel: string) => {
  if (channel === PROXY_AUTH_ANSWER_CHANNEL) return 'answerProxyAuth';
  if (channel === PIN_ANSWER_CHANNEL) return 'answerPin';
  const method = API_METHODS.find((m) => channelOf(m) === channel);
  return method ?? channel;
};

/**
 * Runs the preload's own code in the page before any page script: the built
 * out/preload/index.cjs, with `require('electron')` answered by a contextBridge that
 * exposes its object frozen and an ipcRenderer whose invoke reaches main's handlers
 * (ipc.ts's registration in the backend) and whose listeners hear main's events.
 */
export async function installBridge(page: Page, backend: Backend): Promise<Bridge> {
  const calls: string[] = [];
  const cspViolations: string[] = [];
  await page.exposeFunction('__certdeskInvoke', async (channel: string, args: unknown[]) => {
    calls.push(callName(channel));
    // Structured clone across the boundary, like IPC: no prototypes, no functions.
    return JSON.parse(JSON.stringify(await backend.invoke(channel, args))) as unknown;
  });
  await page.exposeFunction('__certdeskCsp', (v: string) => {
    cspViolations.push(v);
  });
  const preload = await builtPreload();
  await page.addInitScript({
    content: `(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => globalThis.__certdeskInvoke(channel, args),
    on: (channel, fn) => { if (!listeners.has(channel)) listeners.set(channel, new Set()); listeners.get(channel).add(fn); },
    removeListener: (channel, fn) => { listeners.get(channel)?.delete(fn); },
  };
  const contextBridge = { exposeInMainWorld: (key, api) => Object.defineProperty(globalThis, key, { value: Object.freeze(api), writable: false }) };
  Object.defineProperty(globalThis, '__certdeskIpcEmit', { value: (channel, payload) => listeners.get(channel)?.forEach((fn) => fn({}, payload)) });
  const require = (name) => { if (name === 'electron') return { contextBridge, ipcRenderer }; throw new Error('the preload may require only electron, not ' + name); };
  const module = { exports: {} };
  (function (require, module, exports) {
${preload}
  })(require, module, module.exports);
  document.addEventListener('securitypolicyviolation', (e) => globalThis.__certdeskCsp(e.violatedDirective + ' ' + e.blockedURI));
})();`,
  });
  let chain = Promise.resolve();
  backend.connect((channel, payload) => {
    const clone = JSON.parse(JSON.stringify(payload)) as unknown;
    // One after another, so the page sees events in the order main sent them.
    chain = chain
      .then(() => page.evaluate(([c, p]) => (globalThis as unknown as { __certdeskIpcEmit(c: string, p: unknown): void }).__certdeskIpcEmit(c, p), [channel, clone] as const))
      .catch(() => undefined);
  });
  return {
    calls,
    cspViolations,
    setApi: (next) => backend.setApi(next),
    setProxyAuth: (broker) => backend.setProxyAuth(broker),
    setPin: (broker) => backend.setPin(broker),
    emit: (event, payload) => backend.emit(event, payload),
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
