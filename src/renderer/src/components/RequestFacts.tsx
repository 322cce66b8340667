// The next request as the bank's /csrattrs shaped it: key type and signature in plain words,
// and the core's own lines (what was honoured, what was not and why) behind the helpdesk's
// disclosure.
import { useTranslation } from 'react-i18next';
import type { PreflightRequest } from '../../../shared/contract';
import { requestView } from '../flow/request';
import { Fact } from './common';

export function RequestFacts({ request }: { request: PreflightRequest }) {
  const { t } = useTranslation();
  const v = requestView(request);
  const lists = [
    { key: 'honoured', lines: request.honoured },
    { key: 'ignored', lines: request.ignored },
  ].filter((l) => l.lines.length > 0);
  return (
    <div className="card" data-testid="request">
      <h2 className="card-title">{t('request.title')}</h2>
      <dl className="facts">
        <Fact label={t('request.keyType')}>{t(`request.source.${v.keySource}`, { value: v.keyType })}</Fact>
        <Fact label={t('request.hash')}>{t(`request.source.${v.hashSource}`, { value: v.hash })}</Fact>
      </dl>
      {lists.length > 0 && (
        <details className="helpdesk">
          <summary>{t('request.details')}</summary>
          {lists.map((l) => (
            <div key={l.key}>
              <h3 className="card-subtitle">{t(`request.${l.key}`)}</h3>
              <ul className="plain-list">
                {l.lines.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          ))}
        </details>
      )}
    </div>
  );
}
