// Desktop reminders: checked at start and then each JST day while running; a
// notification per due threshold (see reminder-schedule), recorded before it is shown so
// that a crash cannot repeat it; a click opens the renewal in the main window.
import { Notification } from 'electron';
import type { PhasePolicy } from '../shared/phase';
import type { ReminderEvent } from '../shared/contract';
import { dueReminders, msUntilNextCheck, type DueReminder, type FiredLog, type ReminderCertificate } from './reminder-schedule';
import type { Strings } from './strings';

export interface ReminderDeps {
  listCertificates(): Promise<ReminderCertificate[]>;
  policy: PhasePolicy;
  /** The record of reminders already shown (user settings `remindersShown`). */
  loadFired(): FiredLog;
  saveFired(fired: FiredLog): void;
  strings: () => Strings;
  icon?: string;
  /** Called when a notification is clicked: show the window and open the renewal. */
  onClick(event: ReminderEvent): void;
  now?: () => Date;
}

export interface Reminders {
  checkNow(): Promise<DueReminder[]>;
  stop(): void;
}

export function startReminders(deps: ReminderDeps): Reminders {
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  // Notifications must stay referenced or they are collected and their click is lost.
  const shown = new Set<Notification>();

  async function checkNow(): Promise<DueReminder[]> {
    const certificates = await deps.listCertificates();
    const { due, fired } = dueReminders(certificates, now(), deps.policy, deps.loadFired());
    // Recorded before shown: a crash between the two loses a reminder, never repeats one.
    deps.saveFired(fired);
    if (!Notification.isSupported()) return due;
    const s = deps.strings();
    for (const r of due) {
      const n = new Notification({ title: s.reminderTitle, body: s.reminderBody(r.daysLeft, r.holder), ...(deps.icon ? { icon: deps.icon } : {}) });
      shown.add(n);
      n.on('click', () => deps.onClick({ fingerprint: r.fingerprint, threshold: r.threshold, daysLeft: r.daysLeft }));
      n.on('close', () => shown.delete(n));
      n.show();
    }
    return due;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      checkNow()
        .catch((err: unknown) => console.error('certdesk: reminder check failed:', err instanceof Error ? err.message : String(err)))
        .finally(schedule);
    }, msUntilNextCheck(now()));
    timer.unref();
  }

  void checkNow()
    .catch((err: unknown) => console.error('certdesk: reminder check failed:', err instanceof Error ? err.message : String(err)))
    .finally(schedule);

  return {
    checkNow,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
