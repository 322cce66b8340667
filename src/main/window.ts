// The one main window, loaded from app://certdesk/ with the options of security.ts.
import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL, mainWindowOptions } from './security';

export function createMainWindow(opts: { preload: string; title: string; icon?: string; show: boolean }): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(opts));
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
