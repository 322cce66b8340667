// The diagnostics export's words (src/main/core/renewal/diagnostics.ts), in i18next's shape: the
// `diagnosticsExport` part of each language's catalog. Section names ([versions] …), field
// names (source:, managed:, sha256= …) and values stay as they are in both languages: a script
// or a helpdesk tool reads them either way.
import { SUPPORT_NONE } from '../words';

export const EXPORT_JA = {
  title: 'CertDesk 診断情報',
  generated: '作成日時',
  supportNone: `ポリシーに記載なし: ${SUPPORT_NONE.ja}`,
  managed: '会社の管理者が設定',
  origins: '設定元:',
  ignored: '使われない設定（利用者のファイルの値より、ほかの設定が優先されます）:',
  wins: '{{who}}の {{by}} が優先',
  whoBank: '銀行',
  whoIt: '会社のIT部門',
  keyMadeBy: '鍵を作る場所',
  unavailable: '使用できません',
  primary: '主',
  listingFailed: '証明書の一覧を読めませんでした',
  phase: '状態',
  none: 'なし',
  unfinished: '中断した{{operation}}: 「{{step}}」の段階、{{at}} 開始',
  operation: { renew: '更新', acquire: '取得' },
  notYetWritten: 'まだ書き込んでいません',
};

export const EXPORT_EN: typeof EXPORT_JA = {
  title: 'CertDesk diagnostics',
  generated: 'generated',
  supportNone: `not set in the policy: ${SUPPORT_NONE.en}`,
  managed: 'managed',
  origins: 'origins:',
  ignored: "ignored (the user's file sets them, another layer wins):",
  wins: '{{who}} {{by}} wins',
  whoBank: "the bank's",
  whoIt: "IT's",
  keyMadeBy: 'key made by',
  unavailable: 'unavailable',
  primary: 'primary',
  listingFailed: 'listing failed',
  phase: 'phase',
  none: 'none',
  unfinished: 'unfinished {{operation}} at step {{step}}, started {{at}}',
  operation: { renew: 'renew', acquire: 'acquire' },
  notYetWritten: 'not yet written',
};
