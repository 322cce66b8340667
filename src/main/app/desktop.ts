// The desktop app: logging, the app:// protocol, the hardened session, the window, IPC,
// client-certificate selection, reminders and the tray. The core (policy, stores, PKCS#11,
// NSS tools, vault, the bank over Node's TLS) runs in its own utilityProcess (core-spawn.ts),
// reached through core-client.ts; this process keeps what needs Electron: the window and its
// dialogs (PIN, proxy sign-in), notifications, the tray, the scheme and Chromium's network
// stack, which the core asks for when the OS store's key must sign the TLS handshake.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { API_EVENTS, type ApiEvent, type CertDeskEvents, type Language, type SettingsView } from '../../shared/contract';
import { serveRenderer } from './protocol';
import { createChromiumTransport } from '../net/chromium-transport';
import { createProxyAuthBroker, type ProxyAuthPrompt } from '../net/proxy-auth';
import { dialogInWindow, type DialogInWindow } from '../ask/dialog-in-window';
import { startCoreClient } from './core-client';
import { createWindowRecord } from './window-record';
import { spawnCoreProcess } from './core-spawn';
import { createDesktopApi } from './desktop-api';
import { emit, registerApi, registerPinAnswer, registerProxyAuthAnswer } from './ipc';
import { createPinBroker, type PinPrompt } from './pin-broker';
import { launchLinks } from './launch';
import { readLaunchArgs, refusedLaunchLine } from './headless-args';
import { setupLogging } from './logging';
import { menuTemplate } from './menu';
import { createNotifier, startReminderClock } from './notifier';
import { APP_SCHEME, createSenderCheck, denyAllPermissions } from './security';
import { stringsFor } from './strings';
import { createTray, type TrayHandle } from './tray';
import { createMainWindow, focus } from './window';
import { installScheduleOnFirstStart } from './schedule-hook';

// From the app's root (the asar archive when packaged, the project in development), not
// from this file: the bundler puts this module in a chunk folder.
const fromRoot = (...parts: string[]) => join(app.getAppPath(), ...parts);

