// An error's 詳細 (detail) in the reader's language: the command line's 詳細 line, its --json
// `error.message`, the window's 詳細（ヘルプデスク向け） and the diagnostics export's last
// errors. In English it is the core's own sentence (ApiError.message, written for logs and the
// helpdesk); in Japanese it is built from the code and the typed facts of `detail` — what
// happened in the window's words, the reason in words (its code beside it), and the facts
// (field, file, host, HTTP status …) labelled — so no English sentence reaches a Japanese reader.
import type { ApiError, Language } from './contract';
import { ERROR_TEXTS, REASON_TEXTS, reasonKey } from './error-texts';
import { formatDay } from './format';
import { fill } from './words';
import { reasonWords } from './i18n/reason-words';

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
  const own = reasonKey(e);
  const texts = (own && REASON_TEXTS.ja[own]) || ERROR_TEXTS.ja[e.code];
  const facts: string[] = [];
  // A refused keyStorage (reasonKey) is named as what it is, not as a store this run cannot reach.
  const words = reason ? ((own && reasonWords(own, 'ja')) || reasonWords(reason, 'ja')) : undefined;
  if (reason) facts.push(`理由: ${words ? `${words}（${reason}）` : reason}`);
  for (const [key, label] of FACT_LABELS_JA) {
    const v = d[key];
    // A field named in parentheses ("(file)") is the core's placeholder, not a field a reader knows.
    if (v === undefined || v === '' || (key === 'field' && String(v).startsWith('(')) || (key === 'path' && d.file !== undefined) || (key === 'where' && d.store !== undefined)) continue;
    facts.push(`${label}: ${/Date|On$/.test(key) && typeof v === 'string' ? formatDay(v, 'ja') : String(v)}`);
  }
  const happened = fill(texts.happened, vars);
  return facts.length ? `${happened}（${facts.join('、')}）` : happened;
}
