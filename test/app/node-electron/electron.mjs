// A stand-in for Electron's main-process API, for running the built bundle under Node.
// It reports what the app does as JSON lines on fd 3 (or stderr), serves the first
// app:// page through the app's own protocol handler, and ends the process when the
// app has shown its window (desktop) or called app.exit (headless).
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { writeSync } from 'node:fs';

const out = (event) => {
  try {
    writeSync(3, JSON.stringify(event) + '\n');
  } catch {
    process.stderr.write(JSON.stringify(event) + '\n');
  }
};

const handlers = new Map();

// STUB_PACKAGED=1: the installed app (its resources folder STUB_RESOURCES, where the bank's built-in policy lives).
if (process.env.STUB_RESOURCES) process.resourcesPath = process.env.STUB_RESOURCES;
export const app = Object.assign(new EventEmitter(), {
  isPackaged: process.env.STUB_PACKAGED === '1',
  dock: undefined,
  requestSingleInstanceLock: () => (out({ e: 'singleInstanceLock' }), true),
  enableSandbox: () => out({ e: 'enableSandbox' }),
  whenReady: () => (out({ e: 'whenReady' }), Promise.resolve()),
  getPath: (name) => `${process.env.STUB_DIR}/${name}`,
  getAppPath: () => process.cwd(),
  getVersion: () => '0.0.0-stub',
  quit: () => (out({ e: 'quit' }), process.exit(0)),
  exit: (code) => (out({ e: 'exit', code }), process.exit(code)),
  setLoginItemSettings: (s) => out({ e: 'loginItem', s }),
});
const origOn = app.on.bind(app);
app.on = (name, fn) => (out({ e: 'app.on', name }), origOn(name, fn));

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => out({ e: 'privileged', schemes }),
  handle: (scheme, handler) => (out({ e: 'protocol.handle', scheme }), handlers.set(scheme, handler)),
};

const sessionCalls = (name) => () => out({ e: `session.${name}` });
const makeSession = () => ({
  setPermissionRequestHandler: sessionCalls('setPermissionRequestHandler'),
  setPermissionCheckHandler: sessionCalls('setPermissionCheckHandler'),
  setDevicePermissionHandler: sessionCalls('setDevicePermissionHandler'),
  setDisplayMediaRequestHandler: sessionCalls('setDisplayMediaRequestHandler'),
  setCertificateVerifyProc: sessionCalls('setCertificateVerifyProc'),
  setProxy: async (p) => out({ e: 'session.setProxy', p }),
});
export const session = { defaultSession: makeSession(), fromPartition: (name) => (out({ e: 'session.fromPartition', name }), makeSession()) };

export const ipcMain = { handle: (channel) => out({ e: 'ipc.handle', channel }), removeHandler: () => undefined };

class WebContents extends EventEmitter {
  mainFrame = { url: 'app://certdesk/index.html' };
  setWindowOpenHandler() {}
  isDestroyed() {
    return false;
  }
  isLoading() {
    return false;
  }
  send(channel, payload) {
    out({ e: 'send', channel, payload });
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = new WebContents();
    out({ e: 'BrowserWindow', webPreferences: options.webPreferences, title: options.title });
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    const handler = handlers.get(new URL(url).protocol.slice(0, -1));
    const res = handler ? await handler(new Request(url)) : null;
    const body = res ? await res.text() : '';
    out({ e: 'loadURL', url, status: res?.status ?? null, csp: res?.headers.get('content-security-policy') ?? null, hasRoot: body.includes('id="root"') });
    // A second launch while this one runs, as Electron reports it: the other process's argv.
    // A JSON array is the whole argv (a Windows launch with `--`); else one link after the binary.
    const second = process.env.STUB_SECOND_INSTANCE;
    if (second) app.emit('second-instance', {}, second.startsWith('[') ? JSON.parse(second) : ['/opt/CertDesk/certdesk', second], '/');
    // The app is up: window created, page served. Give pending logs a moment, then end.
    setTimeout(() => process.exit(0), 50);
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
  focus() {}
  restore() {}
}

export class Notification extends EventEmitter {
  static isSupported() {
    return false;
  }
  show() {}
  setTitle() {}
}

export class Tray extends EventEmitter {
  constructor() {
    super();
    out({ e: 'Tray' });
  }
  setToolTip(t) {
    out({ e: 'tray.tooltip', t });
  }
  setContextMenu() {}
  destroy() {}
}

export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: (m) => out({ e: 'menu', labels: m.map((x) => x.label) }) };
export const nativeImage = { createFromPath: (p) => p };
export const dialog = { showSaveDialog: async () => ({ canceled: true }) };
export const shell = { openExternal: async () => undefined };
export const net = { request: () => { throw new Error('the stand-in has no network'); } };
// Electron's utilityProcess as child_process.fork (the core's entry speaks both: parentPort or process.send).
export const utilityProcess = {
  fork(modulePath, args, options) {
    out({ e: 'utilityProcess.fork', modulePath, serviceName: options?.serviceName });
    const child = fork(modulePath, args ?? [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--import', new URL('./utility.mjs', import.meta.url).href] });
    const handle = Object.assign(new EventEmitter(), {
      get pid() {
        return child.pid;
      },
      postMessage: (m) => child.connected && child.send(m, () => undefined),
      kill: () => child.kill('SIGKILL'),
    });
    child.on('message', (m) => handle.emit('message', m));
    child.on('exit', (code) => handle.emit('exit', code));
    child.on('error', () => undefined);
    return handle;
  },
};
export const contextBridge = {};
export const ipcRenderer = {};
export default { app, protocol, session, ipcMain, BrowserWindow, Notification, Tray, Menu, nativeImage, dialog, shell, net, utilityProcess };
