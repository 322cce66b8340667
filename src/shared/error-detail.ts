// An error's 詳細 (detail) in the reader's language: the command line's 詳細 line, its --json
// `error.message`, the window's 詳細（ヘルプデスク向け） and the diagnostics export's last
// errors. In English it is the core's own sentence (ApiError.message, written for logs and the
// helpdesk); in Japanese it is built from the code and the typed facts of `detail` — what
// happened in the window's words, the reason in words (its code beside it), and the facts
// (field, file, host, HTTP status …) labelled — so no English sentence reaches a Japanese reader.
import type { ApiError, Language } from './contract';
import { ERROR_TEXTS, REASON_TEXTS } from './error-texts';
import { formatDay } from './format';
import { fill } from './words';

/** The reason codes of `detail.reason` in Japanese words (a reason not listed is shown as its code). */
const REASON_WORDS_JA: Readonly<Record<string, string>> = {
  DNS: '銀行のサーバー名を調べられません（DNS）',
  REFUSED: '銀行のサーバーが接続を拒否しました',
  RESET: '銀行との接続が途中で切れました',
  UNREACHABLE: '銀行のサーバーに届きません',
  TIMEOUT: '銀行との接続が時間切れになりました',
  HOSTNAME: '接続先の証明書が銀行のサーバー名と一致しません',
  ANCHOR: '接続先の証明書が、設定で指定した銀行の発行元のものではありません',
  HANDSHAKE: '安全な接続（TLS）を確立できませんでした',
  SERVER_CERT_DATES: '接続先の証明書が有効期間外です（パソコンの時刻も確かめてください）',
  CACERTS_NOT_ANCHORED: '銀行が送った発行元の証明書が、設定で指定したものにつながりません',
  PROXY_AUTH: 'プロキシサーバーがユーザー名とパスワードを求めています',
  NOT_INSTALLED: '設定ファイル（policy.json）がありません',
  ACCOUNT_INACTIVE: 'このログインIDは銀行で現在ご利用いただけません',
  RENEWAL_REQUIRED: 'このログインIDの証明書は以前のパソコンでまだ有効です',
  SUPERSEDED: 'この証明書は、すでに新しい証明書に置き換えられています',
  REVOKED: '銀行がこの証明書を失効させています',
  SUBJECT_REQUIRED: '銀行が申請に名義（commonName）を求めています',
  PIN_REQUIRED: 'PINが入力されませんでした',
  PIN_INCORRECT: 'PINが違います',
  PIN_LOCKED: 'PINがロックされています',
  TOOL_MISSING: '証明書の保存場所を扱うツールが見つかりません',
  TOOL_FAILED: '証明書の保存場所を扱うツールがエラーを返しました',
  DB_MISSING: '証明書の保存場所（NSS データベース）が見つかりません',
  FIREFOX_RUNNING: 'Firefox が起動しているため書き込めません',
  FIREFOX_NO_PROFILE: 'Firefox のプロファイルが見つかりません',
  KEY_NOT_LISTED: '証明書に対応する秘密鍵が見つかりません',
  NOT_IN_STORE: '証明書が保存場所に見つかりません',
  STILL_LISTED: '削除したはずの証明書がまだ残っています',
  NOT_LISTED: '書き込んだ証明書が保存場所に見つかりません',
  UNTRUSTED_CHAIN: '発行された証明書が銀行の発行元につながりません',
  KEY_MISMATCH: '発行された証明書の鍵が申請した鍵と一致しません',
  TOO_LARGE: '銀行からの応答が大きすぎます',
  WRONG_CONTENT_TYPE: '銀行からの応答の形式が違います',
  UNEXPECTED_STATUS: '銀行から想定外の応答がありました',
  NO_DATE: '銀行の応答に時刻が含まれていません',
  NO_KEYCHAIN: 'パスワードの保管機能を使えません',
  IN_FLIGHT: '銀行が応答している途中で中止しました',
  ISSUED_LOST: '銀行が発行した証明書を受け取れませんでした',
  BAD_CERTIFICATE: '証明書を読み取れません',
  NOT_HTTPS: '接続先の指定が https ではありません',
  ENDPOINT_URL: '接続先の指定が正しくありません',
  PROXY_URL: 'プロキシの指定が正しくありません',
  READ_ONLY: '証明書の保存場所に書き込めません（読み取り専用）',
  TEMP_DIR: '一時ファイルの場所に書き込めません',
  USER_FIELD_NOT_ALLOWED: 'この項目は利用者ごとの設定ファイルでは変更できません（銀行の設定、会社の設定ファイルまたはレジストリで設定します）',
  BUILTIN_MODIFIED: 'CertDesk に含まれる銀行の設定ファイルが変更されています（CertDesk を入れ直してください）',
  REGISTRY_UNREADABLE: 'レジストリの設定を読み取れません',
  STATE_FOLDER_NOT_OWNED: '状態ファイルのフォルダーが別のユーザーのものです',
  KEY_NOT_REMOVED: '古い秘密鍵を削除できませんでした（次回の実行で削除します）',
  TOKEN_AMBIGUOUS: '同じ名前の鍵の装置（ICカードなど）が複数あります',
};

/** Labels of the detail facts shown in Japanese; the others stay in the JSON `detail` only. */
const FACT_LABELS_JA: ReadonlyArray<readonly [string, string]> = [
  ['field', '項目'],
  ['file', 'ファイル'],
  ['path', 'ファイル'],
  ['store', '保存場所'],
  ['where', '保存場所'],
  ['host', '接続先'],
  ['proxy', 'プロキシ'],
  ['status', 'HTTP ステータス'],
  ['tls', 'TLS のエラー'],
  ['net', '通信のエラー'],
  ['tool', 'ツール'],
  ['looked', '探した場所'],
  ['opensOn', '更新開始日'],
  ['expiryDate', '有効期限日'],
  ['graceEndsOn', '取得期限'],
];

/** The error's detail in the reader's language (English: the core's sentence). */
export function errorDetailText(e: Pick<ApiError, 'code' | 'message' | 'detail'>, lang: Language): string {
  if (lang === 'en') return e.message;
  const d = e.detail ?? {};
  const reason = typeof d.reason === 'string' ? d.reason : undefined;
  const vars: Record<string, string> = { field: '', date: typeof d.opensOn === 'string' ? formatDay(d.opensOn, 'ja') : '' };
  const texts = (reason && REASON_TEXTS.ja[reason]) || ERROR_TEXTS.ja[e.code];
  const facts: string[] = [];
  if (reason) facts.push(`理由: ${REASON_WORDS_JA[reason] ? `${REASON_WORDS_JA[reason]}（${reason}）` : reason}`);
  for (const [key, label] of FACT_LABELS_JA) {
    const v = d[key];
    // A field named in parentheses ("(file)") is the core's placeholder, not a field a reader knows.
    if (v === undefined || v === '' || (key === 'field' && String(v).startsWith('(')) || (key === 'path' && d.file !== undefined) || (key === 'where' && d.store !== undefined)) continue;
    facts.push(`${label}: ${/Date|On$/.test(key) && typeof v === 'string' ? formatDay(v, 'ja') : String(v)}`);
  }
  const happened = fill(texts.happened, vars);
  return facts.length ? `${happened}（${facts.join('、')}）` : happened;
}
