// Who to call, named: the policy's `support`, or plainly where the bank's contact is written.
// The URL is text to read, not a link: the window opens nothing but the bank's named pages.
import { useTranslation } from 'react-i18next';
import { useBank } from './bank';

export function SupportContact({ variant }: { variant: 'block' | 'footer' }) {
  const { t } = useTranslation();
  const { bankName, support } = useBank();
  const rows = support
    ? ([
        ['phone', support.phone],
        ['hours', support.hours],
        ['url', support.url],
        ['email', support.email],
      ] as const).filter((r): r is readonly [typeof r[0], string] => typeof r[1] === 'string' && r[1].length > 0)
    : [];
  const body = support ? (
    <>
      <p className="support-name">{support.name}</p>
      {rows.length > 0 && (
        <dl className="support-facts">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{t(`support.${k}`)}</dt>
              <dd className={k === 'url' || k === 'email' ? 'wrap' : undefined}>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  ) : (
    <p>{bankName ? t('support.none', { bank: bankName }) : t('support.noneNoBank')}</p>
  );
  if (variant === 'footer') {
    return (
      <footer className="support support-footer" data-testid="support">
        <p className="support-label">{t('support.heading')}</p>
        {body}
      </footer>
    );
  }
  return (
    <section className="support support-block" data-testid="support" aria-label={t('support.heading')}>
      <h3 className="card-title">{t('support.heading')}</h3>
      {body}
    </section>
  );
}
