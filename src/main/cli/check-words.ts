// What `certdesk check` tells the person, in the policy's language: the notification's title
// and body per notice, and the one-line summary per certificate for the terminal and the log.
// The words are the one catalog's (src/shared/i18n, `cli.check`), read through i18next; dates
// are the JST day in the language's form, as the window writes them.
import type { ApiError, Language, SupportView } from '../../shared/contract';
import { errorDetailText } from '../../shared/error-detail';
import { formatDay } from '../../shared/format';
import { translator } from '../../shared/i18n';
import type { CheckItem, CheckNotice } from '../core/compose';
import { catalogs, errorHeadline } from './messages';

export interface NoticeText {
  title: string;
  body: string;
  /** A failure or an expiry: the OS shows it as urgent where it can. */
  urgent: boolean;
}

export function noticeText(lang: Language, n: CheckNotice, support?: SupportView): NoticeText {
  const t = translator(lang);
  const c = catalogs[lang];
  const sep = t('cli.check.sep');
  switch (n.kind) {
    case 'renewed':
      return { title: t('cli.check.renewedTitle'), body: t('cli.check.renewedBody', { date: formatDay(n.expiryDate, lang) }), urgent: false };
    case 'failed':
      return { title: t('cli.check.failedTitle'), body: [failureWords(lang, n.error), t('cli.check.failedNext'), c.support(support)].join(sep || ' '), urgent: true };
    case 'reminder': {
      const wait = n.reason === 'PIN_NOT_AT_HAND' || n.reason === 'BUSY' ? t(`cli.check.wait.${n.reason}`) : '';
      return { title: t('cli.check.reminderTitle'), body: t('cli.check.reminderBody', { date: formatDay(n.expiryDate, lang), count: n.daysLeft, wait }), urgent: false };
    }
    case 'acquire':
      return { title: t('cli.check.acquireTitle'), body: t('cli.check.acquireBody', { date: formatDay(n.expiryDate, lang) }), urgent: true };
    case 'reissue':
      return { title: t('cli.check.reissueTitle'), body: `${t('cli.check.reissueBody', { date: formatDay(n.expiryDate, lang) })}${sep}${c.support(support)}`, urgent: true };
  }
}

/** The error in the person's words (the catalog's headline), with its code and its detail in the same language. */
export function failureWords(lang: Language, e: ApiError): string {
  return `${errorHeadline(catalogs[lang], e, false)} (${e.code}: ${errorDetailText(e, lang)})`;
}

/** One line per certificate for the terminal. */
export function itemLine(lang: Language, i: CheckItem): string {
  const t = translator(lang);
  const what = t(`cli.check.item.${i.reason}`, { date: i.renewed ? formatDay(i.renewed.expiryDate, lang) : '' });
  const err = i.error && i.reason !== 'BUSY' ? `: ${failureWords(lang, i.error)}` : '';
  return `${t('cli.check.line', { holder: i.holder, date: formatDay(i.expiryDate, lang), days: catalogs[lang].daysLeft(i.daysLeft), what })}${err}`;
}

/** check's note when its ledger could not be read or written. */
export function ledgerProblemText(lang: Language, problem: string): string {
  return translator(lang)('cli.check.ledgerProblem', { problem });
}
