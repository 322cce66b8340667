// A new or replaced PC: the certificate lives on the old one. The two ways the banks give,
// the bank's own page when the policy names it, and who to ask. No retry: retrying 取得
// changes nothing until the old certificate is revoked.
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../shared/contract';
import { useBank } from '../components/bank';
import { Heading } from '../components/common';
import { SupportContact } from '../components/SupportContact';

export function NewPc({ error, onAcquire, onHome }: { error: ApiError | null; onAcquire(): void; onHome(): void }) {
  const { t } = useTranslation();
  const { bankName, pages, openPage } = useBank();
  const steps = t('newPc.wayRevokeSteps', { returnObjects: true }) as unknown as string[];
  return (
    <section className="screen" data-screen="newPc" data-code={error?.code}>
      <Heading>{error ? t('newPc.headingRefused') : t('newPc.heading')}</Heading>
      {error && (
        <p className="banner banner-warn" role="status">
          {t('newPc.refused', { bank: bankName })}
        </p>
      )}
      <p className="lead">{t('newPc.intro')}</p>
      <div className="card">
        <h2 className="card-title">{t('newPc.wayRevoke')}</h2>
        <ol className="plain-steps">
          {steps.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ol>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={onAcquire}>
            {t('newPc.acquire')}
          </button>
          {pages.includes('newPc') && (
            <button type="button" className="btn btn-secondary" onClick={() => openPage('newPc')}>
              {t('newPc.guide', { bank: bankName })}
            </button>
          )}
        </div>
      </div>
      <div className="card">
        <h2 className="card-title">{t('newPc.wayRenew')}</h2>
        <p>{t('newPc.wayRenewBody')}</p>
      </div>
      <div className="card">
        <SupportContact variant="block" />
      </div>
      <div className="actions">
        <button type="button" className="btn btn-secondary" onClick={onHome}>
          {t('newPc.home')}
        </button>
      </div>
    </section>
  );
}