export async function runDesktop(launch: { background: boolean; link: string | null }): Promise<void> {
  const log = setupLogging(app.getPath('logs'));
  // Started at login by the login item: tray and reminders only, the window on demand.
  const { background } = launch;
  await app.whenReady();
  const PRELOAD = fromRoot('out', 'preload', 'index.cjs');
  const RENDERER = fromRoot('out', 'renderer');
  const ICON = fromRoot('assets', 'icon-256.png');

  denyAllPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, (request) => serveRenderer(RENDERER, request));

  let win: BrowserWindow | null = null;
  // A dialog of the window now open, asked by a broker (the proxy sign-in, the token PIN): the
  // broker's deps, and `attach` for each new window (its pending requests end with it).
  const windowDialog = <P>(
    show: (target: BrowserWindow['webContents'], id: string, prompt: P) => void,
    closedEvent: 'proxyAuthClosed' | 'pinClosed',
    cancel: (id: string) => void,
  ) => {
    let dialog: DialogInWindow<P> | null = null;
    return {
      attach(w: BrowserWindow) {
        const target = w.webContents;
        dialog = dialogInWindow<P>(w, (id, prompt) => show(target, id, prompt), cancel);
      },
      newId: randomUUID,
      closed: (id: string) => sendEvent(closedEvent, { id }),
      ask(id: string, prompt: P) {
        if (!win || win.isDestroyed() || !dialog) return false;
        focus(win);
        return dialog.ask(id, prompt);
      },
    };
  };
  // A proxy's Basic/Digest challenge: the window's sign-in dialog, answered by id.
  const proxyDialog = windowDialog<ProxyAuthPrompt>((to, id, prompt) => emit(to, 'proxyAuth', { id, ...prompt }), 'proxyAuthClosed', (id) => proxyAuth.answer(id, null));
  // keyStorage tpm / pkcs11: the token's PIN, asked in the window when a renewal or 取得 starts.
  const pinDialog = windowDialog<PinPrompt>((to, id, prompt) => emit(to, 'pinRequest', { id, ...prompt }), 'pinClosed', (id) => pinBroker.answer(id, null));
  let tray: TrayHandle | null = null;
  let language: Language = 'ja';
  const strings = () => stringsFor(language);

  const sendEvent = <E extends ApiEvent>(event: E, payload: CertDeskEvents[E]) => {
    if (win && API_EVENTS.includes(event)) emit(win.webContents, event, payload);
  };

  const showWindow = () => {
    if (!win || win.isDestroyed()) {
      win = createMainWindow({ preload: PRELOAD, title: strings().appTitle, icon: ICON, show: true });
      proxyDialog.attach(win);
      pinDialog.attach(win);
      win.on('closed', () => {
        win = null;
      });
    } else {
      focus(win);
    }
    return win;
  };
  const notify = createNotifier({
    strings,
    icon: ICON,
    onClick: (event) => {
      const w = showWindow();
      // The renderer opens the renewal of this certificate when it hears the reminder.
      const send = () => emit(w.webContents, 'reminder', event);
      if (w.webContents.isLoading()) w.webContents.once('did-finish-load', send);
      else send();
    },
  });

  const proxyAuth = createProxyAuthBroker(proxyDialog);
  const pinBroker = createPinBroker(pinDialog);
  const chromium = createChromiumTransport({ denyPermissions: denyAllPermissions, proxyAuth });
  const core = startCoreClient(
    () => spawnCoreProcess(fromRoot('out', 'main', 'core-process.js')),
    {
      mode: 'desktop',
      // `npm run demo` points an unpackaged app at its demo policy; a packaged app reads
      // only the machine-wide policy that IT placed.
      ...(!app.isPackaged && process.env.CERTDESK_POLICY ? { policyFile: process.env.CERTDESK_POLICY } : {}),
      // Asked per operation; a wrong PIN is asked again, at most 3 asks per operation (each wrong
      // one counts towards the token's own lockout, which ends it sooner with PIN_LOCKED).
      pinAsks: 3,
      chromium: true,
      versions: { electron: process.versions.electron ?? '-', chrome: process.versions.chrome ?? '-' },
    },
    {
      event: sendEvent,
      // The OS notification, and the banner of a window already open.
      remind: (r) => {
        notify(r);
        sendEvent('reminder', { fingerprint: r.fingerprint, threshold: r.threshold, daysLeft: r.daysLeft });
      },
      askPin: (q) => pinBroker.ask(q),
      chromium,
      // What the bank's /csrattrs asked and what was done with it: into the log file (redacted by its hook).
      log: (line) => log.info(`core: ${line}`),
      stopped: (s) => log.warn(`core: process ${s.pid ?? '?'} ended (code ${s.code}) during ${s.interrupted.join(', ') || 'no call'}; a new one was started`),
    },
  );
  app.on('will-quit', () => core.stop());
  const ready = await core.ready;
  if (ready) {
    language = ready.language;
    log.info(`certdesk: core process ready in ${ready.startMs.toFixed(0)} ms`);
  }

  let settingsHook: (view: SettingsView) => void = () => undefined;
  // The status file and the OS log entry after each renewal, 取得 and daily check, as the CLI leaves them.
  const record = createWindowRecord({ version: app.getVersion(), env: process.env, warn: (line) => log.warn(line) });
  const api = createDesktopApi({
    core: record.wrap(core.service),
    bankSiteUrl: ready?.bankSiteUrl,
    bankLoginUrl: ready?.bankLoginUrl,
    newPcGuideUrl: ready?.newPcGuideUrl,
    supportUrl: ready?.supportUrl,
    dialog,
    shell,
    window: () => win,
    strings,
    onSettings: (view) => settingsHook(view),
  });
  const senderCheck = createSenderCheck(() => (win && !win.isDestroyed() ? win.webContents : null));
  registerApi(ipcMain, api, senderCheck);
  registerProxyAuthAnswer(ipcMain, proxyAuth, senderCheck);
  registerPinAnswer(ipcMain, pinBroker, senderCheck);

  const applySettings = (view: SettingsView) => {
    language = view.language;
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(strings(), {
          saveDiagnostics: () => void api.saveDiagnostics(),
          openBankSite: () => void api.openBankSite(),
          quit: () => app.quit(),
        }),
      ),
    );
    if (win && !win.isDestroyed()) win.setTitle(strings().appTitle);
    // Start at login (tray and reminders only) when the user allows it. Linux desktops
    // have no API for it here; the .deb does not add an autostart entry.
    if (app.isPackaged && process.platform !== 'linux') {
      app.setLoginItemSettings({ openAtLogin: view.remindersAtLogin, args: ['--background'] });
    }
  };
  settingsHook = applySettings;

  // A second launch (a certdesk: link on Windows and Linux comes this way): this window, to the front.
  // Its arguments read as at a first launch (app/headless-args): a refused one opens nothing.
  app.on('second-instance', (_event, argv) => {
    const second = readLaunchArgs(argv);
    if (second.mode === 'refused') log.warn(refusedLaunchLine(second, argv));
    else if (second.mode === 'desktop' && second.link) launchLinks.receive(second.link);
    else if (second.mode === 'desktop') showWindow();
  });
  app.on('window-all-closed', () => {
    // With the tray the app keeps reminding; without it, closing the window ends it.
    if (!tray) app.quit();
  });

  const settings = await core.service.getSettings();
  applySettings(settings.ok ? settings.value : { language, endpoint: '', bankName: '', remindersAtLogin: false, managed: [] });

  tray = createTray({ icon: ICON, strings, onOpen: showWindow, onQuit: () => app.quit() });
  // Each listing takes the reminders due (the core's ledger) and updates the tray.
  startReminderClock(async () => {
    const overview = await core.service.getOverview();
    await record.check(overview);
    if (!overview.ok) return;
    const days = overview.value.certificates.map((c) => c.daysLeft);
    tray?.update(days.length ? Math.min(...days) : null);
  });

  if (!background) showWindow();
  launchLinks.attach({
    showWindow: () => void showWindow(),
    send: (request) => {
      const w = showWindow();
      const send = () => emit(w.webContents, 'launch', request);
      if (w.webContents.isLoading()) w.webContents.once('did-finish-load', send);
      else send();
    },
    warn: (message) => log.warn(message),
  });
  if (launch.link) launchLinks.receive(launch.link);
  if (app.isPackaged) installScheduleOnFirstStart(process.execPath, (line) => log.warn(line));
  log.info(`certdesk: started (${background ? 'background' : 'window'}), policy ${ready?.policySource ?? '(core not ready)'}`);
}
