// The proxy sign-in and the window that shows it: when the page can no longer answer (the
// window closed, its renderer gone, a reload or another page), every request it was showing
// is answered "cancelled" at once, so the operation fails with PROXY_AUTH_REQUIRED instead of
// hanging, and the next challenge from that proxy asks again. Electron's window is a stand-in
// with its event names and shapes; no timer runs (the broker's timeout is a clock never fired).
import { EventEmitter } from 'node:events';
import type { ClientRequestConstructorOptions, Net, Session } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { CoreError } from '../../src/main/core/errors';

vi.mock('electron', () => import('../support/electron-stub'));
const { FakeBrowserWindow } = await import('../support/electron-stub');
const { createNetTransport } = await import('../../src/main/net/net-transport');
const { createProxyAuthBroker } = await import('../../src/main/net/proxy-auth');
const { dialogInWindow } = await import('../../src/main/ask/dialog-in-window');

class FakeRequest extends EventEmitter {
  setHeader() {}
  write() {}
  end() {}
  abort() {}
}
const tick = () => new Promise<void>((r) => setImmediate(r));
const basic = { isProxy: true, scheme: 'basic', host: 'proxy.corp.example', port: 8080, realm: 'Office proxy' };
const newDocument = { isMainFrame: true, isSameDocument: false };

/** The desktop's wiring (desktop.ts) with stand-ins: one broker, a window per showWindow(). */
function app() {
  const neverFires = { set: () => 0, clear: () => undefined };
  let n = 0;
  let dialog: ReturnType<typeof dialogInWindow> | null = null;
  const sent: Array<[InstanceType<typeof FakeBrowserWindow>, string]> = [];
  const broker = createProxyAuthBroker({ newId: () => `req-${++n}`, timers: neverFires, ask: (id, prompt) => dialog?.ask(id, prompt) ?? false });
  const showWindow = () => {
    const win = new FakeBrowserWindow({});
    dialog = dialogInWindow(win as never, (id) => sent.push([win, id]), (id) => broker.answer(id, null));
    win.on('closed', () => (dialog = null));
    return win;
  };
  const made: FakeRequest[] = [];
  const net = { request: (_o: ClientRequestConstructorOptions) => { const r = new FakeRequest(); made.push(r); return r; } } as unknown as Pick<Net, 'request'>;
  const transport = createNetTransport({ net, session: {} as Session, requestTimeoutMs: 5000, proxyAuth: broker });
  /** A request to the bank whose proxy asks for a sign-in; `fail` is Chromium's answer to a declined challenge. */
  const challenged = async () => {
    const result = transport.send({ method: 'GET', url: 'https://bank.example/est/cacerts', headers: {} }).catch((e: unknown) => e as CoreError);
    await tick();
    const req = made[made.length - 1]!;
    const callbacks: unknown[][] = [];
    req.emit('login', basic, (...a: unknown[]) => callbacks.push(a));
    return { result, callbacks, fail: () => req.emit('error', new Error('net::ERR_TUNNEL_CONNECTION_FAILED')) };
  };
  return { broker, showWindow, sent, challenged };
}

describe('the proxy sign-in when its window goes away', () => {
  it('an unanswered dialog, then the window closed: the request fails promptly as PROXY_AUTH_REQUIRED; a later challenge asks again', async () => {
    const a = app();
    const win = a.showWindow();
    const first = await a.challenged();
    expect(a.sent.map(([, id]) => id)).toEqual(['req-1']);
    // The same proxy challenges another request meanwhile: it waits on the same dialog.
    const parallel = await a.challenged();
    expect(a.sent).toHaveLength(1);

    win.emit('closed');
    await tick();
    expect(first.callbacks).toEqual([[]]);
    expect(parallel.callbacks).toEqual([[]]);
    first.fail();
    parallel.fail();
    for (const r of [await first.result, await parallel.result]) {
      expect(r).toMatchObject({ code: 'PROXY_AUTH_REQUIRED', detail: { reason: 'PROXY_AUTH', proxy: 'proxy.corp.example:8080' } });
    }
    // The page's late answer (if any) reaches nothing.
    expect(a.broker.answer('req-1', { username: 'u', password: 'p', remember: true })).toBe(false);

    // No window now: declined at once, nothing waits.
    const headlessLike = await a.challenged();
    await tick();
    expect(headlessLike.callbacks).toEqual([[]]);

    // A new window: the next challenge opens a new dialog there, and its answer goes through.
    const win2 = a.showWindow();
    const again = await a.challenged();
    expect(a.sent.at(-1)).toEqual([win2, 'req-3']);
    expect(a.broker.answer('req-3', { username: 'keiri', password: 'pw', remember: false })).toBe(true);
    await tick();
    expect(again.callbacks).toEqual([['keiri', 'pw']]);
  });

  it("the renderer gone (crash, killed, OOM): the shown dialog's request is cancelled, the window asks no more", async () => {
    const a = app();
    const win = a.showWindow();
    const c = await a.challenged();
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    await tick();
    expect(c.callbacks).toEqual([[]]);
    const next = await a.challenged();
    await tick();
    expect(next.callbacks).toEqual([[]]);
    expect(a.sent).toHaveLength(1);
  });

  it('a reload or another page cancels what the page was showing; same-document and subframe navigations do not', async () => {
    const a = app();
    const win = a.showWindow();
    const c = await a.challenged();
    win.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    win.webContents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    await tick();
    expect(c.callbacks).toEqual([]);
    // A reload is a main-frame navigation to a new document.
    win.webContents.emit('did-start-navigation', newDocument);
    await tick();
    expect(c.callbacks).toEqual([[]]);
    c.fail();
    expect(await c.result).toMatchObject({ code: 'PROXY_AUTH_REQUIRED' });
    // The reloaded page is asked the next time.
    await a.challenged();
    expect(a.sent.map(([, id]) => id)).toEqual(['req-1', 'req-2']);
  });

  it('asked while the page loads: sent when it has loaded (an earlier event would be lost), not cancelled by that load', async () => {
    const a = app();
    const win = a.showWindow();
    let loading = true;
    win.webContents.isLoading = () => loading;
    const c = await a.challenged();
    expect(a.sent).toEqual([]);
    win.webContents.emit('did-start-navigation', newDocument);
    loading = false;
    win.webContents.emit('did-finish-load');
    expect(a.sent).toEqual([[win, 'req-1']]);
    expect(a.broker.answer('req-1', { username: 'u', password: 'p', remember: false })).toBe(true);
    await tick();
    expect(c.callbacks).toEqual([['u', 'p']]);
  });

  it('closed while the page was still loading: the waiting request is cancelled too', async () => {
    const a = app();
    const win = a.showWindow();
    win.webContents.isLoading = () => true;
    const c = await a.challenged();
    win.emit('closed');
    await tick();
    expect(c.callbacks).toEqual([[]]);
    win.webContents.emit('did-finish-load');
    expect(a.sent).toEqual([]);
  });
});
