// The few words the main process shows itself (title, menu, notifications, tray, dialogs), in
// the policy's language: the one catalog's (src/shared/i18n, `shell`), read through i18next
// as the window and the command line read theirs.
import type { Language } from '../../shared/contract';
import { translator } from '../../shared/i18n';

export interface Strings {
  appTitle: string;
  menuFile: string;
  menuSaveDiagnostics: string;
  menuQuit: string;
  menuEdit: string;
  menuView: string;
  menuReload: string;
  menuHelp: string;
  menuBankSite: string;
  menuAbout: string;
  trayOpen: string;
  trayQuit: string;
  trayDaysLeft: (days: number) => string;
  trayNone: string;
  reminderTitle: string;
  reminderBody: (days: number, holder: string) => string;
  saveDiagnosticsTitle: string;
}

const built: Partial<Record<Language, Strings>> = {};

export function stringsFor(language: Language): Strings {
  const lang: Language = language === 'en' ? 'en' : 'ja';
  if (built[lang]) return built[lang];
  const t = translator(lang);
  const w = (key: string, values?: Record<string, string | number>) => t(`shell.${key}`, values ?? {});
  return (built[lang] = {
    appTitle: w('appTitle'),
    menuFile: w('menuFile'),
    menuSaveDiagnostics: w('menuSaveDiagnostics'),
    menuQuit: w('menuQuit'),
    menuEdit: w('menuEdit'),
    menuView: w('menuView'),
    menuReload: w('menuReload'),
    menuHelp: w('menuHelp'),
    menuBankSite: w('menuBankSite'),
    menuAbout: w('menuAbout'),
    trayOpen: w('trayOpen'),
    trayQuit: w('trayQuit'),
    trayDaysLeft: (days) => (days >= 0 ? w('trayDaysLeft', { count: days }) : w('trayDaysAgo', { count: -days })),
    trayNone: w('trayNone'),
    reminderTitle: t('home.noticeTitle'),
    reminderBody: (days, holder) => w('reminderBody', { count: days, holder }),
    saveDiagnosticsTitle: w('saveDiagnosticsTitle'),
  });
}
