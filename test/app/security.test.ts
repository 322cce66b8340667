// The main window's security, checked against a stand-in `electron`: window options,
// the app:// scheme and its CSP header, denied navigation/windows/permissions, the IPC
// sender check, and the openExternal allow-list.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';
import { calls, FakeFrame, FakeWebContents, resetCalls } from '../support/electron-stub';

vi.mock('electron', () => import('../support/electron-stub'));

const { createMainWindow } = await import('../../src/main/app/window');
const {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  allowedExternalUrl,
  createSenderCheck,
  denyAllPermissions,
  hardenWebContents,
} = await import('../../src/main/app/security');
const { APP_SCHEME_PRIVILEGES, serveRenderer } = await import('../../src/main/app/protocol');
const { registerApi } = await import('../../src/main/app/ipc');
const { createDesktopApi } = await import('../../src/main/app/desktop-api');
const { stringsFor } = await import('../../src/main/app/strings');
const { API_METHODS, channelOf } = await import('../../src/shared/contract');

beforeEach(() => resetCalls());

describe('main window', () => {
  it('is created isolated, sandboxed, without node, with web security, loading app://', () => {
    const win = createMainWindow({ preload: '/x/preload/index.cjs', title: 'CertDesk 電子証明書', show: true });
    const o = calls.windows[0]!.options as { title: string; webPreferences: Record<string, unknown> };
    expect(o.title).toBe('CertDesk 電子証明書');
    expect(o.webPreferences).toMatchObject({
      preload: '/x/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(o.webPreferences.devTools).toBe(false);
    expect((win as unknown as { loaded: string }).loaded).toBe('app://certdesk/index.html');
  });

  it("has DevTools only in a development build: the build's mode decides, not NODE_ENV", () => {
    const devTools = () => {
      resetCalls();
      createMainWindow({ preload: '/p', title: 't', show: false });
      return (calls.windows[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences.devTools;
    };
    try {
      vi.stubEnv('NODE_ENV', 'development');
      expect(devTools()).toBe(false);
      // What Vite writes into the bundle in place of import.meta.env.MODE under `electron-vite dev`.
      vi.stubEnv('MODE', 'development');
      expect(devTools()).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('keeps the policy-language title when the page sets its own', () => {
    const win = createMainWindow({ preload: '/p', title: 'CertDesk Certificates', show: false });
    const ev = { preventDefault: vi.fn() };
    win.emit('page-title-updated', ev, 'other');
    expect(ev.preventDefault).toHaveBeenCalledOnce();
  });
});

describe('index (before ready)', () => {
  it('registers app:// as privileged and secure, hardens every web contents, takes the single-instance lock', async () => {
    vi.resetModules();
    calls.singleInstance = false; // a second launch
    await import('../../src/main/index');
    expect(calls.privileged).toEqual([APP_SCHEME_PRIVILEGES]);
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ scheme: 'app', privileges: { standard: true, secure: true, bypassCSP: false } });
    expect(calls.enableSandbox).toBe(1);
    expect(calls.quit).toBe(1);
    const { app } = await import('../support/electron-stub');
    const contents = new FakeWebContents('app://certdesk/index.html');
    app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('app:// and its content security policy', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'certdesk-renderer-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/index.js"></script>');
    writeFileSync(join(root, 'assets', 'index.js'), 'console.log(1)');
    writeFileSync(join(root, '..', 'certdesk-secret.txt'), 'outside');
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(join(root, '..', 'certdesk-secret.txt'), { force: true });
  });
  const get = (url: string, method = 'GET') => serveRenderer(root, new Request(url, { method }));

  it('is strict: self only, no inline script, no eval, no remote origin', () => {
    const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*|wss?:/);
  });

  it('serves the entry page and its scripts with the CSP header', async () => {
    const r = await get(APP_ENTRY_URL);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await get('app://certdesk/assets/index.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect((await get('app://certdesk/')).status).toBe(200);
  });

  it('refuses paths outside the renderer, other hosts, other methods and unknown types', async () => {
    for (const url of [
      'app://certdesk/../certdesk-secret.txt',
      'app://certdesk/%2e%2e/certdesk-secret.txt',
      'app://certdesk/assets%2f..%2f..%2fcertdesk-secret.txt',
      'app://certdesk/..%5ccertdesk-secret.txt',
      'app://other/index.html',
      'app://certdesk/missing.js',
      'app://certdesk/index.html%00.js',
    ]) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
  });
});

describe('navigation, windows and permissions', () => {
  it('denies every navigation, redirect, webview and new window', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as unknown as WebContents);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const ev = { preventDefault: vi.fn() };
      contents.emit(name, ev, 'https://evil.example/');
      expect(ev.preventDefault, name).toHaveBeenCalledOnce();
    }
    expect(contents.windowOpenHandler?.({ url: 'app://certdesk/index.html' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'https://bank.example/' })).toEqual({ action: 'deny' });
  });

  it('refuses every permission request and check', () => {
    const handlers: Record<string, (...a: unknown[]) => unknown> = {};
    const fakeSession = {
      setPermissionRequestHandler: (h: (...a: unknown[]) => unknown) => (handlers.request = h),
      setPermissionCheckHandler: (h: (...a: unknown[]) => unknown) => (handlers.check = h),
      setDevicePermissionHandler: (h: (...a: unknown[]) => unknown) => (handlers.device = h),
      setDisplayMediaRequestHandler: (h: (...a: unknown[]) => unknown) => (handlers.display = h),
    };
    denyAllPermissions(fakeSession as unknown as Session);
    for (const perm of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const cb = vi.fn();
      handlers.request!({}, perm, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(handlers.check!({}, perm, 'app://certdesk', {})).toBe(false);
    }
    expect(handlers.device!({ deviceType: 'usb' })).toBe(false);
    const display = vi.fn();
    handlers.display!({}, display);
    expect(display).toHaveBeenCalledWith({});
  });
});

describe('IPC sender check', () => {
  const main = new FakeWebContents('app://certdesk/index.html');
  const check = createSenderCheck(() => main as unknown as WebContents);
  const ev = (sender: FakeWebContents, frame: FakeFrame | null) => ({ sender, senderFrame: frame }) as unknown as IpcMainInvokeEvent;

  it('accepts only the main window main frame on app://', () => {
    expect(check(ev(main, main.mainFrame))).toBe(true);
    const other = new FakeWebContents('app://certdesk/index.html');
    expect(check(ev(other, other.mainFrame))).toBe(false); // another window
    expect(check(ev(main, new FakeFrame('app://certdesk/index.html')))).toBe(false); // a subframe
    expect(check(ev(main, null))).toBe(false); // frame gone
    const navigated = new FakeWebContents('https://evil.example/');
    expect(createSenderCheck(() => navigated as unknown as WebContents)(ev(navigated, navigated.mainFrame))).toBe(false);
    expect(createSenderCheck(() => null)(ev(main, main.mainFrame))).toBe(false);
  });

  it('registerApi refuses a foreign sender before the implementation runs', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const fakeIpc = { handle: (c: string, h: (event: unknown, ...args: unknown[]) => Promise<unknown>) => void handlers.set(c, h), removeHandler: (c: string) => void handlers.delete(c) };
    const impl = vi.fn(async () => ({ ok: true, value: { cancelled: true } }));
    const api = Object.fromEntries(API_METHODS.map((m) => [m, impl]));
    const unregister = registerApi(fakeIpc as never, api as never, check);
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map(channelOf).sort());
    const cancel = handlers.get(channelOf('cancel'))!;
    const other = new FakeWebContents('app://certdesk/index.html');
    expect(await cancel(ev(other, other.mainFrame))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { field: 'sender' } } });
    expect(impl).not.toHaveBeenCalled();
    expect(await cancel(ev(main, main.mainFrame))).toEqual({ ok: true, value: { cancelled: true } });
    expect(impl).toHaveBeenCalledOnce();
    expect(await handlers.get(channelOf('renew'))!(ev(main, main.mainFrame), 'not-a-fingerprint')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(impl).toHaveBeenCalledOnce();
    unregister();
    expect(handlers.size).toBe(0);
  });
});

