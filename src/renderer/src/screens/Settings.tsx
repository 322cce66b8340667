import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, SettingsPatch, SettingsView } from '../../../shared/contract';
import { Heading } from '../components/common';

export function Settings({ view, onChange, savedNote }: { view: SettingsView; onChange(patch: SettingsPatch): void; savedNote: boolean }) {
  const { t } = useTranslation();
  const managed = (f: SettingsView['managed'][number]) => view.managed.includes(f);
  const describedBy = (f: SettingsView['managed'][number]) => (managed(f) ? `${f}-managed` : undefined);
  const note = (f: SettingsView['managed'][number]) =>
    managed(f) ? (
      <p id={`${f}-managed`} className="field-help managed">
        {t('settings.managed')}
      </p>
    ) : null;
  return (
    <section className="screen" data-screen="settings">
      <Heading>{t('settings.heading')}</Heading>
      <form className="card form" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label className="field-label" htmlFor="set-language">
            {t('settings.language')}
          </label>
          <select
            id="set-language"
            className="input"
            value={view.language}
            disabled={managed('language')}
            aria-describedby={describedBy('language')}
            onChange={(e) => onChange({ language: e.target.value as Language })}
          >
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
          {note('language')}
        </div>
        <ReadOnlyField id="set-bank" label={t('settings.bankName')} value={view.bankName} note={note('bankName')} describedBy={describedBy('bankName')} />
        <ReadOnlyField id="set-endpoint" label={t('settings.endpoint')} value={view.endpoint} note={note('endpoint')} describedBy={describedBy('endpoint')} mono />
        <div className="field field-check">
          <input
            id="set-reminders"
            type="checkbox"
            checked={view.remindersAtLogin}
            disabled={managed('remindersAtLogin')}
            aria-describedby={describedBy('remindersAtLogin')}
            onChange={(e) => onChange({ remindersAtLogin: e.target.checked })}
          />
          <label htmlFor="set-reminders">{t('settings.reminders')}</label>
          {note('remindersAtLogin')}
        </div>
        <p role="status" className="muted">
          {savedNote ? t('settings.saved') : ''}
        </p>
      </form>
    </section>
  );
}

/** A value the policy sets: shown, selectable, never edited here. */
function ReadOnlyField({ id, label, value, note, describedBy, mono = false }: { id: string; label: string; value: string; note: ReactNode; describedBy: string | undefined; mono?: boolean }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className={mono ? 'input mono' : 'input'} readOnly value={value} aria-describedby={describedBy} />
      {note}
    </div>
  );
}
