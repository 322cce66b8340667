// After 更新 or 取得: what the user needs first (until when, when next), the way back to the
// bank, and the certificate's particulars folded away for the helpdesk.
import { useTranslation } from 'react-i18next';
import type { CertificateSummary, Language, RenewalOutcome } from '../../../shared/contract';
import { useBank } from '../components/bank';
import { CertFacts } from '../components/CertFacts';
import { Fact, Heading } from '../components/common';
import { formatDay, formatInstantDay } from '../format';

interface Props {
  outcome: RenewalOutcome;
  /** The new certificate as the overview sees it (its renewal date), once the overview is in again. */
  summary: CertificateSummary | null;
  lang: Language;
  onClose(): void;
}

export function Done({ outcome, summary, lang, onClose }: Props) {
  const { t } = useTranslation();
  const { pages, openPage } = useBank();
  const expiry = summary ? formatDay(summary.expiryDate, lang) : formatInstantDay(outcome.certificate.notAfter, lang);
  return (
    <section className="screen" data-screen="done">
      <Heading>{t('done.heading')}</Heading>
      <div className="card card-success">
        <dl className="facts">
          <Fact label={t('done.expiry')}>
            <span className="expiry" data-testid="done-expiry">
              {expiry}
            </span>
          </Fact>
        </dl>
        {summary && <p data-testid="done-next">{t('done.nextRenewal', { date: formatDay(summary.renewalOpensOn, lang) })}</p>}
        {outcome.replaced && <p className="muted">{outcome.removedOld ? t('done.removedOld') : t('done.keptOld')}</p>}
      </div>
      <p className="banner banner-info">{t('done.advice')}</p>
      <div className="actions">
        {pages.includes('login') && (
          <button type="button" className="btn btn-primary btn-large" onClick={() => openPage('login')}>
            {t('done.login')}
          </button>
        )}
        <button type="button" className={`btn btn-large ${pages.includes('login') ? 'btn-secondary' : 'btn-primary'}`} onClick={onClose}>
          {t('done.close')}
        </button>
      </div>
      <details className="helpdesk">
        <summary>{t('done.details')}</summary>
        <CertFacts details={outcome.certificate} lang={lang} compact />
      </details>
    </section>
  );
}
