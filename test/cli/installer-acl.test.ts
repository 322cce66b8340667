// The per-machine installer locks %ProgramData%\CertDesk (review HIGH1): created with an ACL
// only SYSTEM and Administrators may write, by SIDs, through icacls by full path; compiled by
// makensis -WX with the per-machine branch taken, as electron-builder compiles it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandPath } from '../support/required';
import { ICACLS_FIX } from '../../src/main/core/config/machine-trust';

const ROOT = join(import.meta.dirname, '..', '..');
const nsh = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'certdesk-nsis-acl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the installer\'s policy folder', () => {
  it('a per-machine install creates %ProgramData%\\CertDesk and runs icacls with the SIDs the loader checks for', () => {
    const macro = nsh.slice(nsh.indexOf('!macro CERTDESK_LOCK_POLICY_FOLDER'), nsh.indexOf('!macroend', nsh.indexOf('!macro CERTDESK_LOCK_POLICY_FOLDER')));
    expect(macro).toContain('SetShellVarContext all\n  CreateDirectory "$APPDATA\\CertDesk"');
    expect(macro).toContain(`nsExec::ExecToLog '"$SYSDIR\\icacls.exe" "$APPDATA\\CertDesk" ${ICACLS_FIX}'`);
    expect(ICACLS_FIX).toBe('/inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX');
    // Only in the per-machine branch (a per-user install has no admin rights).
    const all = nsh.slice(nsh.indexOf('${If} $installMode == "all"'), nsh.indexOf('${Else}', nsh.indexOf('${If} $installMode == "all"')));
    expect(all).toContain('!insertmacro CERTDESK_LOCK_POLICY_FOLDER');
  });

  const makensis = commandPath('makensis', 'nsis', 'the NSIS include compile');
  it.skipIf(!makensis)('compiles with -WX with the per-machine branch', () => {
    const script = ['Unicode true', 'Var installMode', `OutFile "${join(dir, 'm.exe')}"`, 'RequestExecutionLevel admin', `!include "${join(ROOT, 'build/installer.nsh')}"`,
      'Section', '  StrCpy $installMode "all"', '  !insertmacro customInstall', 'SectionEnd'].join('\n');
    writeFileSync(join(dir, 'm.nsi'), script);
    execFileSync(makensis!, ['-WX', '-V2', join(dir, 'm.nsi')], { stdio: 'pipe' });
    expect(existsSync(join(dir, 'm.exe'))).toBe(true);
  });
});
