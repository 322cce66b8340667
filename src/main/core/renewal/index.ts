export { createRenewalService } from './service';
export type { CoreService, Emitter, RecoveryOutcome, RenewalDeps, TransportIdentity } from './types';
export { createReminderLedger, dueReminders, msUntilNextCheck, type DueReminder, type FiredLog, type ReminderCertificate } from './reminders';
export { runCheck, type CheckDeps, type CheckItem, type CheckNotice, type CheckReason, type CheckReport, type CheckState } from './check';
export { readCheckLedger, type AutoRenewal } from './check-ledger';
