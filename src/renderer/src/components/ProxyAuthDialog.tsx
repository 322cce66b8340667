// CertDesk's sign-in dialog for an office proxy that asks for a user name and password (the
// main process's `proxyAuth` event). The answer goes back by the request's id; the password
// lives in this component's state only until it is sent, and is never stored. A request that
// ends without the user (main's timeout or cancel: `proxyAuthClosed`; the run that needed it
// failed or finished: `busy` drops) closes its dialog, so nothing is left asking for nothing.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProxyAuthAnswer, ProxyAuthRequest } from '../../../shared/contract';
import { api } from '../api';

function send(id: string, a: ProxyAuthAnswer | null) {
  const answer = api().answerProxyAuth;
  // An answer main refuses (a user name it cannot send) is a cancel: the request must not wait forever.
  void answer?.(id, a).then((r) => (r.ok || a === null ? undefined : answer(id, null)));
}

export function ProxyAuthDialog({ busy }: { busy: boolean }) {
  const [queue, setQueue] = useState<ProxyAuthRequest[]>([]);
  useEffect(() => {
    const bridge = api();
    // A bridge without the answer channel (a test page's) cannot answer: no dialog then.
    if (!bridge.answerProxyAuth) return;
    const offAsk = bridge.on('proxyAuth', (request) => setQueue((q) => [...q, request]));
    const offClosed = bridge.on('proxyAuthClosed', ({ id }) => setQueue((q) => q.filter((r) => r.id !== id)));
    return () => {
      offAsk();
      offClosed();
    };
  }, []);
  // The run ended (failed, cancelled or done) with a dialog still up: nothing waits for it any
  // more; cancelled, so main's request ends too. Only on that change: a request that arrives
  // while no run shows keeps its dialog.
  const wasBusy = useRef(busy);
  const shown = useRef(queue);
  shown.current = queue;
  useEffect(() => {
    if (wasBusy.current && !busy && shown.current.length > 0) {
      shown.current.forEach((r) => send(r.id, null));
      setQueue([]);
    }
    wasBusy.current = busy;
  }, [busy]);
  const current = queue[0];
  if (!current) return null;
  const answer = (a: ProxyAuthAnswer | null) => {
    setQueue((q) => q.filter((r) => r.id !== current.id));
    send(current.id, a);
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
      onKeyDown={(e) => wrapTab(e, ref.current)}
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

/**
 * Tab past the last control comes back to the first, Shift+Tab before the first to the last:
 * the modal dialog already makes the page behind inert; this keeps focus from leaving for the
 * browser's own UI, where a keyboard user would lose the dialog.
 */
function wrapTab(e: KeyboardEvent<HTMLDialogElement>, dialog: HTMLDialogElement | null) {
  if (e.key !== 'Tab' || !dialog) return;
  const controls = [...dialog.querySelectorAll<HTMLElement>('input, button')].filter((c) => !c.hasAttribute('disabled'));
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) return;
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  }
}
