export { createRenewalService } from './service';
export type { CoreService, Emitter, RecoveryOutcome, RenewalDeps, TransportIdentity } from './types';
export { createReminderLedger, dueReminders, msUntilNextCheck, type DueReminder, type FiredLog, type ReminderCertificate } from './reminders';
