import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AcquireRequest } from '../../../shared/contract';
import { validateLoginId, validatePassword } from '../../../shared/validate';
import { Heading } from '../components/common';
import { normaliseLoginId } from '../flow/login-id';

export function Acquire({ initialLoginId, onSubmit, onBack }: { initialLoginId?: string | undefined; onSubmit(req: AcquireRequest): void; onBack(): void }) {
  const { t } = useTranslation();
  const [rawLoginId, setLoginId] = useState(initialLoginId ?? '');
  const loginId = normaliseLoginId(rawLoginId);
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
        <Field id="loginId" label={t('acquire.loginId')} help={t('acquire.loginIdHelp')} error={errors.loginId ? t('acquire.errLoginId') : null}>
          {(aria) => (
            <input {...aria} name="loginId" className="input" autoComplete="username" spellCheck={false} value={rawLoginId} onChange={(e) => setLoginId(e.target.value)} onBlur={() => setLoginId(loginId)} required />
          )}
        </Field>
        <Field id="password" label={t('acquire.password')} help={t('acquire.passwordHelp')} error={errors.password ? t('acquire.errPassword') : null}>
          {(aria) => <input {...aria} name="password" type="password" className="input" autoComplete="current-password" required />}
        </Field>
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

interface FieldAria {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string;
}

/** A labelled input with its help line and, once refused, the error the input is described by. */
function Field({ id, label, help, error, children }: { id: string; label: string; help: string; error: string | null; children(aria: FieldAria): ReactNode }) {
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? `${id}-help ${id}-error` : `${id}-help` })}
      <p id={`${id}-help`} className="field-help">
        {help}
      </p>
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
