// `certdesk` as installed (issue 19): the Unix launcher run for real through the deb's
// symlink and the macOS layout (arguments, output, input and exit code are the app's own);
// the Windows launcher (it cannot run here) checked line by line; the deb's after-install
// script equal to electron-builder's but for the link; the NSIS include's main lines
// (its run and its makensis compile: test/installer/nsis-include.test.ts).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, run } from '../support/cli-world';

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

const ROOT_SWITCHES = process.getuid?.() === 0 && process.platform === 'linux' ? ['--no-sandbox'] : [];
const ARGS = ['status', '--json', 'two words', 'quote"d', "it's", '日本語', '$HOME', '*', ''];

describe('the Unix launcher', () => {
  it('deb: /usr/bin/certdesk → /opt/<app>/bin/certdesk runs the app --headless with every argument intact, its output, input and exit code', async () => {
    const root = join(dir, 'deb');
    layout(join(root, 'opt', 'CertDesk 電子証明書', 'certdesk'), join(root, 'opt', 'CertDesk 電子証明書', 'bin', 'certdesk'));
    mkdirSync(join(root, 'usr', 'bin'), { recursive: true });
    symlinkSync(join(root, 'opt', 'CertDesk 電子証明書', 'bin', 'certdesk'), join(root, 'usr', 'bin', 'certdesk'));
    const r = await run(join(root, 'usr', 'bin', 'certdesk'), ARGS, { input: 'typed' });
    expect(r.code).toBe(6);
    // As root on Linux (this test's CI), Chromium's sandbox is switched off before --headless.
    expect(r.stdout).toBe([...ROOT_SWITCHES, '--headless', ...ARGS].map((a) => `arg:${a}\n`).join('') + 'stdin:typed\n');
    expect(r.stderr).toBe('to stderr\n');
  });

  it('macOS: Contents/Resources/bin/certdesk runs Contents/MacOS/<executable>', async () => {
    const contents = join(dir, 'CertDesk 電子証明書.app', 'Contents');
    layout(join(contents, 'MacOS', 'CertDesk 電子証明書'), join(contents, 'Resources', 'bin', 'certdesk'));
    const r = await run(join(contents, 'Resources', 'bin', 'certdesk'), ['--version']);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe([...ROOT_SWITCHES, '--headless', '--version'].map((a) => `arg:${a}\n`).join('') + 'stdin:\n');
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
    // Ours: the shebang, four lines of our own comment, then the builder's lines after its shebang,
    // then CertDesk's own part (test/installer/deb-scripts.test.ts runs it).
    const expected = theirs.slice(1).map((l) => l.replaceAll("'/opt/${sanitizedProductName}/${executable}'", "'/opt/${sanitizedProductName}/bin/certdesk'"));
    expect(ours.slice(5, 5 + expected.length)).toEqual(expected);
    expect(ours[5 + expected.length]).toMatch(/^# CertDesk \(docs\/it-guide\.md/);
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
  });

  // cmd cannot run here: the folder loop is read line by line (issue 24 item 6) and then run
  // through a model of exactly those lines (set, set /a, mkdir … && goto, if … lss … goto, echo,
  // exit /b), any other line being an error.
  it('a private folder: at most 10 tries, then a message on stderr and exit 1 (a missing, read-only or full %TEMP% never loops forever)', () => {
    const from = lines.indexOf('set "CERTDESK_TRY=0"');
    const to = lines.indexOf(':madefolder');
    expect(lines.slice(from, to + 1)).toEqual([
      'set "CERTDESK_TRY=0"',
      ':newfolder',
      'set /a CERTDESK_TRY+=1',
      'set "CERTDESK_RUN=%TEMP%\\certdesk-%RANDOM%%RANDOM%%RANDOM%"',
      'mkdir "%CERTDESK_RUN%" 2>nul && goto madefolder',
      'if %CERTDESK_TRY% lss 10 goto newfolder',
      'echo certdesk: could not create a folder in "%TEMP%" (10 tries): check that TEMP names a folder that exists, that you may write and that has free space. 1>&2',
      'exit /b 1',
      ':madefolder',
    ]);
    // The only jump back is the counted one.
    expect(lines.filter((l) => /goto\s+newfolder/i.test(l))).toEqual(['if %CERTDESK_TRY% lss 10 goto newfolder']);
    expect(lines.findIndex((l) => l.includes('"%CERTDESK_EXE%" --headless'))).toBeGreaterThan(to);

    const run = (mkdirWorks: (attempt: number) => boolean) => {
      const body = lines.slice(from, to + 1);
      const env = new Map<string, string>([['TEMP', 'C:\\T']]);
      const expand = (s: string) => s.replace(/%([A-Z_]+)%/g, (_m, v: string) => (v === 'RANDOM' ? '7' : env.get(v) ?? ''));
      let pc = 0;
      let mkdirs = 0;
      const stderr: string[] = [];
      for (let steps = 0; steps < 1000; steps++) {
        const l = body[pc]!;
        let m: RegExpExecArray | null;
        if (l.startsWith(':')) pc++;
        else if ((m = /^set "([A-Z_]+)=(.*)"$/.exec(l))) { env.set(m[1]!, expand(m[2]!)); pc++; }
        else if ((m = /^set \/a ([A-Z_]+)\+=1$/.exec(l))) { env.set(m[1]!, String(Number(env.get(m[1]!)) + 1)); pc++; }
        else if ((m = /^mkdir ".*" 2>nul && goto (\w+)$/.exec(l))) pc = mkdirWorks(++mkdirs) ? body.indexOf(`:${m[1]}`) : pc + 1;
        else if ((m = /^if (%\w+%) lss (\d+) goto (\w+)$/.exec(l))) pc = Number(expand(m[1]!)) < Number(m[2]) ? body.indexOf(`:${m[3]}`) : pc + 1;
        else if ((m = /^echo (.*) 1>&2$/.exec(l))) { stderr.push(expand(m[1]!)); pc++; }
        else if ((m = /^exit \/b (\d+)$/.exec(l))) return { exit: Number(m[1]), mkdirs, stderr };
        else throw new Error(`not modelled: ${l}`);
        if (pc === body.length - 1) return { exit: null, mkdirs, stderr, folder: env.get('CERTDESK_RUN') };
      }
      throw new Error('endless loop');
    };
    expect(run(() => false)).toEqual({ exit: 1, mkdirs: 10, stderr: ['certdesk: could not create a folder in "C:\\T" (10 tries): check that TEMP names a folder that exists, that you may write and that has free space.'] });
    expect(run((n) => n === 3)).toEqual({ exit: null, mkdirs: 3, stderr: [], folder: 'C:\\T\\certdesk-777' });
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
  // Run line by line for both modes, and compiled by makensis -WX: test/installer/nsis-include.test.ts.
  const nsh = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8');

  it('puts <install folder>\\bin on the user\'s or the machine\'s PATH, registers the event source per machine, and undoes both', () => {
    expect(nsh).toContain('!define CERTDESK_ENV_HKLM "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment"');
    expect(nsh).toContain('!insertmacro CERTDESK_ADD_TO_PATH HKLM');
    expect(nsh).toContain('!insertmacro CERTDESK_ADD_TO_PATH HKCU');
    expect(nsh).toContain('!insertmacro CERTDESK_REMOVE_FROM_PATH HKLM');
    expect(nsh).toContain('!insertmacro CERTDESK_REMOVE_FROM_PATH HKCU');
    expect(nsh).toContain('WriteRegExpandStr HKLM "${CERTDESK_EVENT_SOURCE}" "EventMessageFile" "%SystemRoot%\\System32\\EventCreate.exe"');
    expect(nsh).toContain('DeleteRegKey HKLM "${CERTDESK_EVENT_SOURCE}"');
    expect(nsh).toContain('SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000');
    // The value is never deleted (issue 24 item 1).
    expect(nsh).not.toMatch(/DeleteRegValue[^\n]*"Path"/);
  });
});

describe('macOS packaging files', () => {
  it('the entitlements grant only what Electron needs (allow-jit)', () => {
    const plist = readFileSync(join(ROOT, 'build/entitlements.mac.plist'), 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });

  it('the pkg postinstall links /usr/local/bin/certdesk to the launcher', () => {
    const post = readFileSync(join(ROOT, 'build/pkg-scripts/postinstall'), 'utf8');
    expect(post).toContain('cli="$app/Contents/Resources/bin/certdesk"');
    // Run as root with planted links: test/installer/pkg-postinstall.test.ts.
    expect(post).toContain('ln -sfn "$cli" "$link"');
    expect(execFileSync('stat', ['-c', '%a', join(ROOT, 'build/pkg-scripts/postinstall')]).toString().trim()).toBe('755');
  });
});
