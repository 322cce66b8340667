// Windows: a Task Scheduler task (XML, task schema 1.2, Windows 7 and later), registered with
// `schtasks /Create /XML file /TN name /F` (the /F makes it idempotent). As the logged-on user
// (InteractiveToken: runs in the user's session, with the user's certificate store and no
// password stored), or for --all-users (the installer, as administrator) the Users group
// S-1-5-32-545, which runs it in each member's own session. Never SYSTEM: its store is not
// the user's. A logon trigger (unless remindersAtLogin is off) and a daily calendar trigger at
// checkTime with RandomDelay; only when a network is available; a missed run is made up.
import { pad2, parseCheckTime, xmlEscape, type ScheduleSpec } from './spec';

/** BUILTIN\Users: the same SID in every language of Windows. */
export const USERS_SID = 'S-1-5-32-545';

export function taskName(allUsers: boolean, user?: string): string {
  // A task in the root folder: creating a folder there needs administrator rights, a task does not.
  return allUsers ? 'CertDesk Check' : `CertDesk Check (${(user ?? '').replace(/[\\/:*?"<>|]/g, '_')})`;
}

/** Arguments as one command line for CreateProcess (each quoted when it needs it, MSVC rules). */
export function windowsCommandLine(args: string[]): string {
  return args
    .map((a) => {
      if (a !== '' && !/[\s"]/.test(a)) return a;
      let out = '"';
      let slashes = 0;
      for (const ch of a) {
        if (ch === '\\') slashes++;
        else if (ch === '"') {
          out += '\\'.repeat(slashes * 2 + 1) + '"';
          slashes = 0;
        } else {
          out += '\\'.repeat(slashes) + ch;
          slashes = 0;
        }
      }
      return out + '\\'.repeat(slashes * 2) + '"';
    })
    .join(' ');
}

/** `user`: DOMAIN\name of the logged-on user (per-user task); ignored for allUsers. */
export function taskXml(spec: ScheduleSpec, user?: string): string {
  const { hour, minute } = parseCheckTime(spec.checkTime);
  if (!spec.allUsers && !user) throw new Error('The per-user task needs the user (DOMAIN\\name).');
  const userId = spec.allUsers ? '' : `      <UserId>${xmlEscape(user!)}</UserId>\n`;
  const logon = spec.atLogin
    ? `    <LogonTrigger>\n      <Enabled>true</Enabled>\n${userId}      <Delay>PT2M</Delay>\n    </LogonTrigger>\n`
    : '';
  const principal = spec.allUsers
    ? `      <GroupId>${USERS_SID}</GroupId>\n`
    : `      <UserId>${xmlEscape(user!)}</UserId>\n      <LogonType>InteractiveToken</LogonType>\n`;
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>CertDesk</Author>
    <Description>CertDesk: checks the bank certificate, shows reminders and renews it where the bank's policy allows (certdesk check).</Description>
  </RegistrationInfo>
  <Triggers>
${logon}    <CalendarTrigger>
      <StartBoundary>2020-01-01T${pad2(hour)}:${pad2(minute)}:00</StartBoundary>
      <Enabled>true</Enabled>
      <RandomDelay>PT${spec.randomDelayMinutes}M</RandomDelay>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
${principal}      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>
    <Enabled>true</Enabled>
    <ExecutionTimeLimit>PT30M</ExecutionTimeLimit>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xmlEscape(spec.program)}</Command>
      <Arguments>${xmlEscape(windowsCommandLine(spec.args))}</Arguments>
    </Exec>
  </Actions>
</Task>
`.replace(/\n/g, '\r\n');
}

/** schtasks reads the XML file as UTF-16 (the declaration says so): little-endian with its byte order mark. */
export function utf16le(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

export const schtasksCreateArgs = (file: string, name: string) => ['/Create', '/XML', file, '/TN', name, '/F'];
export const schtasksDeleteArgs = (name: string) => ['/Delete', '/TN', name, '/F'];
export const schtasksQueryArgs = (name: string) => ['/Query', '/TN', name, '/XML'];
