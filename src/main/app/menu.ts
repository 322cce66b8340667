// The application menu in the policy's language. Only what the app needs: no developer
// tools in a packaged build.
import type { MenuItemConstructorOptions } from 'electron';
import type { Strings } from './strings';

export function menuTemplate(s: Strings, actions: { saveDiagnostics(): void; openBankSite(): void; quit(): void }, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const template: MenuItemConstructorOptions[] = [
    {
      label: s.menuFile,
      submenu: [
        { label: s.menuSaveDiagnostics, click: actions.saveDiagnostics },
        { type: 'separator' },
        { label: s.menuQuit, accelerator: 'CmdOrCtrl+Q', click: actions.quit },
      ],
    },
    {
      label: s.menuEdit,
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    { label: s.menuView, submenu: [{ label: s.menuReload, role: 'reload' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }] },
    { label: s.menuHelp, submenu: [{ label: s.menuBankSite, click: actions.openBankSite }] },
  ];
  if (platform === 'darwin') template.unshift({ label: s.appTitle, submenu: [{ role: 'about', label: s.menuAbout }, { type: 'separator' }, { role: 'quit', label: s.menuQuit }] });
  return template;
}
