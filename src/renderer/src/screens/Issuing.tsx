import { useTranslation } from 'react-i18next';
import type { Language } from '../../../shared/contract';
import { Heading, StatusList } from '../components/common';
import { cancellable, progressShare, shownSteps, type Steps } from '../flow/progress';
import { formatInstant } from '../format';

export function Issuing({
  steps,
  pending,
  lang,
  cancelling,
  onCancel,
}: {
  steps: Steps;
  pending: { attempt: number; retryAt: string; waitSeconds: number } | null;
  lang: Language;
  cancelling: boolean;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const items = shownSteps(steps).map(({ key, state }) => ({ key, label: t(`issuing.step.${key}`), state, stateLabel: t(`issuing.state.${state}`) }));
  const { finished, total } = progressShare(steps);
  const canCancel = cancellable(steps);
  return (
    <section className="screen" data-screen="issuing" aria-busy="true">
      <Heading>{t('issuing.heading')}</Heading>
      <p className="lead">{t('issuing.intro')}</p>
      <div className="card">
        <label className="progress-label" htmlFor="issuing-progress">
          {t('issuing.progress')} <span className="muted">{Math.round((finished / total) * 100)}%</span>
        </label>
        <progress id="issuing-progress" className="progress" max={total} value={finished} />
        <StatusList items={items} label={t('issuing.heading')} />
        {pending && (
          <p className="banner banner-info" role="status" data-testid="pending">
            {t('issuing.pending', {
              attempt: pending.attempt,
              wait: pending.waitSeconds < 60 ? t('issuing.waitSeconds', { count: pending.waitSeconds }) : t('issuing.waitMinutes', { count: Math.ceil(pending.waitSeconds / 60) }),
              time: formatInstant(pending.retryAt, lang),
            })}
          </p>
        )}
        <div className="actions">
          <button type="button" className="btn btn-secondary" onClick={onCancel} disabled={!canCancel || cancelling} aria-describedby="cancel-note">
            {cancelling ? t('issuing.cancelling') : t('issuing.cancel')}
          </button>
          <span id="cancel-note" className="muted small">
            {t('issuing.cancelNote')}
          </span>
        </div>
      </div>
    </section>
  );
}
