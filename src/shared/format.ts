// Dates, times and hex as every front end shows them (the window, the command line, the
// diagnostics export): JST calendar days whatever the PC's zone, in each language's form —
// 2026年12月27日 20:17:02 JST / Dec 27, 2026 20:17:02 JST — and fingerprints and serials as
// upper-case colon pairs, as Windows' and the browsers' certificate dialogs show them.
import type { Language } from './contract';
import { jstDate } from './phase';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A YYYY-MM-DD (JST) date: 2026年12月25日 in Japanese, Dec 25, 2026 in English; anything else as given. */
export function formatDay(ymd: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  if (lang === 'en') return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${Number(m[3])}, ${m[1]}`;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** The JST date of an ISO instant, in the language's form. */
export function formatInstantDay(iso: string, lang: Language): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatDay(jstDate(d), lang);
}

/** Date and time in JST (UTC+9, no daylight saving): the offset is fixed, so it is added, not looked up. */
export function formatInstant(iso: string, lang: Language): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const jst = new Date(d.getTime() + 9 * 3_600_000);
  const hh = String(jst.getUTCHours()).padStart(2, '0');
  const mm = String(jst.getUTCMinutes()).padStart(2, '0');
  const ss = String(jst.getUTCSeconds()).padStart(2, '0');
  return `${formatDay(jstDate(d), lang)} ${hh}:${mm}:${ss} JST`;
}

/** Colon-grouped upper-case hex for reading aloud to a helpdesk; a negative serial keeps its sign in front. */
export function groupHex(hex: string): string {
  const sign = hex.startsWith('-') ? '-' : '';
  return sign + (hex.slice(sign.length).replace(/:/g, '').match(/.{1,2}/g) ?? []).join(':').toUpperCase();
}
