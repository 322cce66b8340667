// The one main window, loaded from app://certdesk/. The options are written out here as
// one literal (not built elsewhere) so that Electronegativity can check them.
import { BrowserWindow } from 'electron';
import { isDevelopmentBuild } from './build-mode';
import { APP_ENTRY_URL } from './security';

export function createMainWindow(opts: { preload: string; title: string; icon?: string; show: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 960,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    title: opts.title,
    show: false,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      // Reviewed: src/preload exposes exactly the contract's methods through contextBridge,
      // no ipcRenderer and no generic invoke. eng-disable reason: that review.
      preload: opts.preload, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click would open links in a new window, which is denied anyway.
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: isDevelopmentBuild(),
    },
  });
  // The page's <title> would replace the policy-language title.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => {
    if (opts.show) win.show();
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

export function focus(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}
