// CertDesk's dialog for the PIN of the token that keeps the certificate's key (a TPM or a
// smart card: main's `pinRequest` event, sent when 取得 or a renewal starts). The answer goes
// back by the request's id; the PIN lives in this component's state only until it is sent.
// A request that ends without the user (main's timeout or cancel: `pinClosed`; the run that
// needed it ended: `busy` drops) closes its dialog. It says that the browser will ask the
// same PIN at the bank's login, so the second question is no surprise.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinAnswer, PinRequest } from '../../../shared/contract';
import { api } from '../api';

/** What main accepts (contract's validatePinAnswer): 4–64 printable ASCII. */
const PIN_TEXT = /^[\x20-\x7e]{4,64}$/;

function send(id: string, a: PinAnswer | null) {
  const answer = api().answerPin;
  // An answer main refuses is a cancel: the operation must not wait for nothing.
  void answer?.(id, a).then((r) => (r.ok || a === null ? undefined : answer(id, null)));
}

export function PinDialog({ busy }: { busy: boolean }) {
  const [queue, setQueue] = useState<PinRequest[]>([]);
  useEffect(() => {
    const bridge = api();
    // A bridge without the answer channel (a test page's) cannot answer: no dialog then.
    if (!bridge.answerPin) return;
    const offAsk = bridge.on('pinRequest', (request) => setQueue((q) => [...q, request]));
    const offClosed = bridge.on('pinClosed', ({ id }) => setQueue((q) => q.filter((r) => r.id !== id)));
    return () => {
      offAsk();
      offClosed();
    };
  }, []);
  // The run ended with a dialog still up: cancelled, so main's request ends too (only on that change).
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
  const answer = (a: PinAnswer | null) => {
    setQueue((q) => q.filter((r) => r.id !== current.id));
    send(current.id, a);
  };
  return <PinQuestion key={current.id} request={current} onAnswer={answer} />;
}

function PinQuestion({ request, onAnswer }: { request: PinRequest; onAnswer(a: PinAnswer | null): void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const [pin, setPin] = useState('');
  const [remember, setRemember] = useState(false);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!PIN_TEXT.test(pin)) {
      setInvalid(true);
      return;
    }
    onAnswer({ pin, remember: request.offerRemember && remember });
    setPin('');
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="pin-title"
      aria-describedby="pin-body"
      data-testid="pin-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onAnswer(null);
      }}
      onKeyDown={(e) => wrapTab(e, ref.current)}
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 id="pin-title" className="dialog-title">
          {t('pin.title')}
        </h2>
        <div id="pin-body">
          <p>{t('pin.body', { token: request.tokenLabel })}</p>
          <p className="muted">{t('pin.browser')}</p>
          {request.retry && (
            <p className="field-error" role="alert">
              {t('pin.retry')}
            </p>
          )}
        </div>
        <div className="field">
          <label className="field-label" htmlFor="pin-input">
            {t('pin.label')}
          </label>
          {/* inputMode text: a TPM's or a card's PIN may hold letters; the page never keeps it. */}
          <input
            id="pin-input"
            className="input"
            type="password"
            autoComplete="off"
            inputMode="text"
            spellCheck={false}
            autoFocus
            maxLength={64}
            aria-invalid={invalid}
            aria-describedby="pin-hint"
            value={pin}
            onChange={(e) => {
              setPin(e.target.value);
              setInvalid(false);
            }}
          />
          <p id="pin-hint" className={invalid ? 'field-error' : 'muted'}>
            {t('pin.hint')}
          </p>
        </div>
        {request.offerRemember && (
          <div className="field field-check">
            <input id="pin-remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
            <label htmlFor="pin-remember">{t('pin.remember')}</label>
          </div>
        )}
        <div className="actions actions-end">
          <button type="button" className="btn btn-secondary" onClick={() => onAnswer(null)}>
            {t('pin.cancel')}
          </button>
          <button type="submit" className="btn btn-primary">
            {t('pin.ok')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** Tab past the last control comes back to the first, Shift+Tab before the first to the last. */
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
