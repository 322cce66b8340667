// Desktop reminders: the core decides what is due and records it (renewal/reminders);
// this shows it. A check at start and each JST day while running lists the certificates
// (the overview takes the due reminders); a click opens the renewal in the main window.
import { Notification } from 'electron';
import type { ReminderEvent } from '../../shared/contract';
import { msUntilNextCheck, type DueReminder } from '../core/compose/shell';
import type { Strings } from './strings';

export interface NotifierDeps {
  strings: () => Strings;
  icon?: string;
  /** Called when a notification is clicked: show the window and open the renewal. */
  onClick(event: ReminderEvent): void;
}

/** Shows what the core says is due, one OS notification each. */
export function createNotifier(deps: NotifierDeps): (reminder: DueReminder) => void {
  // Notifications must stay referenced or they are collected and their click is lost.
  const shown = new Set<Notification>();
  return (r) => {
    if (!Notification.isSupported()) return;
    const s = deps.strings();
    const n = new Notification({ title: s.reminderTitle, body: s.reminderBody(r.daysLeft, r.holder), ...(deps.icon ? { icon: deps.icon } : {}) });
    shown.add(n);
    n.on('click', () => deps.onClick({ fingerprint: r.fingerprint, threshold: r.threshold, daysLeft: r.daysLeft }));
    n.on('close', () => shown.delete(n));
    n.show();
  };
}

export interface ReminderClock {
  checkNow(): Promise<void>;
  stop(): void;
}

/** Calls `check` (a listing of the certificates) now and five minutes past each JST midnight. */
export function startReminderClock(check: () => Promise<unknown>, now: () => Date = () => new Date()): ReminderClock {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const checkNow = () =>
    check().then(
      () => undefined,
      (err: unknown) => console.error('certdesk: reminder check failed:', err instanceof Error ? err.message : String(err)),
    );
  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void checkNow().finally(schedule), msUntilNextCheck(now()));
    timer.unref();
  }
  void checkNow().finally(schedule);
  return {
    checkNow,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
