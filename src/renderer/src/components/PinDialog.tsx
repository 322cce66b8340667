// CertDesk's dialog for the PIN of the token that keeps the certificate's key (a TPM or a
// smart card: main's `pinRequest` event, sent when 取得 or a renewal starts; closed by
// `pinClosed` or the run's end: PromptDialog). The PIN lives in this component's state only
// until it is sent. It says that the browser will ask the same PIN at the bank's login, so the
// second question is no surprise. A retry says what the token told of the tries left
// (request.pinTries: low, final try), or what is usual when it tells nothing.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PinAnswer, PinRequest } from '../../../shared/contract';
import { DialogFrame, PromptDialog } from './PromptDialog';

/** What main accepts (validate.ts's validatePinAnswer): 4–64 printable ASCII. */
const PIN_TEXT = /^[\x20-\x7e]{4,64}$/;

export function PinDialog({ busy }: { busy: boolean }) {
  return (
    <PromptDialog<'pinRequest', PinAnswer> busy={busy} request="pinRequest" closed="pinClosed" channel={(b) => b.answerPin}>
      {(request, onAnswer) => <PinQuestion request={request} onAnswer={onAnswer} />}
    </PromptDialog>
  );
}

function PinQuestion({ request, onAnswer }: { request: PinRequest; onAnswer(a: PinAnswer | null): void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  const [remember, setRemember] = useState(false);
  const [invalid, setInvalid] = useState(false);
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
    <DialogFrame
      name="pin"
      testId="pin-dialog"
      title={t('pin.title')}
      body={
        <>
          <p>{t('pin.body', { token: request.tokenLabel })}</p>
          <p className="muted">{t('pin.browser')}</p>
          {request.retry && (
            <p className="field-error" role="alert">
              {t('pin.retry', { tries: t(`pin.tries.${request.pinTries ?? 'unknown'}`) })}
            </p>
          )}
        </>
      }
      cancelLabel={t('pin.cancel')}
      okLabel={t('pin.ok')}
      noValidate
      onSubmit={submit}
      onCancel={() => onAnswer(null)}
    >
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
    </DialogFrame>
  );
}
