// What every OS's schedule is made of (issue 27): the program to run (`certdesk check`, at
// once: the random delay lives in the schedule, never in the check), the daily time from the
// policy's checkTime, whether it also runs at login (remindersAtLogin), and for whom.
export interface ScheduleSpec {
  /** The program and its arguments: the installed app run headless, or node with the CLI. */
  program: string;
  args: string[];
  /** "HH:MM", local time (policy checkTime). */
  checkTime: string;
  /** Also run at each login (policy remindersAtLogin). */
  atLogin: boolean;
  /** Every user of the PC (the installer, as administrator / root), else the user running it. */
  allUsers: boolean;
  /** The random delay after checkTime, in minutes (Task Scheduler RandomDelay, systemd RandomizedDelaySec). */
  randomDelayMinutes: number;
}

/** One hour: 10,000 PCs spread over 3,600 seconds (docs/it-guide.md has the arithmetic). */
export const RANDOM_DELAY_MINUTES = 60;

/** The ID every OS's schedule is known by. */
export const SCHEDULE_LABEL = 'jp.co.certdesk.check';

export function parseCheckTime(t: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(t);
  if (!m) throw new Error(`checkTime must be HH:MM (24-hour), not ${JSON.stringify(t)}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

export const pad2 = (n: number) => String(n).padStart(2, '0');

/** XML text content and attribute values. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
