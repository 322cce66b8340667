// The rules of the bank (renewal window, grace, reminders) as one pure function.
// Dates are calendar days in Japan Standard Time whatever the PC's time zone: JST is
// UTC+9 with no daylight saving, so a JST day number is computed from the instant alone
// and never through the machine's local time.

import type { Phase, ReminderThreshold } from './domain';

export interface PhasePolicy {
  /** Renewal opens this many days before the JST expiry date (default 30). */
  renewWindowDays: number;
  /** 取得 is possible until this many days after the JST expiry date (default 90). */
  graceDays: number;
  /** Days before expiry at which reminders are due (default [30, 10]). */
  reminderDays: readonly ReminderThreshold[];
}

export const DEFAULT_PHASE_POLICY: PhasePolicy = { renewWindowDays: 30, graceDays: 90, reminderDays: [30, 10] };

export interface PhaseInfo {
  phase: Phase;
  /** JST expiry date minus today's JST date, in calendar days (negative once past). */
  daysLeft: number;
  /** JST date of notAfter, YYYY-MM-DD. */
  expiryDate: string;
  /** Today's JST date, YYYY-MM-DD. */
  today: string;
  /** First JST day renewal is possible, YYYY-MM-DD. */
  renewalOpensOn: string;
  /** Last JST day 取得 is possible, YYYY-MM-DD. */
  graceEndsOn: string;
  /** Reminder thresholds already reached while the certificate is still valid, largest first. */
  remindersDue: ReminderThreshold[];
  /** Whether the 重要なお知らせ notice 「電子証明書の更新をお願いします」 shows. */
  noticeDue: boolean;
}

const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

/** The JST calendar day of an instant, as a day number since 1970-01-01. */
export function jstDayNumber(instant: Date): number {
  return Math.floor((instant.getTime() + JST_OFFSET_MS) / DAY_MS);
}

/** YYYY-MM-DD of a JST day number. */
export function dayNumberToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The JST date of an instant, YYYY-MM-DD. */
export function jstDate(instant: Date): string {
  return dayNumberToIso(jstDayNumber(instant));
}

function checkPolicy(p: PhasePolicy): void {
  const whole = (n: number) => Number.isInteger(n) && n >= 0 && n <= 3650;
  if (!whole(p.renewWindowDays)) throw new RangeError('renewWindowDays must be a whole number of days, 0–3650');
  if (!whole(p.graceDays)) throw new RangeError('graceDays must be a whole number of days, 0–3650');
  if (!p.reminderDays.every(whole)) throw new RangeError('reminderDays must be whole numbers of days, 0–3650');
}

export function computePhase(notAfter: Date, now: Date, policy: PhasePolicy = DEFAULT_PHASE_POLICY): PhaseInfo {
  if (Number.isNaN(notAfter.getTime()) || Number.isNaN(now.getTime())) throw new RangeError('invalid date');
  checkPolicy(policy);
  const e = jstDayNumber(notAfter);
  const t = jstDayNumber(now);
  const expired = now.getTime() > notAfter.getTime();
  let phase: Phase;
  if (t < e - policy.renewWindowDays) phase = 'valid';
  else if (t <= e && !expired) phase = 'renewable';
  else if (t <= e + policy.graceDays) phase = 'acquirable';
  else phase = 'reissue';
  const daysLeft = e - t;
  const remindersDue = expired
    ? []
    : [...new Set(policy.reminderDays)].filter((d) => daysLeft <= d).sort((a, b) => b - a);
  return {
    phase,
    daysLeft,
    expiryDate: dayNumberToIso(e),
    today: dayNumberToIso(t),
    renewalOpensOn: dayNumberToIso(e - policy.renewWindowDays),
    graceEndsOn: dayNumberToIso(e + policy.graceDays),
    remindersDue,
    noticeDue: phase === 'renewable',
  };
}

/** What the superseded rule needs of a certificate in the store (the bank's, chained to its anchor). */
export interface HeldCertificate {
  fingerprint: string;
  /** The subject as one line: the same holder has the same subject (a renewal repeats it exactly). */
  subject: string;
  notBefore: string; // ISO instant
  notAfter: string; // ISO instant
  hasPrivateKey: boolean;
}

/**
 * 置き換え済み: a certificate is superseded when a newer certificate of the same holder from the
 * same bank (the store lists only those chained to its anchor) stands beside it, unexpired and
 * with its private key — a restored backup, a hand import or an older tool left the old one. A
 * superseded certificate is not due, shows no notice, gets no reminder and is never renewed.
 * Returns each superseded certificate's fingerprint → the newest one's.
 */
export function supersededBy(certs: readonly HeldCertificate[], now: Date): Record<string, string> {
  const out: Record<string, string> = {};
  const usable = certs.filter((c) => c.hasPrivateKey && new Date(c.notAfter).getTime() > now.getTime());
  for (const c of certs) {
    const newer = usable
      .filter((n) => n.fingerprint !== c.fingerprint && n.subject === c.subject && (n.notAfter > c.notAfter || (n.notAfter === c.notAfter && n.notBefore > c.notBefore)))
      .sort((a, b) => b.notAfter.localeCompare(a.notAfter))[0];
    if (newer) out[c.fingerprint] = newer.fingerprint;
  }
  return out;
}
