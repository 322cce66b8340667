import { useTranslation } from 'react-i18next';
import type { ApiError, Language } from '../../../shared/contract';
import { offersAcquire, retryMakesSense } from '../../../shared/error-policy';
import { errorDetailText } from '../../../shared/error-detail';
import { REASON_TEXTS, REASONS_WITHOUT_RETRY, reasonKey, type ReasonTextKey } from '../../../shared/error-texts';
import { reasonWords } from '../../../shared/i18n/reason-words';
import { pinTriesOf } from '../../../shared/pin-tries';
import { formatDay } from '../format';
import { CopyButton, Heading } from './common';
import { SupportContact } from './SupportContact';

/** Variables the error catalogs interpolate, from the error's detail. */
export function errorVars(error: ApiError, lang: Language): Record<string, string> {
  const out: Record<string, string> = { field: '', date: '' };
  for (const [k, v] of Object.entries(error.detail ?? {})) out[k] = String(v);
  const opensOn = error.detail?.opensOn;
  if (typeof opensOn === 'string') out.date = formatDay(opensOn, lang);
  return out;
}

/**
 * The catalog key of "what to do": the code's own, unless the core says the next start finishes
 * the job (`detail.resumesAtStart`: the bank issued, the key is kept), where the code's words
 * (e.g. KEY_MISSING's "use the PC that obtained it") would send the user the wrong way.
 */
export function todoKey(error: Pick<ApiError, 'code' | 'detail'>): string {
  return error.detail?.resumesAtStart === true ? 'error.resumesAtStart' : `${textKey(error)}.todo`;
}

/**
 * Reasons whose words differ from their code's: a token's PIN is not "the store cannot be
 * opened"; the core's process stopping (main's CORE_STOPPED) is not "an unexpected error".
 */
const REASONS_WITH_OWN_WORDS: readonly ReasonTextKey[] = ['PIN_REQUIRED', 'PIN_INCORRECT', 'PIN_LOCKED', 'CORE_STOPPED'];

/** The catalog entry (title, happened, todo): the reason's own where it has one, else the code's. */
export function textKey(error: Pick<ApiError, 'code' | 'detail'>): string {
  const reason = reasonKey(error);
  const own = reason !== undefined && (REASONS_WITH_OWN_WORDS.includes(reason) || reason in REASON_TEXTS.ja);
  return own ? `errorReasons.${reason}` : `errors.${error.code}`;
}

/**
 * A wrong PIN after which the token said how many tries are left (detail.pinTries, low or final
 * try): the catalog key of those words, said under what happened. Null otherwise (a token that
 * says nothing: the reason's own words already tell what is usual).
 */
export function pinTriesKey(error: Pick<ApiError, 'detail'>): string | null {
  const tries = error.detail?.reason === 'PIN_INCORRECT' ? pinTriesOf(error.detail) : undefined;
  return tries === 'low' || tries === 'finalTry' ? `pin.tries.${tries}` : null;
}

interface Props {
  error: ApiError;
  lang: Language;
  onRetry?: (() => void) | undefined;
  onHome(): void;
  onAcquire(): void;
  /** No certificate of the bank here: the new-PC screen explains the ways (where the screen offers it). */
  onNewPc?: (() => void) | undefined;
  titleAsHeading?: boolean;
}

/**
 * What happened, what to do, the code, who to ask (named from the policy), and a copy for the
 * helpdesk. もう一度試す and 取得 appear
 * where the error policy table (src/shared/error-policy.ts) says they make sense.
 */
export function ErrorPanel({ error, lang, onRetry, onHome, onAcquire, onNewPc, titleAsHeading = false }: Props) {
  const { t } = useTranslation();
  const vars = errorVars(error, lang);
  const key = textKey(error);
  const helpdesk = [
    `CertDesk ${t('error.code')}: ${error.code}`,
    `${t(`${key}.title`)}`,
    // The detail in the reader's language (in Japanese from the code and its facts, not the core's English).
    `${t('error.detail')}: ${errorDetailText(error, lang)}`,
    ...Object.entries(error.detail ?? {}).map(([k, v]) => `${k}: ${String(v)}`),
  ].join('\n');
  return (
    <div className="error-panel" data-code={error.code}>
      {titleAsHeading ? <Heading>{t(`${key}.title`)}</Heading> : <h2 className="error-title">{t(`${key}.title`)}</h2>}
      <div className="card card-error" role="alert">
        <h3 className="card-title">{t('error.happened')}</h3>
        <p>{t(`${key}.happened`, vars)}</p>
        {pinTriesKey(error) && <p className="field-error">{t(pinTriesKey(error)!)}</p>}
        <h3 className="card-title">{t('error.todo')}</h3>
        <p className="todo">{t(todoKey(error), vars)}</p>
        <p className="muted">
          {t('error.code')}: <code>{error.code}</code>
          {typeof error.detail?.reason === 'string' && error.detail.reason !== error.code && (
            <>
              {' '}
              ({reasonWords(error.detail.reason, lang) ? `${t('error.reason')}: ${reasonWords(error.detail.reason, lang)} ` : ''}
              <code>{error.detail.reason}</code>)
            </>
          )}
        </p>
      </div>
      <div className="actions">
        {onRetry && retryMakesSense(error) && !REASONS_WITHOUT_RETRY.includes(reasonKey(error) as ReasonTextKey) && (
          <button type="button" className="btn btn-primary" onClick={onRetry}>
            {t('app.retry')}
          </button>
        )}
        {offersAcquire(error) && (
          <button type="button" className="btn btn-primary" onClick={onAcquire}>
            {t('error.acquire')}
          </button>
        )}
        {onNewPc && error.code === 'NO_CERTIFICATE' && (
          <button type="button" className="btn btn-secondary" onClick={onNewPc}>
            {t('home.newPc')}
          </button>
        )}
        <CopyButton text={helpdesk} label={t('error.copyHelpdesk')} />
        <button type="button" className="btn btn-secondary" onClick={onHome}>
          {t('error.home')}
        </button>
      </div>
      <div className="card">
        <SupportContact variant="block" />
      </div>
      <details className="helpdesk">
        <summary>{t('error.helpdeskText')}</summary>
        <pre className="mono wrap">{helpdesk}</pre>
      </details>
    </div>
  );
}