describe('shell.openExternal allow-list', () => {
  const bank = 'https://ib.bank.example/corp/';

  it('allows only https URLs of the bank site origin', () => {
    expect(allowedExternalUrl('https://ib.bank.example/login?x=1', bank)).toBe('https://ib.bank.example/login?x=1');
    for (const url of [
      'http://ib.bank.example/',
      'https://ib.bank.example.evil.example/',
      'https://ib.bank.example:8443/',
      'https://user:pw@ib.bank.example/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:',
      'not a url',
    ]) {
      expect(allowedExternalUrl(url, bank), url).toBeNull();
    }
    expect(allowedExternalUrl('https://ib.bank.example/', undefined)).toBeNull();
    expect(allowedExternalUrl('http://ib.bank.example/', 'http://ib.bank.example/')).toBeNull();
  });

  it('openBankSite opens the policy site and nothing when the policy has none', async () => {
    const openExternal = vi.fn(async () => undefined);
    const core = {} as never;
    const make = (bankSiteUrl: string | undefined) =>
      createDesktopApi({ core, bankSiteUrl, dialog: { showSaveDialog: vi.fn() } as never, shell: { openExternal }, window: () => null, strings: () => stringsFor('ja') });
    expect(await make(bank).openBankSite()).toEqual({ ok: true, value: { opened: true } });
    expect(openExternal).toHaveBeenCalledWith(bank);
    expect(await make(undefined).openBankSite()).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', detail: { field: 'bankSiteUrl' } } });
    expect(await make('http://ib.bank.example/').openBankSite()).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID' } });
    expect(openExternal).toHaveBeenCalledOnce();
  });

  it('allows exactly the origins of the policy\'s bank pages and helpdesk URL', () => {
    const policy = ['https://www.bank.example/', 'https://ib.bank.example/login', 'https://www.bank.example/guide/newpc.html', 'https://help.bank.example/', undefined];
    for (const url of ['https://www.bank.example/any', 'https://ib.bank.example/login', 'https://help.bank.example/faq']) expect(allowedExternalUrl(url, policy), url).toBe(url);
    for (const url of ['https://evil.example/', 'https://bank.example/', 'https://ib.bank.example:444/', 'http://www.bank.example/']) expect(allowedExternalUrl(url, policy), url).toBeNull();
    // A policy URL that is not https (or carries credentials) allows nothing.
    expect(allowedExternalUrl('https://x.example/', ['http://x.example/', 'https://u:p@x.example/'])).toBeNull();
    expect(allowedExternalUrl('https://x.example/', [])).toBeNull();
  });

  it('openBankSite(page) opens the policy\'s URL for that page; login falls back to the site; a page the policy lacks is POLICY_INVALID', async () => {
    const openExternal = vi.fn(async () => undefined);
    const make = (urls: { bankSiteUrl?: string; bankLoginUrl?: string; newPcGuideUrl?: string }) =>
      createDesktopApi({ core: {} as never, bankSiteUrl: undefined, ...urls, dialog: { showSaveDialog: vi.fn() } as never, shell: { openExternal }, window: () => null, strings: () => stringsFor('ja') });
    const full = make({ bankSiteUrl: bank, bankLoginUrl: 'https://ib2.bank.example/login', newPcGuideUrl: 'https://www.bank.example/newpc' });
    expect(await full.openBankSite('login')).toEqual({ ok: true, value: { opened: true } });
    expect(await full.openBankSite('newPc')).toEqual({ ok: true, value: { opened: true } });
    expect(await full.openBankSite('site')).toEqual({ ok: true, value: { opened: true } });
    expect(await full.openBankSite()).toEqual({ ok: true, value: { opened: true } });
    expect(openExternal.mock.calls).toEqual([['https://ib2.bank.example/login'], ['https://www.bank.example/newpc'], [bank], [bank]]);
    openExternal.mockClear();
    expect(await make({ bankSiteUrl: bank }).openBankSite('login')).toEqual({ ok: true, value: { opened: true } });
    expect(openExternal.mock.calls).toEqual([[bank]]);
    expect(await make({ bankSiteUrl: bank }).openBankSite('newPc')).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', detail: { field: 'newPcGuideUrl' } } });
    expect(await make({ bankLoginUrl: 'http://ib.bank.example/' }).openBankSite('login')).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID', detail: { field: 'bankLoginUrl' } } });
    expect(openExternal).toHaveBeenCalledOnce();
  });
});
