import { useTranslation } from 'react-i18next';
import type { CertificateSummary, Language, Overview } from '../../../shared/contract';
import { Fact, Heading, PhaseBadge } from '../components/common';
import { formatDay } from '../format';

interface Props {
  overview: Overview;
  lang: Language;
  reminder: { daysLeft: number; fingerprint: string } | null;
  onRenew(cert: CertificateSummary): void;
  onAcquire(): void;
  onDetails(cert: CertificateSummary): void;
}

export function Home({ overview, lang, reminder, onRenew, onAcquire, onDetails }: Props) {
  const { t } = useTranslation();
  const bank = overview.bankName;
  const noticeCert = overview.certificates.find((c) => c.noticeDue);
  return (
    <section className="screen" data-screen="home">
      <Heading>{t('home.heading', { bank })}</Heading>
      {overview.recovered && (
        <p className="banner banner-info" role="status">
          {overview.recovered.outcome === 'resumed' ? t('home.recoveredResumed') : t('home.recoveredRolledBack')}
        </p>
      )}
      {reminder && (
        <p className="banner banner-warn" role="status">
          {t('home.reminder', { count: reminder.daysLeft, holder: overview.certificates.find((c) => c.fingerprint === reminder.fingerprint)?.holder ?? '' })}
        </p>
      )}
      {noticeCert && (
        <section className="notice" aria-labelledby="notice-title">
          <p className="notice-label">{t('home.noticeLabel')}</p>
          <h2 id="notice-title" className="notice-title">
            {t('home.noticeTitle')}
          </h2>
          <p>{t('home.noticeBody', { date: formatDay(noticeCert.expiryDate, lang) })}</p>
          <p>
            <a
              href="#renew"
              className="link"
              onClick={(e) => {
                e.preventDefault();
                onRenew(noticeCert);
              }}
            >
              {t('home.noticeLink')}
            </a>
          </p>
        </section>
      )}
      <p className="lead">{t('home.intro', { bank })}</p>
      {overview.certificates.length === 0 ? (
        <div className="card">
          <p>{t('home.none', { bank })}</p>
          <p className="muted">{t('home.noneHelp')}</p>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={onAcquire}>
              {t('home.acquire')}
            </button>
          </div>
        </div>
      ) : (
        <ul className="cards">
          {overview.certificates.map((c) => (
            <CertCard key={c.fingerprint} cert={c} lang={lang} onRenew={onRenew} onAcquire={onAcquire} onDetails={onDetails} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CertCard({ cert, lang, onRenew, onAcquire, onDetails }: { cert: CertificateSummary; lang: Language } & Pick<Props, 'onRenew' | 'onAcquire' | 'onDetails'>) {
  const { t } = useTranslation();
  const days =
    cert.daysLeft > 0 ? t('home.daysLeft', { count: cert.daysLeft }) : cert.daysLeft === 0 ? t('home.daysLeftToday') : t('home.daysAgo', { count: -cert.daysLeft });
  const id = `cert-${cert.fingerprint.slice(0, 12)}`;
  return (
    <li className={`card cert-card phase-border-${cert.phase}`} aria-labelledby={id} data-fingerprint={cert.fingerprint}>
      <div className="cert-head">
        <h2 id={id} className="cert-holder">
          {cert.holder}
        </h2>
        <PhaseBadge phase={cert.phase} />
      </div>
      <dl className="facts">
        {cert.organisation && <Fact label={t('home.organisation')}>{cert.organisation}</Fact>}
        <Fact label={t('home.expiry')}>
          <span className="expiry">{formatDay(cert.expiryDate, lang)}</span> <span className="days">{days}</span>
        </Fact>
      </dl>
      {!cert.hasPrivateKey && <p className="banner banner-warn">{t('home.noKey')}</p>}
      <p className="phase-help">
        {cert.phase === 'valid' && t('home.opensOn', { date: formatDay(cert.renewalOpensOn, lang) })}
        {cert.phase === 'renewable' && t('home.renewUntil', { date: formatDay(cert.expiryDate, lang) })}
        {cert.phase === 'acquirable' && t('home.acquireUntil', { date: formatDay(cert.graceEndsOn, lang) })}
        {cert.phase === 'reissue' && t('home.reissueGuide')}
      </p>
      <div className="actions">
        {cert.phase === 'renewable' && (
          <button type="button" className="btn btn-primary" onClick={() => onRenew(cert)}>
            {t('home.renew')}
          </button>
        )}
        {cert.phase === 'acquirable' && (
          <button type="button" className="btn btn-primary" onClick={onAcquire}>
            {t('home.acquire')}
          </button>
        )}
        <button type="button" className="btn btn-secondary" onClick={() => onDetails(cert)} aria-describedby={id}>
          {t('home.details')}
        </button>
      </div>
    </li>
  );
}
