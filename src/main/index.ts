// The Electron main process: app lifecycle and windows. Thin: everything that works
// without Electron lives in ./core. (Filled in by the Electron shell work.)
import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';

app.whenReady().then(() => {
  const win = new BrowserWindow({
    width: 960,
    height: 720,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
});
