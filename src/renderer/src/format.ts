// Dates as the bank's customers read them: JST calendar days, whatever the PC's zone.
// The JST day comes from src/shared/phase.ts, never from the machine's local time.
import type { Language } from '../../shared/contract';
import { jstDate } from '../../shared/phase';

/** A YYYY-MM-DD (JST) date: 2026年12月25日 in Japanese, ISO in English. */
export function formatDay(ymd: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  if (lang === 'en') return ymd;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** The JST date of an ISO instant. */
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

/** Colon-grouped hex for reading aloud to a helpdesk; a negative serial keeps its sign in front. */
export function groupHex(hex: string): string {
  const sign = hex.startsWith('-') ? '-' : '';
  return sign + (hex.slice(sign.length).match(/.{1,2}/g) ?? []).join(':').toUpperCase();
}
