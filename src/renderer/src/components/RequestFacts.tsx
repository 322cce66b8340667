// The next request as the bank's /csrattrs shaped it, for the helpdesk: key type and signature
// with where each came from, and what the bank asked that was followed or not — each in the
// reader's language from the core's codes (src/shared/request-notes.ts). Behind a disclosure:
// a user renewing needs none of it. Where the key is kept is the core's decision as the
// preflight reported it (src/shared/custody.ts): shown, never worked out here.
import { useTranslation } from 'react-i18next';
import type { KeyCustodyDecision } from '../../../shared/custody';
import type { Language, PreflightRequest } from '../../../shared/contract';
import { requestNoteText } from '../../../shared/request-notes';
import { requestView } from '../flow/request';
import { Fact } from './common';

export function RequestFacts({ request, custody, lang }: { request: PreflightRequest; custody?: KeyCustodyDecision | null; lang: Language }) {
  const { t } = useTranslation();
  const v = requestView(request);
  const words = (kind: 'honoured' | 'ignored') => (request.notes ? request.notes[kind].map((n) => requestNoteText(n, lang)) : request[kind]);
  const lists = (['honoured', 'ignored'] as const).map((key) => ({ key, lines: words(key) })).filter((l) => l.lines.length > 0);
  return (
    <details className="card helpdesk" data-testid="request">
      <summary>{t('request.details')}</summary>
      <h2 className="card-title">{t('request.title')}</h2>
      <dl className="facts">
        <Fact label={t('request.keyType')}>{t(`request.source.${v.keySource}`, { value: v.keyType })}</Fact>
        <Fact label={t('request.hash')}>{t(`request.source.${v.hashSource}`, { value: v.hash })}</Fact>
        {custody && (
          <Fact label={t('request.custody')} fact={`custody-${custody.place}`}>
            {t(`custody.${custody.place === 'module' ? `module.${custody.storage}` : custody.place}`, { token: custody.tokenLabel ?? '' })}
            {custody.why === 'SEVERAL_STORES' || custody.why === 'MACOS_SOFTWARE' ? t(`custody.why.${custody.why}`, { count: custody.stores }) : ''}
          </Fact>
        )}
      </dl>
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
  );
}
