// CertDesk's sign-in dialog for an office proxy that asks for a user name and password (the
// main process's `proxyAuth` event). The answer goes back by the request's id; the password
// lives in this component's state only until it is sent, and is never stored.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProxyAuthAnswer, ProxyAuthRequest } from '../../../shared/contract';
import { api } from '../api';

export function ProxyAuthDialog() {
  const [queue, setQueue] = useState<ProxyAuthRequest[]>([]);
  useEffect(() => {
    const bridge = api();
    // A bridge without the answer channel (a test page's) cannot answer: no dialog then.
    if (!bridge.answerProxyAuth) return;
    return bridge.on('proxyAuth', (request) => setQueue((q) => [...q, request]));
  }, []);
  const current = queue[0];
  if (!current) return null;
  const answer = (a: ProxyAuthAnswer | null) => {
    setQueue((q) => q.slice(1));
    const send = api().answerProxyAuth;
    // An answer main refuses (a user name it cannot send) is a cancel: the request must not wait forever.
    void send?.(current.id, a).then((r) => (r.ok || a === null ? undefined : send(current.id, null)));
  };
  return <SignIn key={current.id} request={current} onAnswer={answer} />;
}

function SignIn({ request, onAnswer }: { request: ProxyAuthRequest; onAnswer(a: ProxyAuthAnswer | null): void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!username) return;
    onAnswer({ username, password, remember });
    setPassword('');
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="proxy-auth-title"
      aria-describedby="proxy-auth-body"
      data-testid="proxy-auth"
      onCancel={(e) => {
        e.preventDefault();
        onAnswer(null);
      }}
    >
      <form className="form" onSubmit={submit}>
        <h2 id="proxy-auth-title" className="dialog-title">
          {t('proxyAuth.title')}
        </h2>
        <div id="proxy-auth-body">
          <p>{t('proxyAuth.body', { proxy: `${request.host}:${request.port}` })}</p>
          {request.realm && <p className="muted">{t('proxyAuth.realm', { realm: request.realm })}</p>}
          {request.retry && (
            <p className="field-error" role="alert">
              {t('proxyAuth.retry')}
            </p>
          )}
        </div>
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
        <div className="actions actions-end">
          <button type="button" className="btn btn-secondary" onClick={() => onAnswer(null)}>
            {t('proxyAuth.cancel')}
          </button>
          <button type="submit" className="btn btn-primary">
            {t('proxyAuth.ok')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
