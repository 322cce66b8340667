// What `certdesk check` tells the person, in the policy's language: the notification's title
// and body per notice, and the one-line summary per certificate for the terminal and the log.
import type { ApiError, Language, SupportView } from '../../shared/contract';
import type { CheckItem, CheckNotice } from '../core/compose';
import { catalogs, errorHeadline } from './messages';

export interface NoticeText {
  title: string;
  body: string;
  /** A failure or an expiry: the OS shows it as urgent where it can. */
  urgent: boolean;
}

const WAITS: Record<Language, Partial<Record<CheckItem['reason'], string>>> = {
  ja: {
    PIN_NOT_AT_HAND: '鍵のトークン（TPM・ICカード）のPINが必要なため、自動では更新できません。',
    BUSY: '別の更新が実行中のため、今回は更新しませんでした。',
  },
  en: {
    PIN_NOT_AT_HAND: 'The key\'s token (TPM, smart card) needs its PIN, so it cannot be renewed automatically.',
    BUSY: 'Another renewal was running, so this check did not renew.',
  },
};

export function noticeText(lang: Language, n: CheckNotice, support?: SupportView): NoticeText {
  const ja = lang === 'ja';
  const c = catalogs[lang];
  switch (n.kind) {
    case 'renewed':
      return ja
        ? { title: '電子証明書を自動更新しました', body: `新しい有効期限: ${n.expiryDate}。次にログインする前に、ブラウザをいったんすべて閉じてください。`, urgent: false }
        : { title: 'Your bank certificate was renewed automatically', body: `New expiry: ${n.expiryDate}. Close all browser windows once before you next log in.`, urgent: false };
    case 'failed':
      return {
        title: ja ? '電子証明書の自動更新ができませんでした' : 'The automatic renewal of your bank certificate failed',
        body: `${failureWords(lang, n.error)} ${ja ? '次回の確認でもう一度試します。' : 'The next check tries again.'} ${c.support(support)}`,
        urgent: true,
      };
    case 'reminder': {
      const wait = WAITS[lang][n.reason] ?? '';
      return ja
        ? { title: '電子証明書の更新をお願いします', body: `有効期限: ${n.expiryDate}（あと${n.daysLeft}日）。${wait}CertDesk を開いて「証明書更新」を押してください。`, urgent: false }
        : { title: 'Please renew your bank certificate', body: `Expires ${n.expiryDate} (${n.daysLeft} days left). ${wait ? wait + ' ' : ''}Open CertDesk and choose Renew.`, urgent: false };
    }
    case 'acquire':
      return ja
        ? { title: '電子証明書の有効期限が切れました', body: `有効期限: ${n.expiryDate}。CertDesk を開き、ログインIDとパスワードで「取得」してください。`, urgent: true }
        : { title: 'Your bank certificate has expired', body: `It expired on ${n.expiryDate}. Open CertDesk and obtain a new one (取得) with your login ID and password.`, urgent: true };
    case 'reissue':
      return ja
        ? { title: '電子証明書の再発行が必要です', body: `有効期限: ${n.expiryDate}。オンラインでは取得できません。お取引店窓口へお申し出ください。${c.support(support)}`, urgent: true }
        : { title: 'Your bank certificate must be reissued', body: `It expired on ${n.expiryDate} and can no longer be obtained online. Please ask at your branch. ${c.support(support)}`, urgent: true };
  }
}

/** The error in the person's words (the catalog's headline) with the core's own message. */
export function failureWords(lang: Language, e: ApiError): string {
  return `${errorHeadline(catalogs[lang], e, false)} (${e.code}: ${e.message})`;
}

/** One line per certificate for the terminal. */
export function itemLine(lang: Language, i: CheckItem): string {
  const ja = lang === 'ja';
  const what: Record<CheckItem['reason'], string> = ja
    ? {
        NOT_DUE: '更新は不要です', SUPERSEDED: '新しい証明書があります', RENEWED: `自動更新しました（新しい有効期限 ${i.renewed?.expiryDate ?? ''}）`,
        AUTO_RENEW_OFF: '更新期間中です（自動更新は無効: CertDesk で更新してください）', PIN_NOT_AT_HAND: '更新期間中です（PINが必要: CertDesk で更新してください）',
        BUSY: '更新期間中です（別の更新が実行中: 次回の確認で更新します）', FAILED: '自動更新に失敗しました', FAILED_TODAY: '本日の自動更新は失敗済みです（明日もう一度試します）',
        ACQUIRE: '期限切れです（CertDesk で取得してください）', REISSUE: '再発行が必要です（お取引店窓口へ）', KEY_MISSING: '秘密鍵がありません',
      }
    : {
        NOT_DUE: 'nothing due', SUPERSEDED: 'a newer certificate is installed', RENEWED: `renewed automatically (new expiry ${i.renewed?.expiryDate ?? ''})`,
        AUTO_RENEW_OFF: 'renewal open (automatic renewal is off: renew in CertDesk)', PIN_NOT_AT_HAND: 'renewal open (the PIN is needed: renew in CertDesk)',
        BUSY: 'renewal open (another renewal was running: the next check renews)', FAILED: 'the automatic renewal failed', FAILED_TODAY: 'the automatic renewal failed today (tried again tomorrow)',
        ACQUIRE: 'expired (obtain a new one in CertDesk)', REISSUE: 'reissue at the branch', KEY_MISSING: 'the private key is missing',
      };
  const err = i.error && i.reason !== 'BUSY' ? `: ${failureWords(lang, i.error)}` : '';
  return `${i.holder} (${i.expiryDate}, ${catalogs[lang].daysLeft(i.daysLeft)}) — ${what[i.reason]}${err}`;
}
