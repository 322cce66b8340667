// `certdesk schedule` (issue 27): each OS's files generated and checked exactly, validated with
// what exists here (python3's xml.etree for the task, plistlib for the LaunchAgent,
// `systemd-analyze verify` for the units). The commands that install them: schedule.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchAgentPlist } from '../../src/main/cli/schedule/launchd';
import type { ScheduleSpec } from '../../src/main/cli/schedule/spec';
import { autostartEntry, serviceUnit, timerUnit } from '../../src/main/cli/schedule/systemd';
import { taskXml, utf16le, windowsCommandLine } from '../../src/main/cli/schedule/windows-task';
import { PARSE_PLIST, python, spec } from './schedule-spec';

const work = mkdtempSync(join(tmpdir(), 'certdesk-schedule-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TASK_XML_USER = `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>CertDesk</Author>
    <Description>CertDesk: checks the bank certificate, shows reminders and renews it where the bank's policy allows (certdesk check).</Description>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <UserId>CORP\\yamada</UserId>
      <Delay>PT2M</Delay>
    </LogonTrigger>
    <CalendarTrigger>
      <StartBoundary>2020-01-01T10:00:00</StartBoundary>
      <Enabled>true</Enabled>
      <RandomDelay>PT60M</RandomDelay>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>CORP\\yamada</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
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
      <Command>C:\\Program Files\\CertDesk\\certdesk.exe</Command>
      <Arguments>--headless check</Arguments>
    </Exec>
  </Actions>
</Task>
`.replace(/\n/g, '\r\n');

/** The task as Task Scheduler reads it: namespace-qualified elements, parsed from the UTF-16 bytes. */
const PARSE_TASK = `
import sys, json, xml.etree.ElementTree as ET
ns = {'t': 'http://schemas.microsoft.com/windows/2004/02/mit/task'}
root = ET.fromstring(sys.stdin.buffer.read())
g = lambda p: [e.text for e in root.findall(p, ns)]
print(json.dumps({
  'logon': g('t:Triggers/t:LogonTrigger/t:UserId') + g('t:Triggers/t:LogonTrigger/t:Delay'),
  'logonTriggers': len(root.findall('t:Triggers/t:LogonTrigger', ns)),
  'calendar': g('t:Triggers/t:CalendarTrigger/t:StartBoundary') + g('t:Triggers/t:CalendarTrigger/t:RandomDelay'),
  'principal': g('t:Principals/t:Principal/t:UserId') + g('t:Principals/t:Principal/t:GroupId') + g('t:Principals/t:Principal/t:LogonType'),
  'network': g('t:Settings/t:RunOnlyIfNetworkAvailable'),
  'exec': g('t:Actions/t:Exec/t:Command') + g('t:Actions/t:Exec/t:Arguments'),
}))`;

describe('Windows Task Scheduler task', () => {
  it('per user: exact XML, UTF-16LE with BOM, parsed by an XML parser: logon + daily with RandomDelay, network only, InteractiveToken as the user', () => {
    const xml = taskXml(spec(), 'CORP\\yamada');
    expect(xml).toBe(TASK_XML_USER);
    const bytes = utf16le(xml);
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(JSON.parse(python(PARSE_TASK, bytes))).toEqual({
      logon: ['CORP\\yamada', 'PT2M'], logonTriggers: 1, calendar: ['2020-01-01T10:00:00', 'PT60M'],
      principal: ['CORP\\yamada', 'InteractiveToken'], network: ['true'], exec: ['C:\\Program Files\\CertDesk\\certdesk.exe', '--headless check'],
    });
  });

  it('all users: the Users group (never SYSTEM), no user on the logon trigger; remindersAtLogin off: no logon trigger; checkTime from the policy', () => {
    const xml = taskXml(spec({ allUsers: true, atLogin: false, checkTime: '07:45' }));
    const parsed = JSON.parse(python(PARSE_TASK, utf16le(xml)));
    expect(parsed).toMatchObject({ logonTriggers: 0, calendar: ['2020-01-01T07:45:00', 'PT60M'], principal: ['S-1-5-32-545'] });
    expect(xml).not.toMatch(/SYSTEM|S-1-5-18/);
    const withLogon = JSON.parse(python(PARSE_TASK, utf16le(taskXml(spec({ allUsers: true })))));
    expect(withLogon).toMatchObject({ logon: ['PT2M'], logonTriggers: 1 });
  });

  it('arguments with spaces and quotes become one CreateProcess command line; XML special characters escaped', () => {
    expect(windowsCommandLine(['C:\\a b\\cli.js', 'check', 'x"y', 'end\\'])).toBe('"C:\\a b\\cli.js" check "x\\"y" end\\');
    const xml = taskXml(spec({ program: 'C:\\R&D <x>\\node.exe', args: ['C:\\a b\\cli.js', 'check'] }), 'CORP\\o\'brien');
    expect(xml).toContain('<Command>C:\\R&amp;D &lt;x&gt;\\node.exe</Command>');
    expect(xml).toContain('<Arguments>&quot;C:\\a b\\cli.js&quot; check</Arguments>');
    expect(JSON.parse(python(PARSE_TASK, utf16le(xml))).exec).toEqual(['C:\\R&D <x>\\node.exe', '"C:\\a b\\cli.js" check']);
  });
});

const PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>jp.co.certdesk.check</string>
  <key>ProgramArguments</key>
  <array>
    <string>/Applications/CertDesk 電子証明書.app/Contents/MacOS/certdesk</string>
    <string>--headless</string>
    <string>check</string>
  </array>
  <key>StartCalendarInterval</key>
  <dict>
    <key>Hour</key>
    <integer>10</integer>
    <key>Minute</key>
    <integer>37</integer>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>ProcessType</key>
  <string>Background</string>
  <key>LimitLoadToSessionType</key>
  <string>Aqua</string>
</dict>
</plist>
`;
const macSpec = (o: Partial<ScheduleSpec> = {}) => spec({ program: '/Applications/CertDesk 電子証明書.app/Contents/MacOS/certdesk', ...o });

describe('macOS LaunchAgent', () => {
  it('exact plist with the minute offset baked in, read by plistlib', () => {
    const text = launchAgentPlist(macSpec(), 37);
    expect(text).toBe(PLIST);
    expect(JSON.parse(python(PARSE_PLIST, text))).toEqual({
      Label: 'jp.co.certdesk.check',
      ProgramArguments: ['/Applications/CertDesk 電子証明書.app/Contents/MacOS/certdesk', '--headless', 'check'],
      StartCalendarInterval: { Hour: 10, Minute: 37 },
      RunAtLoad: true,
      ProcessType: 'Background',
      LimitLoadToSessionType: 'Aqua',
    });
  });

  it('the offset wraps past midnight; remindersAtLogin off: RunAtLoad false', () => {
    const parsed = JSON.parse(python(PARSE_PLIST, launchAgentPlist(macSpec({ checkTime: '23:30', atLogin: false }), 45)));
    expect(parsed.StartCalendarInterval).toEqual({ Hour: 0, Minute: 15 });
    expect(parsed.RunAtLoad).toBe(false);
  });
});

describe('systemd user units and XDG autostart', () => {
  const linuxSpec = (o: Partial<ScheduleSpec> = {}) => spec({ program: process.execPath, args: ['/opt/CertDesk 電子証明書/cli 100%.js', 'check'], ...o });

  it('exact service and timer, accepted by systemd-analyze verify without a warning', () => {
    const service = serviceUnit(linuxSpec());
    expect(service).toBe(`[Unit]
Description=CertDesk: check the bank certificate (reminders, automatic renewal)

[Service]
Type=oneshot
ExecStart=${process.execPath} "/opt/CertDesk 電子証明書/cli 100%%.js" check
# 4 取得, 5 再発行, 6 renewal open, 7 new PC: the person is told; not a failure of the unit.
SuccessExitStatus=4 5 6 7
TimeoutStartSec=30min

[Install]
WantedBy=default.target
`);
    const timer = timerUnit(linuxSpec({ checkTime: '09:05' }));
    expect(timer).toBe(`[Unit]
Description=CertDesk: daily check of the bank certificate

[Timer]
OnCalendar=*-*-* 09:05:00
RandomizedDelaySec=3600
Persistent=true
Unit=certdesk-check.service

[Install]
WantedBy=timers.target
`);
    const dir = mkdtempSync(join(work, 'units-'));
    writeFileSync(join(dir, 'certdesk-check.service'), service);
    writeFileSync(join(dir, 'certdesk-check.timer'), timer);
    const r = execFileSync('sh', ['-c', 'systemd-analyze verify --man=no ./certdesk-check.service ./certdesk-check.timer 2>&1; echo "rc=$?"'], { cwd: dir, encoding: 'utf8' });
    expect(r).toBe('rc=0\n');
    // remindersAtLogin off: the service is not wanted at login.
    expect(serviceUnit(linuxSpec({ atLogin: false }))).not.toContain('[Install]');
  });

  it('systemd-analyze verify catches a broken unit (the check is not vacuous)', () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    writeFileSync(join(dir, 'certdesk-check.service'), serviceUnit(linuxSpec({ program: '/nonexistent/certdesk' })));
    const r = execFileSync('sh', ['-c', 'systemd-analyze verify --man=no ./certdesk-check.service 2>&1; echo "rc=$?"'], { cwd: dir, encoding: 'utf8' });
    expect(r).not.toBe('rc=0\n');
  });

  it('exact autostart entry, Exec quoted per the Desktop Entry Specification', () => {
    expect(autostartEntry(linuxSpec({ program: '/usr/bin/certdesk', args: ['--headless', 'check'] }))).toBe(`[Desktop Entry]
Type=Application
Name=CertDesk check
Comment=Checks the bank certificate at login (reminders, automatic renewal)
Exec=/usr/bin/certdesk --headless check
Terminal=false
NoDisplay=true
X-GNOME-Autostart-enabled=true
`);
    expect(autostartEntry(linuxSpec({ program: '/opt/a b/certdesk', args: ['$HOME', '50%'] }))).toContain('Exec="/opt/a b/certdesk" "\\\\$HOME" 50%%\n');
  });
});
