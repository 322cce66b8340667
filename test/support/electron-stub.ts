// A stand-in for the `electron` module (the binary cannot be installed on these machines):
// records what the main process asks of Electron so that tests can check the exact
// options, handlers and calls. Used through vi.mock('electron', () => import('./electron-stub')).
import { EventEmitter } from 'node:events';

// Kept on globalThis so that a test that re-imports modules (vi.resetModules) still sees one stand-in.
const shared = globalThis as unknown as { __certdeskElectronStub?: { calls: typeof initialCalls; app: typeof initialApp } };

const initialCalls = {
  windows: [] as FakeBrowserWindow[],
  privileged: [] as unknown[],
  handled: new Map<string, (req: Request) => Promise<Response> | Response>(),
  notifications: [] as FakeNotification[],
  quit: 0,
  singleInstance: true,
  enableSandbox: 0,
};

export function resetCalls(): void {
  calls.windows.length = 0;
  calls.privileged.length = 0;
  calls.handled.clear();
  calls.notifications.length = 0;
  calls.quit = 0;
  calls.singleInstance = true;
  calls.enableSandbox = 0;
  app.removeAllListeners();
}

export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  mainFrame: FakeFrame;
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  sent: Array<[string, unknown]> = [];
  destroyed = false;
  constructor(url = 'app://certdesk/index.html') {
    super();
    this.mainFrame = new FakeFrame(url);
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
  isDestroyed() {
    return this.destroyed;
  }
  isLoading() {
    return false;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  webContents = new FakeWebContents();
  loaded: string | null = null;
  constructor(public options: Record<string, unknown>) {
    super();
    calls.windows.push(this);
  }
  loadURL(url: string) {
    this.loaded = url;
    return Promise.resolve();
  }
  isMinimized() {
    return false;
  }
  isVisible() {
    return true;
  }
  isDestroyed() {
    return false;
  }
  show() {}
  setTitle() {}
  restore() {}
  focus() {}
}

export class FakeNotification extends EventEmitter {
  shown = false;
  constructor(public options: { title: string; body: string }) {
    super();
    calls.notifications.push(this);
  }
  static isSupported() {
    return true;
  }
  show() {
    this.shown = true;
  }
}

const initialApp = Object.assign(new EventEmitter(), {
  requestSingleInstanceLock: () => calls.singleInstance,
  quit: () => {
    calls.quit += 1;
  },
  enableSandbox: () => {
    calls.enableSandbox += 1;
  },
  whenReady: () => Promise.resolve(),
  isPackaged: false,
  getPath: (name: string) => `/tmp/certdesk-stub/${name}`,
});
shared.__certdeskElectronStub ??= { calls: initialCalls, app: initialApp };
export const calls = shared.__certdeskElectronStub.calls;
export const app = shared.__certdeskElectronStub.app;

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => {
    calls.privileged.push(...schemes);
  },
  handle: (scheme: string, handler: (req: Request) => Promise<Response>) => {
    calls.handled.set(scheme, handler);
  },
};

export const BrowserWindow = FakeBrowserWindow;
export const Notification = FakeNotification;
export const ipcMain = { handle: () => undefined, removeHandler: () => undefined };
export const session = { defaultSession: {} };
export const shell = { openExternal: () => Promise.resolve() };
export const dialog = { showSaveDialog: () => Promise.resolve({ canceled: true }) };
export const Menu = { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined };
export class Tray extends EventEmitter {
  setToolTip() {}
  setContextMenu() {}
  destroy() {}
}
export const nativeImage = { createFromPath: (p: string) => p };
export default { app, protocol, BrowserWindow, Notification, ipcMain, session, shell, dialog, Menu, Tray, nativeImage };
