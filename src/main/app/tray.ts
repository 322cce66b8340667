// The tray icon while CertDesk runs in the background: the days left of the most urgent
// certificate in its tooltip and menu, a way back to the window, and quit.
import { Menu, Tray, nativeImage } from 'electron';
import type { Strings } from './strings';

export interface TrayHandle {
  update(daysLeft: number | null): void;
  destroy(): void;
}

export function trayLabel(strings: Strings, daysLeft: number | null): string {
  return daysLeft === null ? strings.trayNone : strings.trayDaysLeft(daysLeft);
}

export function createTray(opts: { icon: string; strings: () => Strings; onOpen(): void; onQuit(): void }): TrayHandle {
  const tray = new Tray(nativeImage.createFromPath(opts.icon));
  const render = (daysLeft: number | null) => {
    const s = opts.strings();
    const label = trayLabel(s, daysLeft);
    tray.setToolTip(`${s.appTitle}: ${label}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label, enabled: false },
        { type: 'separator' },
        { label: s.trayOpen, click: opts.onOpen },
        { label: s.trayQuit, click: opts.onQuit },
      ]),
    );
  };
  tray.on('click', opts.onOpen);
  render(null);
  return { update: render, destroy: () => tray.destroy() };
}
