import { useTranslation } from 'react-i18next';
import { CHECK_IDS, type CheckId, type CheckResult, type CheckState, type Language } from '../../../shared/contract';
import { ErrorPanel } from '../components/ErrorPanel';
import { Heading, StatusList } from '../components/common';

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
