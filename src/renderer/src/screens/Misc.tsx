import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  validateLoginId,
  validatePassword,
  type AcquireRequest,
  type ApiError,
  type ErrorCode,
  type Language,
  type SettingsPatch,
  type SettingsView,
} from '../../../shared/contract';
import { CopyButton, Heading } from '../components/common';
import { formatDay } from '../format';
import { errorVars } from './Flow';

export function Acquire({ onSubmit, onBack }: { onSubmit(req: AcquireRequest): void; onBack(): void }) {
  const { t } = useTranslation();
  const [loginId, setLoginId] = useState('');
  const [errors, setErrors] = useState<{ loginId?: boolean; password?: boolean }>({});
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    // The password is read from the field once, never held in React state.
    const pw = e.currentTarget.elements.namedItem('password') as HTMLInputElement;
    const password = pw.value;
    const next = { loginId: validateLoginId(loginId) !== null, password: validatePassword(password) !== null };
    setErrors(next);
    if (next.loginId || next.password) {
      (document.getElementById(next.loginId ? 'loginId' : 'password') as HTMLInputElement | null)?.focus();
      return;
    }
    pw.value = '';
    onSubmit({ loginId, password });
  };
  const invalid = errors.loginId || errors.password;
  return (
    <section className="screen" data-screen="acquire">
      <Heading>{t('acquire.heading')}</Heading>
      <p className="lead">{t('acquire.intro')}</p>
      <form className="card form" onSubmit={submit} noValidate>
        {invalid && (
          <p className="banner banner-error" role="alert">
            {t('acquire.errorSummary')}
          </p>
        )}
        <div className="field">
          <label className="field-label" htmlFor="loginId">
            {t('acquire.loginId')}
          </label>
          <input
            id="loginId"
            name="loginId"
            className="input"
            autoComplete="username"
            spellCheck={false}
            value={loginId}
            onChange={(e) => setLoginId(e.target.value)}
            aria-invalid={errors.loginId ? true : undefined}
            aria-describedby={errors.loginId ? 'loginId-help loginId-error' : 'loginId-help'}
            required
          />
          <p id="loginId-help" className="field-help">
            {t('acquire.loginIdHelp')}
          </p>
          {errors.loginId && (
            <p id="loginId-error" className="field-error">
              {t('acquire.errLoginId')}
            </p>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="password">
            {t('acquire.password')}
          </label>
          <input
            id="password"
            name="password"
            type="password"
            className="input"
            autoComplete="current-password"
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={errors.password ? 'password-help password-error' : 'password-help'}
            required
          />
          <p id="password-help" className="field-help">
            {t('acquire.passwordHelp')}
          </p>
          {errors.password && (
            <p id="password-error" className="field-error">
              {t('acquire.errPassword')}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary">
            {t('acquire.submit')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onBack}>
            {t('app.back')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Errors after which the same action can reasonably be tried again. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AUTH_FAILED',
  'SERVER_REJECTED',
  'SERVER_ERROR',
  'BAD_RESPONSE',
  'PENDING_TIMEOUT',
  'NETWORK',
  'CLOCK_SKEW',
  'STORE_UNAVAILABLE',
  'STORE_WRITE_FAILED',
  'VAULT_UNAVAILABLE',
  'JOURNAL_WRITE_FAILED',
  'BUSY',
  'CANCELLED',
  'INVALID_INPUT',
]);

/** What happened, what to do, the code, a retry where it makes sense, and a copy for the helpdesk. */
export function ErrorPanel({ error, lang, onRetry, onHome, onAcquire, titleAsHeading = false }: { error: ApiError; lang: Language; onRetry?: (() => void) | undefined; onHome(): void; onAcquire(): void; titleAsHeading?: boolean }) {
  const { t } = useTranslation();
  const vars = errorVars(error.detail);
  const opensOn = error.detail?.opensOn;
  if (typeof opensOn === 'string') vars.date = formatDay(opensOn, lang);
  const key = `errors.${error.code}`;
  const helpdesk = [
    `CertDesk ${t('error.code')}: ${error.code}`,
    `${t(`${key}.title`)}`,
    `message: ${error.message}`,
    ...Object.entries(error.detail ?? {}).map(([k, v]) => `${k}: ${String(v)}`),
  ].join('\n');
  const wantsAcquire = error.code === 'ACQUIRE_REQUIRED' || error.code === 'NO_CERTIFICATE' || error.code === 'CLIENT_CERT_REJECTED';
  return (
    <div className="error-panel" data-code={error.code}>
      {titleAsHeading ? <Heading>{t(`${key}.title`)}</Heading> : <h2 className="error-title">{t(`${key}.title`)}</h2>}
      <div className="card card-error" role="alert">
        <h3 className="card-title">{t('error.happened')}</h3>
        <p>{t(`${key}.happened`, vars)}</p>
        <h3 className="card-title">{t('error.todo')}</h3>
        <p className="todo">{t(`${key}.todo`, vars)}</p>
        <p className="muted">
          {t('error.code')}: <code>{error.code}</code>
          {typeof error.detail?.reason === 'string' && (
            <>
              {' '}
              (<code>{error.detail.reason}</code>)
            </>
          )}
        </p>
      </div>
      <div className="actions">
        {onRetry && RETRYABLE.has(error.code) && (
          <button type="button" className="btn btn-primary" onClick={onRetry}>
            {t('app.retry')}
          </button>
        )}
        {wantsAcquire && (
          <button type="button" className="btn btn-primary" onClick={onAcquire}>
            {t('error.acquire')}
          </button>
        )}
        <CopyButton text={helpdesk} label={t('error.copyHelpdesk')} />
        <button type="button" className="btn btn-secondary" onClick={onHome}>
          {t('error.home')}
        </button>
      </div>
      <details className="helpdesk">
        <summary>{t('error.helpdeskText')}</summary>
        <pre className="mono wrap">{helpdesk}</pre>
      </details>
    </div>
  );
}

export function ErrorScreen(props: { error: ApiError; lang: Language; onRetry?: (() => void) | undefined; onHome(): void; onAcquire(): void }) {
  return (
    <section className="screen" data-screen="error" data-code={props.error.code}>
      <ErrorPanel {...props} titleAsHeading />
    </section>
  );
}

export function Diagnostics({ text, onSave, saved }: { text: string; onSave(): void; saved: string | null }) {
  const { t } = useTranslation();
  return (
    <section className="screen" data-screen="diagnostics">
      <Heading>{t('diagnostics.heading')}</Heading>
      <p className="lead">{t('diagnostics.intro')}</p>
      <div className="card">
        <label className="field-label" htmlFor="diag">
          {t('diagnostics.heading')}
        </label>
        <textarea id="diag" className="pem mono" readOnly rows={14} value={text} />
        <div className="actions">
          <CopyButton text={text} label={t('app.copy')} />
          <button type="button" className="btn btn-secondary" onClick={onSave}>
            {t('diagnostics.save')}
          </button>
          <span role="status">{saved}</span>
        </div>
      </div>
    </section>
  );
}

export function Settings({ view, onChange, savedNote }: { view: SettingsView; onChange(patch: SettingsPatch): void; savedNote: boolean }) {
  const { t } = useTranslation();
  const managed = (f: SettingsView['managed'][number]) => view.managed.includes(f);
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
            aria-describedby={managed('language') ? 'language-managed' : undefined}
            onChange={(e) => onChange({ language: e.target.value as Language })}
          >
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
          {note('language')}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="set-bank">
            {t('settings.bankName')}
          </label>
          <input id="set-bank" className="input" readOnly value={view.bankName} aria-describedby={managed('bankName') ? 'bankName-managed' : undefined} />
          {note('bankName')}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="set-endpoint">
            {t('settings.endpoint')}
          </label>
          <input id="set-endpoint" className="input mono" readOnly value={view.endpoint} aria-describedby={managed('endpoint') ? 'endpoint-managed' : undefined} />
          {note('endpoint')}
        </div>
        <div className="field field-check">
          <input
            id="set-reminders"
            type="checkbox"
            checked={view.remindersAtLogin}
            disabled={managed('remindersAtLogin')}
            aria-describedby={managed('remindersAtLogin') ? 'remindersAtLogin-managed' : undefined}
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
