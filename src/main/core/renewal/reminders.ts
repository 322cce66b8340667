// The reminders and their one owner: which notifications are due (a pure function of the
// certificates, the clock, the policy and what has already been shown) and the ledger of
// shown ones in the user settings. Once per threshold per certificate: a threshold is
// recorded when reached, and when several are reached at once (the PC was off on E−30 and
// first runs on E−8) only the most urgent one is shown. Whoever lists the certificates
// first (the window's overview or the daily check) takes them; the shell only shows.
import { computePhase, jstDayNumber, type PhasePolicy } from '../../../shared/phase';
import type { Settings } from '../config';

export interface ReminderCertificate {
  fingerprint: string;
  holder: string;
  /** ISO instant. */
  notAfter: string;
}

/**
 * Thresholds already reached per certificate fingerprint (shown, or passed over for a
 * more urgent one). Kept in the user settings (`remindersShown`) across restarts.
 */
export type FiredLog = Record<string, number[]>;

export interface DueReminder {
  fingerprint: string;
  holder: string;
  threshold: number;
  daysLeft: number;
}

/** Entries of certificates no longer on the PC are kept, the newest this many. */
const KEEP_ABSENT = 50;

export function dueReminders(
  certificates: readonly ReminderCertificate[],
  now: Date,
  policy: PhasePolicy,
  fired: Readonly<FiredLog>,
): { due: DueReminder[]; fired: FiredLog } {
  const present = new Set(certificates.map((c) => c.fingerprint));
  const absent = Object.keys(fired).filter((fp) => !present.has(fp)).slice(-KEEP_ABSENT);
  const next: FiredLog = {};
  for (const fp of [...absent, ...present]) {
    const entry = fired[fp];
    if (Array.isArray(entry)) next[fp] = entry.filter((t) => Number.isInteger(t));
  }
  const due: DueReminder[] = [];
  for (const cert of certificates) {
    const notAfter = new Date(cert.notAfter);
    if (Number.isNaN(notAfter.getTime())) continue;
    const info = computePhase(notAfter, now, policy);
    const already = new Set(next[cert.fingerprint] ?? []);
    const fresh = info.remindersDue.filter((t) => !already.has(t));
    if (fresh.length === 0) continue;
    // remindersDue is largest first: the last is the most urgent.
    const threshold = fresh[fresh.length - 1]!;
    due.push({ fingerprint: cert.fingerprint, holder: cert.holder, threshold, daysLeft: info.daysLeft });
    next[cert.fingerprint] = [...already, ...fresh].sort((a, b) => b - a);
  }
  return { due, fired: next };
}

const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;

/** Milliseconds until the next check: five minutes past the next JST midnight. */
export function msUntilNextCheck(now: Date): number {
  const nextDay = jstDayNumber(now) + 1;
  const at = nextDay * DAY_MS - JST_OFFSET_MS + 5 * 60_000;
  return Math.max(60_000, at - now.getTime());
}

export interface ReminderLedger {
  /** The reminders due now, recorded as shown and handed to `remind`; none without a `remind`. */
  take(certificates: readonly ReminderCertificate[], now: Date): DueReminder[];
}

export function createReminderLedger(deps: { settings: Settings; policy: PhasePolicy; remind?: (r: DueReminder) => void }): ReminderLedger {
  return {
    take(certificates, now) {
      // Without anyone to show them (the command line), reading must not use them up.
      const remind = deps.remind;
      if (!remind) return [];
      const { due, fired } = dueReminders(certificates, now, deps.policy, deps.settings.get('remindersShown') ?? {});
      // Recorded before shown: a crash between the two loses a reminder, never repeats one.
      if (due.length > 0) deps.settings.set('remindersShown', fired);
      for (const r of due) remind(r);
      return due;
    },
  };
}
