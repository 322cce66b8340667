// build/installer.nsh, run (issue 24 item 1, issue 25 item 3): its own text through
// nsis-run.ts (NSIS's string limit, a registry stand-in answering as exehead does) for PATH
// values at and around NSIS_MAX_STRLEN (1,024 in stock NSIS, 8,192 in electron-builder's),
// checked against the plain decision table (path-model.ts); every effect of a per-machine and a
// per-user install and uninstall; and compiled by makensis -WX as electron-builder does.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandPath } from '../support/required';
import { Registry, runMacro, type RegValue, type RunResult } from './nsis-run';
import { decideAdd, decideRemove, readPath } from './path-model';

const ROOT = join(import.meta.dirname, '..', '..');
const INCLUDE = join(ROOT, 'build/installer.nsh');
const nsh = readFileSync(INCLUDE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'certdesk-nsis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MACHINE_ENV = 'SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment';
const USER_ENV = 'Environment';
const INSTDIR = { all: 'C:\\Program Files\\certdesk', CurrentUser: 'C:\\Users\\山田\\AppData\\Local\\Programs\\certdesk' } as const;
type Mode = keyof typeof INSTDIR;
const envKey = (mode: Mode) => (mode === 'all' ? (['HKLM', MACHINE_ENV] as const) : (['HKCU', USER_ENV] as const));

function install(reg: Registry, mode: Mode, max: number, uninstaller = false, exec?: (c: string) => number): RunResult {
  return runMacro(nsh, uninstaller ? 'customUnInstall' : 'customInstall', { maxStrlen: max, registry: reg, vars: { installMode: mode, INSTDIR: INSTDIR[mode] }, uninstaller, exec });
}

/** A PATH of exactly n characters made of real-looking entries (none of them CertDesk's). */
function pathOf(n: number): string {
  let s = 'C:\\Windows\\system32;C:\\Windows';
  for (let i = 0; s.length < n; i++) s += `;C:\\Tools\\t${i}\\bin`;
  return s.slice(0, n);
}

function registryWith(mode: Mode, path: RegValue | undefined, setup?: (r: Registry) => void): Registry {
  const reg = new Registry();
  const [root, key] = envKey(mode);
  reg.set(root, key, 'TEMP', { type: 'REG_EXPAND_SZ', data: '%USERPROFILE%\\AppData\\Local\\Temp' });
  if (path) reg.set(root, key, 'Path', path);
  reg.set(root, key, 'windir', { type: 'REG_EXPAND_SZ', data: '%SystemRoot%' });
  setup?.(reg);
  return reg;
}

describe('PATH: the include does what the decision table says, at and around each limit', () => {
  for (const max of [1024, 8192]) {
    for (const mode of ['all', 'CurrentUser'] as const) {
      const entry = `${INSTDIR[mode]}\\bin`;
      const lengths = [0, 1, 20, max - 200, ...Array.from({ length: entry.length + 8 }, (_, i) => max - entry.length - 6 + i), max + 1, max + 2, 2 * max, 32_000].filter((n) => n >= 0);
      it(`NSIS_MAX_STRLEN ${max}, ${mode === 'all' ? 'per machine' : 'per user'}: ${lengths.length * 2} lengths, with and without the final NUL; install, then uninstall`, () => {
        let written = 0;
        let refused = 0;
        for (const n of lengths) {
          for (const nul of [true, false]) {
            const original: RegValue = { type: 'REG_EXPAND_SZ', data: pathOf(n), nul };
            const reg = registryWith(mode, original);
            const [root, key] = envKey(mode);
            const r = install(reg, mode, max);
            const want = decideAdd(readPath(original, true, max), entry, max);
            const after = reg.get(root, key, 'Path');
            const label = `length ${n}, nul ${nul}`;
            if ('write' in want) {
              written++;
              expect(after, label).toEqual({ type: 'REG_EXPAND_SZ', data: want.write });
              expect(want.write, label).toBe(original.data === '' ? entry : `${original.data};${entry}`);
              expect(r.broadcasts, label).toBe(1);
            } else {
              refused++;
              expect(after, label).toBe(original);
              expect(r.details.filter((d) => d.startsWith('CertDesk: PATH was not changed')), label).toHaveLength(1);
              expect(r.details.join('\n'), label).toContain(`Add ${entry} to PATH by hand`);
            }
            // Uninstall: back to exactly what was there (the value kept, even when it was our entry alone).
            const u = install(reg, mode, max, true);
            const back = reg.get(root, key, 'Path');
            const wantBack = decideRemove(readPath(after, true, max), entry);
            if ('write' in wantBack) expect(back?.data, label).toBe(wantBack.write);
            else expect(back, label).toBe(after);
            expect(back?.data, label).toBe(original.data);
            // It says so only when it could not read the value whole.
            expect(u.details.filter((d) => d.startsWith('CertDesk: PATH')).length, label).toBe(readPath(after, true, max).state === 'unreadable' ? 1 : 0);
          }
        }
        // The grid reaches both sides of the limit.
        expect(written).toBeGreaterThan(4);
        expect(refused).toBeGreaterThan(4);
      });
    }
  }

  it('the limits exactly (8,192): a value of 8,191 characters + NUL is read whole yet not extended; 8,192 without NUL reads cut short and is left alone; the longest written value is 8,190', () => {
    const max = 8192;
    const entry = `${INSTDIR.all}\\bin`;
    for (const [n, nul, result] of [
      [max - 2 - entry.length - 1, true, 'write'], // exactly 8,190 after the entry
      [max - 2 - entry.length, true, 'tooLong'], // 8,191 after: the uninstaller could not read it
      [max - 2, true, 'tooLong'],
      [max - 1, true, 'unreadable'], // fits the buffer, but 8,191 read may be a cut value
      [max, false, 'unreadable'], // RegQueryValueEx fills the buffer; NSIS cuts one character
      [max, true, 'unreadable'], // ERROR_MORE_DATA: "" and the error flag
    ] as const) {
      const reg = registryWith('all', { type: 'REG_EXPAND_SZ', data: pathOf(n), nul });
      const r = install(reg, 'all', max);
      const v = reg.get('HKLM', MACHINE_ENV, 'Path')!.data;
      if (result === 'write') expect(v.length).toBe(max - 2);
      else {
        expect(v, `${n}`).toBe(pathOf(n));
        expect(r.details.join('\n')).toContain(result === 'tooLong' ? 'it would be longer than 8190 characters' : 'it could not be read whole (longer than 8191 characters, or not a string)');
      }
    }
  });

  it('never makes a relative entry: near the limit the entry is added whole or not at all (old include: "C:\\Program Files\\Cert")', () => {
    for (const max of [1024, 8192]) {
      for (let n = max - 45; n < max - 1; n++) {
        const reg = registryWith('all', { type: 'REG_EXPAND_SZ', data: pathOf(n) });
        install(reg, 'all', max);
        const entries = reg.get('HKLM', MACHINE_ENV, 'Path')!.data.split(';');
        const added = entries.slice(pathOf(n).split(';').length);
        expect(added.every((e) => e === `${INSTDIR.all}\\bin`), `${max}/${n}: ${added.join('|')}`).toBe(true);
      }
    }
  });

  it('Path absent (listed to the end without it): created with the entry alone; the uninstaller leaves an empty value, never deletes it', () => {
    for (const mode of ['all', 'CurrentUser'] as const) {
      const reg = registryWith(mode, undefined);
      const [root, key] = envKey(mode);
      install(reg, mode, 8192);
      expect(reg.get(root, key, 'Path')).toEqual({ type: 'REG_EXPAND_SZ', data: `${INSTDIR[mode]}\\bin` });
      install(reg, mode, 8192, true);
      expect(reg.get(root, key, 'Path')).toEqual({ type: 'REG_EXPAND_SZ', data: '' });
    }
  });

  it('a read error is not "absent": Path too long, a REG_DWORD or REG_MULTI_SZ Path, a key that cannot be opened, a name too long for the listing before Path: nothing written', () => {
    const cases: Array<[string, Registry]> = [
      ['32,000 characters', registryWith('all', { type: 'REG_EXPAND_SZ', data: pathOf(32_000) })],
      ['REG_DWORD', registryWith('all', { type: 'REG_DWORD', data: '5' })],
      ['REG_MULTI_SZ', registryWith('all', { type: 'REG_MULTI_SZ', data: 'C:\\a' })],
      ['key denied', registryWith('all', { type: 'REG_EXPAND_SZ', data: 'C:\\a' }, (r) => r.denyRead('HKLM', MACHINE_ENV))],
      ['long name first', (() => {
        const reg = new Registry();
        reg.set('HKLM', MACHINE_ENV, 'x'.repeat(9000), { type: 'REG_SZ', data: '1' });
        reg.set('HKLM', MACHINE_ENV, 'PATH', { type: 'REG_EXPAND_SZ', data: pathOf(9000) });
        return reg;
      })()],
    ];
    for (const [label, reg] of cases) {
      const before = reg.get('HKLM', MACHINE_ENV, 'Path');
      const r = install(reg, 'all', 8192);
      expect(reg.get('HKLM', MACHINE_ENV, 'Path'), label).toBe(before);
      expect(r.details.join('\n'), label).toContain('PATH was not changed: it could not be read whole');
      const u = install(reg, 'all', 8192, true);
      expect(reg.get('HKLM', MACHINE_ENV, 'Path'), label).toBe(before);
      expect(u.details.join('\n'), label).toContain(`Remove ${INSTDIR.all}\\bin from PATH by hand if it is there`);
    }
  });

  it('the uninstaller takes off exactly its entry (any case, with a final \\), every other entry and separator kept; the install does not add it twice', () => {
    const entry = `${INSTDIR.all}\\bin`;
    for (const [before, after] of [
      [`C:\\a;${entry};C:\\b`, 'C:\\a;C:\\b'],
      [`${entry.toUpperCase()}\\;C:\\a;;C:\\b`, 'C:\\a;;C:\\b'],
      [`C:\\a;${entry}`, 'C:\\a'],
      [`C:\\a;${entry}x;${INSTDIR.all}`, null],
    ] as const) {
      const reg = registryWith('all', { type: 'REG_EXPAND_SZ', data: before });
      const r = install(reg, 'all', 1024);
      expect(reg.get('HKLM', MACHINE_ENV, 'Path')!.data).toBe(after === null ? `${before};${entry}` : before);
      expect(r.details).toEqual([]);
      install(reg, 'all', 1024, true);
      expect(reg.get('HKLM', MACHINE_ENV, 'Path')!.data).toBe(after ?? before);
    }
  });

  it('an install folder holding ";" is not put on PATH (it would be two entries)', () => {
    const reg = registryWith('CurrentUser', { type: 'REG_EXPAND_SZ', data: 'C:\\a' });
    const r = runMacro(nsh, 'customInstall', { maxStrlen: 8192, registry: reg, vars: { installMode: 'CurrentUser', INSTDIR: 'C:\\x;y' } });
    expect(reg.get('HKCU', USER_ENV, 'Path')!.data).toBe('C:\\a');
    expect(r.details.join('\n')).toContain("the install folder contains ';'");
  });
});

describe('what each install mode does (docs/it-guide.md, "What each installer does")', () => {
  const SCHEME = 'Software\\Classes\\certdesk';
  const EVENT = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\CertDesk';

  it('per machine: machine PATH, event source, the policy folder locked by SIDs, certdesk: for every user, the schedule for every user; the uninstaller undoes all but the policy folder', () => {
    const reg = registryWith('all', { type: 'REG_EXPAND_SZ', data: 'C:\\Windows' });
    const exe = `"${INSTDIR.all}\\certdesk.exe"`;
    const r = install(reg, 'all', 8192);
    expect(reg.get('HKLM', MACHINE_ENV, 'Path')!.data).toBe(`C:\\Windows;${INSTDIR.all}\\bin`);
    expect(reg.get('HKLM', EVENT, 'EventMessageFile')).toEqual({ type: 'REG_EXPAND_SZ', data: '%SystemRoot%\\System32\\EventCreate.exe' });
    expect(reg.get('HKLM', EVENT, 'TypesSupported')).toEqual({ type: 'REG_DWORD', data: '7' });
    expect(r.dirs).toEqual(['C:\\ProgramData\\CertDesk']);
    expect(r.execs).toEqual([
      '"C:\\Windows\\System32\\icacls.exe" "C:\\ProgramData\\CertDesk" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX',
      `${exe} --headless schedule install --all-users`,
    ]);
    expect(reg.get('HKLM', SCHEME, '')).toEqual({ type: 'REG_SZ', data: 'URL:certdesk' });
    expect(reg.get('HKLM', SCHEME, 'URL Protocol')).toEqual({ type: 'REG_SZ', data: '' });
    expect(reg.get('HKLM', `${SCHEME}\\shell\\open\\command`, '')).toEqual({ type: 'REG_SZ', data: `${exe} "--" "%1"` });
    expect(reg.key('HKCU', SCHEME)).toBeUndefined();
    expect(r.details).toEqual([]);

    const u = install(reg, 'all', 8192, true);
    expect(u.execs).toEqual([`${exe} --headless schedule remove --all-users`]);
    expect(reg.get('HKLM', MACHINE_ENV, 'Path')!.data).toBe('C:\\Windows');
    expect(reg.key('HKLM', EVENT)).toBeUndefined();
    expect(reg.key('HKLM', SCHEME)).toBeUndefined();
    expect(reg.key('HKLM', `${SCHEME}\\shell\\open\\command`)).toBeUndefined();
  });

  it('certdesk: is registered as the app registers it at its start (Electron writes "<exe>" "--" "%1" for the arguments [\'--\'])', () => {
    const launch = readFileSync(join(ROOT, 'src/main/app/launch.ts'), 'utf8');
    expect(launch).toContain("app.setAsDefaultProtocolClient(LINK_SCHEME, execPath, ['--'])");
    expect(nsh).toContain(`WriteRegStr \${ROOT} "\${CERTDESK_SCHEME}\\shell\\open\\command" "" '"$INSTDIR\\certdesk.exe" "--" "%1"'`);
  });

  it('per user: the user\'s PATH, certdesk: for that user, the user\'s schedule; nothing under HKLM', () => {
    const reg = registryWith('CurrentUser', undefined);
    const exe = `"${INSTDIR.CurrentUser}\\certdesk.exe"`;
    const r = install(reg, 'CurrentUser', 8192);
    expect(reg.get('HKCU', USER_ENV, 'Path')!.data).toBe(`${INSTDIR.CurrentUser}\\bin`);
    expect(reg.get('HKCU', `${SCHEME}\\shell\\open\\command`, '')!.data).toBe(`${exe} "--" "%1"`);
    expect(r.execs).toEqual([`${exe} --headless schedule install`]);
    expect(reg.key('HKLM', EVENT)).toBeUndefined();
    expect(reg.key('HKLM', MACHINE_ENV)).toBeUndefined();
    const u = install(reg, 'CurrentUser', 8192, true);
    expect(u.execs).toEqual([`${exe} --headless schedule remove`]);
    expect(reg.key('HKCU', SCHEME)).toBeUndefined();
  });

  it('the uninstaller leaves a certdesk: registration that is not this install\'s; a failed schedule command is reported, the install goes on', () => {
    const reg = registryWith('CurrentUser', undefined);
    reg.set('HKCU', `${SCHEME}\\shell\\open\\command`, '', { type: 'REG_SZ', data: '"D:\\Other\\certdesk.exe" "--" "%1"' });
    const u = install(reg, 'CurrentUser', 8192, true, () => 3);
    expect(reg.get('HKCU', `${SCHEME}\\shell\\open\\command`, '')!.data).toBe('"D:\\Other\\certdesk.exe" "--" "%1"');
    expect(u.details).toEqual([`CertDesk: certdesk schedule remove failed (3); run it again from ${INSTDIR.CurrentUser}\\bin (docs/it-guide.md).`]);
    reg.set('HKLM', MACHINE_ENV, 'Path', { type: 'REG_EXPAND_SZ', data: 'C:\\Windows' });
    const r = install(reg, 'all', 8192, false, (c) => (c.includes('icacls') ? 5 : 0));
    expect(r.details).toEqual(['CertDesk: could not restrict C:\\ProgramData\\CertDesk (icacls: 5); a policy.json there is refused until only administrators can write it (docs/it-guide.md).']);
  });

  it('the registers are given back (electron-builder\'s own code runs on after the macros)', () => {
    // runMacro fails when the stack is left unbalanced; here the values themselves.
    const reg = registryWith('all', { type: 'REG_EXPAND_SZ', data: 'C:\\a' });
    const vars = { installMode: 'all', INSTDIR: INSTDIR.all, R0: 'r0', R1: 'r1', R7: 'r7', R9: 'r9' };
    expect(() => runMacro(nsh, 'customInstall', { maxStrlen: 1024, registry: reg, vars })).not.toThrow();
  });
});

describe('makensis compiles the include as electron-builder does', () => {
  const makensis = commandPath('makensis', 'nsis', 'the NSIS include compile');
  it.skipIf(!makensis)('-WX, installer and uninstaller, both modes; its NSIS_MAX_STRLEN gives the limits the interpreter uses', () => {
    const header = (out: string, extra: string[]) => ['Unicode true', ...extra, 'Var installMode', `OutFile "${join(dir, out)}"`, 'RequestExecutionLevel user', `!include "${INCLUDE}"`,
      '!echo "certdesk-limits ${NSIS_MAX_STRLEN} ${CERTDESK_READ_MAX} ${CERTDESK_WRITE_MAX}"'];
    for (const mode of ['all', 'CurrentUser']) {
      const i = [...header(`i-${mode}.exe`, []), 'Section', `  StrCpy $installMode "${mode}"`, '  !insertmacro customInstall', 'SectionEnd'].join('\n');
      const u = [...header(`u-${mode}.exe`, ['!define BUILD_UNINSTALLER']), 'Section', '  WriteUninstaller "$TEMP\\u.exe"', 'SectionEnd',
        'Section "Uninstall"', `  StrCpy $installMode "${mode}"`, '  !insertmacro customUnInstall', 'SectionEnd'].join('\n');
      for (const [name, script] of [[`i-${mode}.nsi`, i], [`u-${mode}.nsi`, u]] as const) {
        writeFileSync(join(dir, name), script);
        const out = execFileSync(makensis!, ['-WX', '-V4', join(dir, name)], { encoding: 'utf8' });
        const m = /certdesk-limits (\d+) (\d+) (\d+)/.exec(out);
        expect(m, out).not.toBeNull();
        const max = Number(m![1]);
        expect([Number(m![2]), Number(m![3])]).toEqual([max - 1, max - 2]);
      }
      expect(existsSync(join(dir, `i-${mode}.exe`)) && existsSync(join(dir, `u-${mode}.exe`))).toBe(true);
    }
  });
});
