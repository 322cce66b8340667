// CertDesk's sign-in dialog for an office proxy that asks for a user name and password (the
// main process's `proxyAuth` event; closed by `proxyAuthClosed` or the run's end: PromptDialog).
// The password lives in this component's state only until it is sent, and is never stored.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProxyAuthAnswer, ProxyAuthRequest } from '../../../shared/contract';
import { DialogFrame, PromptDialog } from './PromptDialog';

/** The longest part of a proxy's realm the dialog shows; the rest becomes "…". */
export const REALM_SHOWN_MAX = 60;

/**
 * The proxy's realm as the dialog quotes it: the proxy's own words, not CertDesk's (any host on
 * the way can send any text there, "enter your bank password" included). Control, zero-width
 * and direction-changing characters removed, white space collapsed, cut at REALM_SHOWN_MAX.
 */
export function realmForDisplay(realm: string): string {
  const clean = realm
    // Cc: controls; Cf: zero-width, bidi overrides and isolates, BOM; Zl/Zp: line breaks.
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...clean];
  return chars.length > REALM_SHOWN_MAX ? `${chars.slice(0, REALM_SHOWN_MAX).join('')}…` : clean;
}

export function ProxyAuthDialog({ busy }: { busy: boolean }) {
  return (
    <PromptDialog<'proxyAuth', ProxyAuthAnswer> busy={busy} request="proxyAuth" closed="proxyAuthClosed" channel={(b) => b.answerProxyAuth}>
      {(request, onAnswer) => <SignIn request={request} onAnswer={onAnswer} />}
    </PromptDialog>
  );
}

function SignIn({ request, onAnswer }: { request: ProxyAuthRequest; onAnswer(a: ProxyAuthAnswer | null): void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!username) return;
    onAnswer({ username, password, remember });
    setPassword('');
  };
  return (
    <DialogFrame
      name="proxy-auth"
      testId="proxy-auth"
      title={t('proxyAuth.title')}
      body={
        <>
          <p>{t('proxyAuth.body', { proxy: `${request.host}:${request.port}` })}</p>
          {/* As browsers do: labelled as the proxy's message, quoted, after our own words, never as an instruction of ours. */}
          {realmForDisplay(request.realm) && (
            <p className="muted small" data-testid="proxy-realm">
              {t('proxyAuth.realm', { realm: realmForDisplay(request.realm) })}
            </p>
          )}
          {request.retry && (
            <p className="field-error" role="alert">
              {t('proxyAuth.retry')}
            </p>
          )}
        </>
      }
      cancelLabel={t('proxyAuth.cancel')}
      okLabel={t('proxyAuth.ok')}
      onSubmit={submit}
      onCancel={() => onAnswer(null)}
    >
      <div className="field">
        <label className="field-label" htmlFor="proxy-auth-user">
          {t('proxyAuth.username')}
        </label>
        <input id="proxy-auth-user" className="input" type="text" autoComplete="off" spellCheck={false} autoFocus required maxLength={256} value={username} onChange={(e) => setUsername(e.target.value)} />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="proxy-auth-password">
          {t('proxyAuth.password')}
        </label>
        <input id="proxy-auth-password" className="input" type="password" autoComplete="off" maxLength={256} value={password} onChange={(e) => setPassword(e.target.value)} />
      </div>
      <div className="field field-check">
        <input id="proxy-auth-remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
        <label htmlFor="proxy-auth-remember">{t('proxyAuth.remember')}</label>
      </div>
    </DialogFrame>
  );
}
