import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHECK_IDS,
  STEP_IDS,
  type CertificateSummary,
  type CheckId,
  type CheckResult,
  type CheckState,
  type Language,
  type RenewalOutcome,
  type StepId,
  type StepState,
} from '../../../shared/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Heading, StatusList } from '../components/common';
import { formatDay, formatInstant, groupHex } from '../format';
import { CertFacts } from './Details';
import { ErrorPanel } from './Misc';

export function Preflight({ checks, failed, lang, onRetry, onBack, onAcquire }: { checks: Partial<Record<CheckId, CheckState>>; failed: CheckResult | null; lang: Language; onRetry(): void; onBack(): void; onAcquire(): void }) {
  const { t } = useTranslation();
  const items = CHECK_IDS.map((id) => {
    const state = checks[id] ?? 'pending';
    return { key: id, label: t(`preflight.check.${id}`), state, stateLabel: t(`preflight.state.${state}`) };
  });
  return (
    <section className="screen" data-screen="preflight" aria-busy={!failed}>
      <Heading>{t('preflight.heading')}</Heading>
      <p className="lead">{t('preflight.intro')}</p>
      <div className="card">
        <StatusList items={items} label={t('preflight.heading')} />
      </div>
      {failed && (
        <div className="preflight-failed">
          <p className="banner banner-error">{t('preflight.failed', { check: t(`preflight.check.${failed.id}`) })}</p>
          <ErrorPanel error={failed.error ?? { code: 'INTERNAL', message: 'check failed without an error' }} lang={lang} onRetry={onRetry} onHome={onBack} onAcquire={onAcquire} />
        </div>
      )}
    </section>
  );
}

/** Variables the error catalogs interpolate, from the error's detail. */
export function errorVars(detail: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = { field: '', date: '' };
  for (const [k, v] of Object.entries(detail ?? {})) out[k] = String(v);
  return out;
}

export function Start({ cert, lang, onConfirm, onBack }: { cert: CertificateSummary; lang: Language; onConfirm(): void; onBack(): void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const steps = t('start.confirmSteps', { returnObjects: true }) as string[];
  return (
    <section className="screen" data-screen="start">
      <Heading>{t('start.heading')}</Heading>
      <p className="lead">{t('start.intro')}</p>
      <div className="card">
        <dl className="facts">
          <div>
            <dt>{t('home.holder')}</dt>
            <dd>{cert.holder}</dd>
          </div>
          {cert.organisation && (
            <div>
              <dt>{t('home.organisation')}</dt>
              <dd>{cert.organisation}</dd>
            </div>
          )}
          <div>
            <dt>{t('home.expiry')}</dt>
            <dd>{formatDay(cert.expiryDate, lang)}</dd>
          </div>
          <div>
            <dt>{t('details.sha256')}</dt>
            <dd className="mono wrap">{groupHex(cert.fingerprint)}</dd>
          </div>
        </dl>
        <div className="actions">
          <button type="button" className="btn btn-primary btn-large" onClick={() => setAsking(true)}>
            {t('start.renew')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onBack}>
            {t('app.back')}
          </button>
        </div>
      </div>
      {asking && (
        <ConfirmDialog
          title={t('start.confirmTitle')}
          yes={t('start.yes')}
          no={t('start.no')}
          onNo={() => setAsking(false)}
          onYes={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          <p>{t('start.confirmBody')}</p>
          <ol className="plain-steps">
            {steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The five steps the user reads; each groups one or two of the service's steps. */
const SHOWN_STEPS: Array<{ key: string; steps: StepId[] }> = [
  { key: 'generateKey', steps: ['generateKey'] },
  { key: 'send', steps: ['buildRequest', 'send'] },
  { key: 'verify', steps: ['verify'] },
  { key: 'install', steps: ['install', 'verifyInStore'] },
  { key: 'removeOld', steps: ['removeOld'] },
];

function combine(states: StepState[]): StepState {
  if (states.includes('failed')) return 'failed';
  if (states.includes('running')) return 'running';
  if (states.every((s) => s === 'skipped')) return 'skipped';
  if (states.every((s) => s === 'done' || s === 'skipped')) return 'done';
  if (states.some((s) => s === 'done')) return 'running';
  return 'pending';
}

/** Cancelling is safe until the new certificate starts going into the store. */
export function cancellable(steps: Partial<Record<StepId, StepState>>): boolean {
  return (['install', 'verifyInStore', 'removeOld'] as StepId[]).every((s) => (steps[s] ?? 'pending') === 'pending');
}

export function Issuing({
  steps,
  pending,
  lang,
  cancelling,
  onCancel,
}: {
  steps: Partial<Record<StepId, StepState>>;
  pending: { attempt: number; retryAt: string } | null;
  lang: Language;
  cancelling: boolean;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const items = SHOWN_STEPS.map(({ key, steps: ids }) => {
    const state = combine(ids.map((id) => steps[id] ?? 'pending'));
    return { key, label: t(`issuing.step.${key}`), state, stateLabel: t(`issuing.state.${state}`) };
  });
  const finished = STEP_IDS.filter((s) => steps[s] === 'done' || steps[s] === 'skipped').length;
  const canCancel = cancellable(steps);
  return (
    <section className="screen" data-screen="issuing" aria-busy="true">
      <Heading>{t('issuing.heading')}</Heading>
      <p className="lead">{t('issuing.intro')}</p>
      <div className="card">
        <label className="progress-label" htmlFor="issuing-progress">
          {t('issuing.progress')} <span className="muted">{Math.round((finished / STEP_IDS.length) * 100)}%</span>
        </label>
        <progress id="issuing-progress" className="progress" max={STEP_IDS.length} value={finished} />
        <StatusList items={items} label={t('issuing.heading')} />
        {pending && (
          <p className="banner banner-info" role="status" data-testid="pending">
            {t('issuing.pending', { attempt: pending.attempt, time: formatInstant(pending.retryAt, lang) })}
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

export function Done({ outcome, lang, onClose }: { outcome: RenewalOutcome; lang: Language; onClose(): void }) {
  const { t } = useTranslation();
  return (
    <section className="screen" data-screen="done">
      <Heading>{t('done.heading')}</Heading>
      <p className="lead">{t('done.intro')}</p>
      <div className="card card-success">
        <CertFacts details={outcome.certificate} lang={lang} compact />
        {outcome.replaced && <p className="muted">{outcome.removedOld ? t('done.removedOld') : t('done.keptOld')}</p>}
      </div>
      <p className="banner banner-info">{t('done.advice')}</p>
      <div className="actions">
        <button type="button" className="btn btn-primary btn-large" onClick={onClose}>
          {t('done.close')}
        </button>
      </div>
    </section>
  );
}
