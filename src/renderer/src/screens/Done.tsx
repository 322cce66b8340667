import { useTranslation } from 'react-i18next';
import type { Language, RenewalOutcome } from '../../../shared/contract';
import { CertFacts } from '../components/CertFacts';
import { Heading } from '../components/common';

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
