// `certdesk` as installed (issue 19): the Unix launcher run for real through the deb's
// symlink and the macOS layout (arguments, output, input and exit code are the app's own);
// the Windows launcher (it cannot run here) checked line by line; the deb's after-install
// script equal to electron-builder's but for the link; the NSIS include compiled by makensis
// with -WX, as electron-builder does, for the installer and the uninstaller.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandPath } from '../support/required';
import { ROOT, run } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'certdesk-launcher-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the packaged app: prints each argument on its own line, echoes stdin, writes stderr, exits 6. */
const FAKE_APP = `#!/bin/sh
for a in "$@"; do printf 'arg:%s\\n' "$a"; done
printf 'stdin:%s\\n' "$(cat)"
echo 'to stderr' >&2
exit 6
`;

function layout(appPath: string, launcherPath: string): void {
  for (const p of [appPath, launcherPath]) mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(appPath, FAKE_APP, { mode: 0o755 });
  copyFileSync(join(ROOT, 'build/unix/certdesk'), launcherPath);
  execFileSync('chmod', ['+x', launcherPath]);
}

const ARGS = ['status', '--json', 'two words', 'quote"d', "it's", '日本語', '$HOME', '*', ''];

describe('the Unix launcher', () => {
  it('deb: /usr/bin/certdesk → /opt/<app>/bin/certdesk runs the app --headless with every argument intact, its output, input and exit code', async () => {
    const root = join(dir, 'deb');
    layout(join(root, 'opt', 'CertDesk 電子証明書', 'certdesk'), join(root, 'opt', 'CertDesk 電子証明書', 'bin', 'certdesk'));
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    symlinkSync(join(root, 'opt', 'CertDesk 電子証明書', 'bin', 'certdesk'), join(root, 'usr', 'bin', 'certdesk'));
    const r = await run(join(root, 'usr', 'bin', 'certdesk'), ARGS, { input: 'typed' });
    expect(r.code).toBe(6);
    expect(r.stdout).toBe(['--headless', ...ARGS].map((a) => `arg:${a}\n`).join('') + 'stdin:typed\n');
    expect(r.stderr).toBe('to stderr\n');
  });

  it('macOS: Contents/Resources/bin/certdesk runs Contents/MacOS/<executable>', async () => {
    const contents = join(dir, 'CertDesk 電子証明書.app', 'Contents');
    layout(join(contents, 'MacOS', 'CertDesk 電子証明書'), join(contents, 'Resources', 'bin', 'certdesk'));
    const r = await run(join(contents, 'Resources', 'bin', 'certdesk'), ['--version']);
    expect(r.code).toBe(6);
    expect(r.stdout).toContain('arg:--headless\narg:--version\n');
  });

  it('without the app beside it: exit 1 and what to do', async () => {
    const alone = join(dir, 'alone', 'bin', 'certdesk');
    mkdirSync(join(alone, '..'), { recursive: true });
    copyFileSync(join(ROOT, 'build/unix/certdesk'), alone);
    execFileSync('chmod', ['+x', alone]);
    const r = await run(alone, ['status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reinstall CertDesk');
  });

  it("the deb's after-install script is electron-builder's, with /usr/bin/certdesk linked to the launcher", () => {
    const ours = readFileSync(join(ROOT, 'build/linux/after-install.tpl'), 'utf8').split('\n');
    const theirs = readFileSync(join(ROOT, 'node_modules/app-builder-lib/templates/linux/after-install.tpl'), 'utf8').split('\n');
    // Ours: the shebang, four lines of our own comment, then the builder's lines after its shebang.
    const body = ours.slice(5);
    const expected = theirs.slice(1).map((l) => l.replaceAll("'/opt/${sanitizedProductName}/${executable}'", "'/opt/${sanitizedProductName}/bin/certdesk'"));
    expect(body).toEqual(expected);
    expect(ours[0]).toBe('#!/bin/bash');
    expect(ours.join('\n')).toContain("ln -sf '/opt/${sanitizedProductName}/bin/certdesk' '/usr/bin/${executable}'");
  });
});

describe('the Windows launcher (bin\\certdesk.cmd)', () => {
  const text = readFileSync(join(ROOT, 'build/win/certdesk.cmd'), 'latin1');
  const lines = text.split('\r\n');

  it('is ASCII with CRLF line ends (cmd reads a batch file in the console code page)', () => {
    expect(/^[\x20-\x7e\r\n]*$/.test(text)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('runs the app one folder up, headless, with every argument, output to a private folder, stdin empty; keeps its exit code', () => {
    expect(lines).toContain('set "CERTDESK_EXE=%~dp0..\\certdesk.exe"');
    const i = lines.indexOf('"%CERTDESK_EXE%" --headless %* >"%CERTDESK_RUN%\\out.txt" 2>"%CERTDESK_RUN%\\err.txt" <nul');
    expect(i).toBeGreaterThan(0);
    // The exit code is read on the very next line, before any other command changes ERRORLEVEL.
    expect(lines[i + 1]).toBe('set "CERTDESK_CODE=%ERRORLEVEL%"');
    expect(lines.filter((l) => l.trim() !== '').at(-1)).toBe('exit /b %CERTDESK_CODE%');
    // No `start`: cmd waits for a GUI program called from a batch file, and start would not.
    expect(lines.filter((l) => !l.startsWith('rem') && /\bstart\b/i.test(l))).toEqual([]);
    expect(lines).toContain('mkdir "%CERTDESK_RUN%" 2>nul || goto newfolder');
  });

  it('shows stderr then stdout as they came (UTF-8, code page 65001 on a console, restored after), then removes the folder', () => {
    // chcp.com by full path (cmd runs a bare name from the current folder first).
    expect(lines).toContain('set "CERTDESK_CHCP=%SystemRoot%\\System32\\chcp.com"');
    expect(lines).toContain('for /f "tokens=2 delims=:" %%c in (\'"%CERTDESK_CHCP%"\') do set "CERTDESK_CP=%%c"');
    expect(lines.filter((l) => !l.startsWith('rem') && /(^|[\s(']|\)\s)chcp\b/i.test(l))).toEqual([]);
    const order = ['"%CERTDESK_CHCP%" 65001', 'type "%CERTDESK_RUN%\\err.txt" 1>&2', 'type "%CERTDESK_RUN%\\out.txt"', '"%CERTDESK_CHCP%" %CERTDESK_CP: =%', 'rmdir /s /q "%CERTDESK_RUN%"'];
    const at = order.map((s) => lines.findIndex((l) => l.includes(s)));
    expect(at.every((x) => x > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});

describe('the NSIS include (build/installer.nsh)', () => {
  const nsh = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8');

  it('puts <install folder>\\bin on the user\'s or the machine\'s PATH, registers the event source per machine, and undoes both', () => {
    expect(nsh).toContain('!insertmacro CERTDESK_ADD_TO_PATH HKCU "${CERTDESK_USER_ENV}"');
    expect(nsh).toContain('!insertmacro CERTDESK_ADD_TO_PATH HKLM "${CERTDESK_MACHINE_ENV}"');
    expect(nsh).toContain('!define CERTDESK_MACHINE_ENV "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"');
    expect(nsh).toContain('StrCpy $R2 "$R2;$INSTDIR\\bin"');
    expect(nsh).toContain('WriteRegExpandStr HKLM "${CERTDESK_EVENT_SOURCE}" "EventMessageFile" "%SystemRoot%\\System32\\EventCreate.exe"');
    expect(nsh).toContain('!define CERTDESK_EVENT_SOURCE "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\CertDesk"');
    expect(nsh).toContain('DeleteRegKey HKLM "${CERTDESK_EVENT_SOURCE}"');
    expect(nsh).toContain('!insertmacro CERTDESK_REMOVE_FROM_PATH HKCU "${CERTDESK_USER_ENV}"');
    expect(nsh).toContain('SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000');
  });

  const makensis = commandPath('makensis', 'nsis', 'the NSIS include compile');
  it.skipIf(!makensis)('compiles with -WX (as electron-builder runs makensis) for the installer and the uninstaller', () => {
    const include = join(ROOT, 'build/installer.nsh');
    const installer = ['Unicode true', 'Var installMode', `OutFile "${join(dir, 'i.exe')}"`, 'RequestExecutionLevel user', `!include "${include}"`,
      'Section', '  StrCpy $installMode "CurrentUser"', '  !insertmacro customInstall', 'SectionEnd'].join('\n');
    const uninstaller = ['Unicode true', '!define BUILD_UNINSTALLER', 'Var installMode', `OutFile "${join(dir, 'u.exe')}"`, 'RequestExecutionLevel user', `!include "${include}"`,
      'Section', '  WriteUninstaller "$TEMP\\u.exe"', 'SectionEnd', 'Section "Uninstall"', '  StrCpy $installMode "all"', '  !insertmacro customUnInstall', 'SectionEnd'].join('\n');
    for (const [name, script] of [['i.nsi', installer], ['u.nsi', uninstaller]] as const) {
      writeFileSync(join(dir, name), script);
      execFileSync(makensis!, ['-WX', '-V2', join(dir, name)], { stdio: 'pipe' });
    }
    expect(existsSync(join(dir, 'i.exe')) && existsSync(join(dir, 'u.exe'))).toBe(true);
  });
});

describe('macOS packaging files', () => {
  it('the entitlements grant only what Electron needs (allow-jit)', () => {
    const plist = readFileSync(join(ROOT, 'build/entitlements.mac.plist'), 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('the pkg postinstall links /usr/local/bin/certdesk to the launcher and never replaces a file that is not a link', () => {
    const post = readFileSync(join(ROOT, 'build/pkg-scripts/postinstall'), 'utf8');
    expect(post).toContain('target="$app/Contents/Resources/bin/certdesk"');
    expect(post).toContain('if [ ! -e /usr/local/bin/certdesk ] || [ -L /usr/local/bin/certdesk ]; then');
    expect(execFileSync('stat', ['-c', '%a', join(ROOT, 'build/pkg-scripts/postinstall')]).toString().trim()).toBe('755');
  });
});
