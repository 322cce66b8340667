// Linux: a systemd user service and timer (the user's own manager: the user's NSS db and
// keyring). The timer: daily at checkTime (OnCalendar, local time) with RandomizedDelaySec,
// Persistent (a run missed while the PC was off happens at the next start). At login
// (remindersAtLogin) the service itself is wanted by default.target, which the user's
// manager reaches at each login. Where no systemd user session exists, an XDG autostart
// entry runs the check at each desktop login instead (no daily run: said by status and the guide).
import { pad2, parseCheckTime, type ScheduleSpec } from './spec';

export const UNIT = 'certdesk-check';

/** One ExecStart word, quoted as systemd.syntax(7) reads it; % and $ doubled so systemd expands nothing. */
export function systemdWord(a: string): string {
  const escaped = a.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (escaped !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function serviceUnit(spec: ScheduleSpec): string {
  const exec = [spec.program, ...spec.args].map(systemdWord).join(' ');
  return `[Unit]
Description=CertDesk: check the bank certificate (reminders, automatic renewal)

[Service]
Type=oneshot
ExecStart=${exec}
# 4 取得, 5 再発行, 6 renewal open, 7 new PC: the person is told; not a failure of the unit.
SuccessExitStatus=4 5 6 7
TimeoutStartSec=30min
${spec.atLogin ? '\n[Install]\nWantedBy=default.target\n' : ''}`;
}

export function timerUnit(spec: ScheduleSpec): string {
  const { hour, minute } = parseCheckTime(spec.checkTime);
  return `[Unit]
Description=CertDesk: daily check of the bank certificate

[Timer]
OnCalendar=*-*-* ${pad2(hour)}:${pad2(minute)}:00
RandomizedDelaySec=${spec.randomDelayMinutes * 60}
Persistent=true
Unit=${UNIT}.service

[Install]
WantedBy=timers.target
`;
}

/** One Exec argument as the Desktop Entry Specification quotes it. */
export function desktopWord(a: string): string {
  const escaped = a.replace(/%/g, '%%');
  if (escaped !== '' && !/[\s"'\\><~|&;$*?#()`=]/.test(escaped)) return escaped;
  return `"${escaped.replace(/([\\"`$])/g, '\\$1')}"`;
}

export function autostartEntry(spec: ScheduleSpec): string {
  const exec = [spec.program, ...spec.args].map(desktopWord).join(' ');
  // A desktop file's backslashes are escapes too (its string type): doubled once more.
  return `[Desktop Entry]
Type=Application
Name=CertDesk check
Comment=Checks the bank certificate at login (reminders, automatic renewal)
Exec=${exec.replace(/\\/g, '\\\\')}
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
`;
}
