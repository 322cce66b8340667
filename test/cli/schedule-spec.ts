// What the schedule tests share: a schedule spec as the CLI builds it for Windows, and python3
// (xml.etree, plistlib) to read the generated files with a parser that is not ours.
import { execFileSync } from 'node:child_process';
import type { ScheduleSpec } from '../../src/main/cli/schedule/spec';

export const spec = (o: Partial<ScheduleSpec> = {}): ScheduleSpec => ({
  program: 'C:\\Program Files\\CertDesk\\certdesk.exe', args: ['--headless', 'check'], checkTime: '10:00', atLogin: true, allUsers: false, randomDelayMinutes: 60, ...o,
});

export function python(code: string, input: Buffer | string): string {
  return execFileSync('python3', ['-c', code], { input, encoding: 'utf8' });
}

export const PARSE_PLIST = 'import sys, json, plistlib; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))';
