import { useTranslation } from 'react-i18next';
import { CHECK_IDS, type ApiError, type CheckId, type CheckNote, type CheckResult, type CheckState, type Language, type PreflightRequest } from '../../../shared/contract';
import { isBankDate, offersAcquire } from '../../../shared/error-policy';
import { ErrorPanel, errorVars } from '../components/ErrorPanel';
import { Heading, StatusList, type ItemState } from '../components/common';
import { RequestFacts } from '../components/RequestFacts';
import type { KeyCustodyDecision } from '../../../shared/custody';

/** A certificate not yet due passed its checks: the same information card as the bank's "too early". */
const notYetDue = (n: CheckNote): ApiError => ({ code: 'RENEWAL_NOT_OPEN', message: '', detail: { opensOn: n.opensOn, daysLeft: n.daysLeft, expiryDate: n.expiryDate } });

export function Preflight({ checks, request, custody, failed, lang, onRetry, onBack, onAcquire, onNewPc }: { checks: Partial<Record<CheckId, CheckState>>; request: PreflightRequest | null; custody: KeyCustodyDecision | null; failed: CheckResult | null; lang: Language; onRetry(): void; onBack(): void; onAcquire(): void; onNewPc(): void }) {
  const { t } = useTranslation();
  // The bank's dates (too early, expired, past the grace days) are not a failed check of this
  // PC: they are shown as information with the next step.
  const dates = failed?.error && isBankDate(failed.error) ? failed.error : failed?.note ? notYetDue(failed.note) : null;
  const items = CHECK_IDS.map((id) => {
    const state: ItemState = dates && failed?.id === id ? 'info' : (checks[id] ?? 'pending');
    const stateLabel = state === 'skipped' ? `${t('preflight.state.skipped')}（${t('preflight.skippedWhy')}）` : t(`preflight.state.${state}`);
    return { key: id, label: t(`preflight.check.${id}`), state, stateLabel };
  });
  return (
    <section className="screen" data-screen="preflight" aria-busy={!failed}>
      {/* Stopped (a failed check, or the bank's dates): the screen no longer says it moves on by itself. */}
      <Heading>{t(failed ? 'preflight.headingStopped' : 'preflight.heading')}</Heading>
      <p className="lead">{t(failed ? 'preflight.introStopped' : 'preflight.intro')}</p>
      <div className="card">
        <StatusList items={items} label={t('preflight.heading')} />
      </div>
      {dates && (
        <div className="card card-info" role="status" data-code={dates.code}>
          <h2 className="card-title">{t(`errors.${dates.code}.title`)}</h2>
          <p>{t(`errors.${dates.code}.happened`, errorVars(dates, lang))}</p>
          <p className="todo">{t(`errors.${dates.code}.todo`, errorVars(dates, lang))}</p>
          <div className="actions">
            {offersAcquire(dates) && (
              <button type="button" className="btn btn-primary" onClick={onAcquire}>
                {t('error.acquire')}
              </button>
            )}
            <button type="button" className={offersAcquire(dates) ? 'btn btn-secondary' : 'btn btn-primary'} onClick={onBack}>
              {t('error.home')}
            </button>
          </div>
        </div>
      )}
      {failed && !dates && (
        <div className="preflight-failed">
          <p className="banner banner-error">{t('preflight.failed', { check: t(`preflight.check.${failed.id}`) })}</p>
          <ErrorPanel error={failed.error ?? { code: 'INTERNAL', message: 'check failed without an error' }} lang={lang} onRetry={onRetry} onHome={onBack} onAcquire={onAcquire} onNewPc={onNewPc} />
        </div>
      )}
      {/* After the next step: the request matters once the checks pass. */}
      {request && <RequestFacts request={request} custody={custody} lang={lang} />}
    </section>
  );
}
