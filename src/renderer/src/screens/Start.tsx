import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CertificateSummary, Language, PreflightRequest } from '../../../shared/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Fact, Heading, Hex } from '../components/common';
import { RequestFacts } from '../components/RequestFacts';
import type { KeyCustodyDecision } from '../../../shared/custody';
import { formatDay, groupHex } from '../format';

export function Start({ cert, request, custody, lang, onConfirm, onBack }: { cert: CertificateSummary; request: PreflightRequest | null; custody: KeyCustodyDecision | null; lang: Language; onConfirm(): void; onBack(): void }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const steps = t('start.confirmSteps', { returnObjects: true }) as string[];
  return (
    <section className="screen" data-screen="start">
      <Heading>{t('start.heading')}</Heading>
      <p className="lead">{t('start.intro')}</p>
      <div className="card">
        <dl className="facts">
          <Fact label={t('home.holder')}>{cert.holder}</Fact>
          {cert.organisation && <Fact label={t('home.organisation')}>{cert.organisation}</Fact>}
          <Fact label={t('home.expiry')}>{formatDay(cert.expiryDate, lang)}</Fact>
        </dl>
        {/* Which certificate exactly, for a helpdesk on the phone: not a user's concern. */}
        <details className="helpdesk">
          <summary>{t('error.helpdeskText')}</summary>
          <dl className="facts">
            <Fact label={t('details.sha256')} className="mono">
              <Hex text={groupHex(cert.fingerprint)} />
            </Fact>
          </dl>
        </details>
        <div className="actions">
          <button type="button" className="btn btn-primary btn-large" onClick={() => setAsking(true)}>
            {t('start.renew')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={onBack}>
            {t('app.back')}
          </button>
        </div>
      </div>
      {request && <RequestFacts request={request} custody={custody} lang={lang} />}
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
