import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CertificateSummary, Language, Overview } from '../../../shared/contract';
import { Fact, Heading, PhaseBadge } from '../components/common';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { SupportContact } from '../components/SupportContact';
import { byUrgency, noticeKind } from '../flow/urgency';
import { formatDay } from '../format';

interface Props {
  overview: Overview;
  lang: Language;
  reminder: { daysLeft: number; fingerprint: string } | null;
  onRenew(cert: CertificateSummary): void;
  /** From an expired certificate's card or notice: that certificate (its login ID pre-fills the form). */
  onAcquire(cert?: CertificateSummary): void;
  onNewPc(): void;
  onDetails(cert: CertificateSummary): void;
  /** Confirmed: remove this 置き換え済み certificate (offered where the policy keeps them). */
  onRemoveSuperseded(cert: CertificateSummary): void;
}

export function Home({ overview, lang, reminder, onRenew, onAcquire, onNewPc, onDetails, onRemoveSuperseded }: Props) {
  const { t } = useTranslation();
  const [removing, setRemoving] = useState<CertificateSummary | null>(null);
  const bank = overview.bankName;
  const certs = byUrgency(overview.certificates);
  const notices = certs.filter((c) => noticeKind(c) !== null);
  // The reminder says what a notice already says for the same certificate: shown only without one.
  const reminderCert = reminder ? overview.certificates.find((c) => c.fingerprint === reminder.fingerprint) : undefined;
  const showReminder = reminder && reminderCert && !notices.includes(reminderCert);
  return (
    <section className="screen" data-screen="home">
      <Heading>{t('home.heading', { bank })}</Heading>
      {overview.recovered && (
        <p className="banner banner-info" role="status">
          {overview.recovered.outcome === 'resumed' ? t('home.recoveredResumed') : t('home.recoveredRolledBack')}
        </p>
      )}
      {overview.autoRenewed && (
        <p className="banner banner-info" role="status" data-notice="auto-renewed">
          {t('home.autoRenewed', { date: formatDay(overview.autoRenewed.expiryDate, lang) })}
        </p>
      )}
      {overview.removedSuperseded && overview.removedSuperseded.length > 0 && (
        <p className="banner banner-info" role="status" data-notice="removed-superseded">
          {t('home.removedSuperseded', { count: overview.removedSuperseded.length })}
        </p>
      )}
      {showReminder && (
        <p className="banner banner-warn" role="status">
          {t('home.reminder', { count: reminder.daysLeft, holder: reminderCert.holder })}
        </p>
      )}
      {notices.length > 0 && (
        <section className="notice" aria-labelledby="notice-label">
          <p id="notice-label" className="notice-label">
            {t('home.noticeLabel')}
          </p>
          {notices.map((c) => (
            <Notice key={c.fingerprint} cert={c} lang={lang} onRenew={onRenew} onAcquire={onAcquire} />
          ))}
        </section>
      )}
      <p className="lead">{t('home.intro', { bank })}</p>
      {certs.length === 0 ? (
        <div className="card">
          <p>{t('home.none', { bank })}</p>
          <p className="muted">{t('home.noneHelp')}</p>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={() => onAcquire()}>
              {t('home.acquire')}
            </button>
            <button type="button" className="btn btn-secondary" onClick={onNewPc}>
              {t('home.newPc')}
            </button>
          </div>
        </div>
      ) : (
        <ul className="cards">
          {certs.map((c) => (
            <CertCard key={c.fingerprint} cert={c} lang={lang} onRenew={onRenew} onAcquire={onAcquire} onDetails={onDetails} onRemove={setRemoving} />
          ))}
        </ul>
      )}
      <SupportContact variant="footer" />
      {removing && (
        <ConfirmDialog
          title={t('home.removeTitle')}
          yes={t('home.removeYes')}
          no={t('launch.no')}
          onYes={() => {
            setRemoving(null);
            onRemoveSuperseded(removing);
          }}
          onNo={() => setRemoving(null)}
        >
          <p>{t('home.removeBody', { holder: removing.holder, date: formatDay(removing.expiryDate, lang) })}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Notice({ cert, lang, onRenew, onAcquire }: { cert: CertificateSummary; lang: Language } & Pick<Props, 'onRenew' | 'onAcquire'>) {
  const { t } = useTranslation();
  const expired = noticeKind(cert) === 'expired';
  const id = `notice-${cert.fingerprint.slice(0, 12)}`;
  return (
    <div className="notice-item" data-notice={expired ? 'expired' : 'renew'} data-fingerprint-notice={cert.fingerprint}>
      <h2 id={id} className="notice-title">
        {expired ? t('home.expiredTitle') : t('home.noticeTitle')}
      </h2>
      <p>
        {expired
          ? t('home.expiredBody', { holder: cert.holder, date: formatDay(cert.expiryDate, lang), until: formatDay(cert.graceEndsOn, lang) })
          : t('home.noticeBody', { holder: cert.holder, date: formatDay(cert.expiryDate, lang) })}
      </p>
      <p>
        <a
          href={expired ? '#acquire' : '#renew'}
          className="link"
          onClick={(e) => {
            e.preventDefault();
            if (expired) onAcquire(cert);
            else onRenew(cert);
          }}
        >
          {expired ? t('home.expiredLink') : t('home.noticeLink')}
        </a>
      </p>
    </div>
  );
}

function CertCard({ cert, lang, onRenew, onAcquire, onDetails, onRemove }: { cert: CertificateSummary; lang: Language; onRemove(cert: CertificateSummary): void } & Pick<Props, 'onRenew' | 'onAcquire' | 'onDetails'>) {
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
        {cert.supersededBy ? <span className="badge phase-valid" data-superseded="true">{t('home.superseded')}</span> : <PhaseBadge phase={cert.phase} />}
      </div>
      <dl className="facts">
        {cert.organisation && <Fact label={t('home.organisation')}>{cert.organisation}</Fact>}
        <Fact label={t('home.expiry')}>
          <span className="expiry">{formatDay(cert.expiryDate, lang)}</span> <span className="days">{days}</span>
        </Fact>
      </dl>
      {!cert.hasPrivateKey && <p className="banner banner-warn">{t('home.noKey')}</p>}
      {cert.supersededBy && <p className="phase-help">{t('home.supersededHelp')}</p>}
      <p className="phase-help" hidden={Boolean(cert.supersededBy)}>
        {cert.phase === 'valid' && t('home.opensOn', { date: formatDay(cert.renewalOpensOn, lang) })}
        {cert.phase === 'renewable' && t('home.renewUntil', { date: formatDay(cert.expiryDate, lang) })}
        {cert.phase === 'acquirable' && t('home.acquireUntil', { date: formatDay(cert.graceEndsOn, lang) })}
        {cert.phase === 'reissue' && t('home.reissueGuide')}
      </p>
      <div className="actions">
        {cert.phase === 'renewable' && !cert.supersededBy && (
          <button type="button" className="btn btn-primary" onClick={() => onRenew(cert)}>
            {t('home.renew')}
          </button>
        )}
        {cert.phase === 'acquirable' && !cert.supersededBy && (
          <button type="button" className="btn btn-primary" onClick={() => onAcquire(cert)}>
            {t('home.acquire')}
          </button>
        )}
        <button type="button" className="btn btn-secondary" onClick={() => onDetails(cert)} aria-describedby={id}>
          {t('home.details')}
        </button>
        {cert.supersededBy && (
          <button type="button" className="btn btn-secondary" data-action="remove-superseded" onClick={() => onRemove(cert)} aria-describedby={id}>
            {t('home.remove')}
          </button>
        )}
      </div>
    </li>
  );
}
