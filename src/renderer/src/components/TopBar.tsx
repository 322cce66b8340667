import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/contract';

export type NavTarget = 'home' | 'diagnostics' | 'settings';

interface Props {
  bankName: string;
  current: string;
  /** A run is in progress: the header waits. */
  busy: boolean;
  settingsReady: boolean;
  languageManaged: boolean;
  lang: Language;
  onNavigate(target: NavTarget): void;
  onLanguage(next: Language): void;
}

/** The bank's name and the app's, the three places, and the other language (unless the policy sets it). */
export function TopBar({ bankName, current, busy, settingsReady, languageManaged, lang, onNavigate, onLanguage }: Props) {
  const { t } = useTranslation();
  const other: Language = lang === 'ja' ? 'en' : 'ja';
  const link = (target: NavTarget, disabled: boolean) => (
    <button type="button" className="nav-link" aria-current={current === target ? 'page' : undefined} disabled={disabled} onClick={() => onNavigate(target)}>
      {t(`app.nav.${target}`)}
    </button>
  );
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          CD
        </span>
        <span className="brand-text">
          <span className="brand-bank">{bankName}</span>
          <span className="brand-app">{t('app.title')}</span>
        </span>
      </div>
      <nav aria-label={t('app.title')} className="nav">
        {link('home', busy)}
        {link('diagnostics', busy)}
        {link('settings', busy || !settingsReady)}
        {!languageManaged && (
          <button type="button" className="nav-link lang-switch" lang={other} disabled={busy} onClick={() => onLanguage(other)}>
            {other === 'en' ? 'English' : '日本語'}
          </button>
        )}
      </nav>
    </header>
  );
}
