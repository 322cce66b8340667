// The few words the main process shows itself (title, menu, notifications, tray, dialogs),
// in the policy's language. The renderer has its own catalogs.
import type { Language } from '../../shared/contract';

const ja = {
  appTitle: 'CertDesk 電子証明書',
  menuFile: 'ファイル',
  menuSaveDiagnostics: '診断情報を保存…',
  menuQuit: '終了',
  menuEdit: '編集',
  menuView: '表示',
  menuReload: '再読み込み',
  menuHelp: 'ヘルプ',
  menuBankSite: '銀行のホームページを開く',
  menuAbout: 'CertDesk について',
  trayOpen: 'CertDesk を開く',
  trayQuit: '終了',
  trayDaysLeft: (days: number) => (days >= 0 ? `電子証明書の有効期限まであと ${days} 日` : `電子証明書の有効期限が切れています（${-days} 日経過）`),
  trayNone: '電子証明書は見つかりません',
  reminderTitle: '電子証明書の更新をお願いします',
  reminderBody: (days: number, holder: string) => `${holder} の電子証明書の有効期限まであと ${days} 日です。クリックすると更新を始めます。`,
  saveDiagnosticsTitle: '診断情報の保存先',
} as const;

type Strings = { [K in keyof typeof ja]: (typeof ja)[K] extends (...a: infer A) => string ? (...a: A) => string : string };

const en: Strings = {
  appTitle: 'CertDesk Certificates',
  menuFile: 'File',
  menuSaveDiagnostics: 'Save diagnostics…',
  menuQuit: 'Quit',
  menuEdit: 'Edit',
  menuView: 'View',
  menuReload: 'Reload',
  menuHelp: 'Help',
  menuBankSite: "Open the bank's web site",
  menuAbout: 'About CertDesk',
  trayOpen: 'Open CertDesk',
  trayQuit: 'Quit',
  trayDaysLeft: (days) => (days >= 0 ? `Certificate expires in ${days} days` : `Certificate expired ${-days} days ago`),
  trayNone: 'No certificate found',
  reminderTitle: 'Please renew your certificate',
  reminderBody: (days, holder) => `The certificate of ${holder} expires in ${days} days. Click to renew it.`,
  saveDiagnosticsTitle: 'Save diagnostics as',
};

export function stringsFor(language: Language): Strings {
  return language === 'en' ? en : ja;
}
export type { Strings };
