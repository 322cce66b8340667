import { useTranslation } from 'react-i18next';
import type { CertificateDetails, Language } from '../../../shared/contract';
import { factLines } from '../../../shared/cert-facts';
import { CertFacts } from '../components/CertFacts';
import { CopyButton, Heading } from '../components/common';

export function Details({ details, lang, onBack }: { details: CertificateDetails; lang: Language; onBack(): void }) {
  const { t } = useTranslation();
  const text = [...factLines(details, lang), '', details.pem].join('\n');
  return (
    <section className="screen" data-screen="details">
      <Heading>{t('details.heading')}</Heading>
      <p className="lead">{t('details.intro')}</p>
      <div className="card">
        <CertFacts details={details} lang={lang} />
        <label className="field-label" htmlFor="pem">
          {t('details.pem')}
        </label>
        <textarea id="pem" className="pem mono" readOnly rows={8} value={details.pem} />
        <div className="actions">
          <CopyButton text={text} label={t('details.copyAll')} />
        </div>
      </div>
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={onBack}>
          {t('app.back')}
        </button>
      </div>
    </section>
  );
}
