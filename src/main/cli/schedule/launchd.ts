// macOS: a LaunchAgent (runs in the user's GUI session, with the user's login keychain).
// launchd has no random delay, so the spread is baked in at install time: a minute offset
// drawn once per PC in [0, randomDelayMinutes) is added to checkTime (StartCalendarInterval),
// and stays until the next install. RunAtLoad runs it at login (remindersAtLogin). A run
// missed while the Mac slept happens when it wakes (launchd's rule for calendar intervals).
import { SCHEDULE_LABEL, parseCheckTime, xmlEscape, type ScheduleSpec } from './spec';

export const PLIST_NAME = `${SCHEDULE_LABEL}.plist`;

/** checkTime + offset minutes, wrapped past midnight. */
export function shiftedTime(checkTime: string, offsetMinutes: number): { hour: number; minute: number } {
  const { hour, minute } = parseCheckTime(checkTime);
  const total = (hour * 60 + minute + offsetMinutes) % (24 * 60);
  return { hour: Math.floor(total / 60), minute: total % 60 };
}

export function launchAgentPlist(spec: ScheduleSpec, offsetMinutes: number): string {
  const { hour, minute } = shiftedTime(spec.checkTime, offsetMinutes);
  const args = [spec.program, ...spec.args].map((a) => `    <string>${xmlEscape(a)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${SCHEDULE_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>StartCalendarInterval</key>
  <dict>
    <key>Hour</key>
    <integer>${hour}</integer>
    <key>Minute</key>
    <integer>${minute}</integer>
  </dict>
  <key>RunAtLoad</key>
  <${spec.atLogin ? 'true' : 'false'}/>
  <key>ProcessType</key>
  <string>Background</string>
  <key>LimitLoadToSessionType</key>
  <string>Aqua</string>
</dict>
</plist>
`;
}
