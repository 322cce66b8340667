// docs/it-guide.md's installer table (issue 25 item 3, issue 24 item 1): every installer has a
// row, every row names the test that checks it and that test exists; the install folders are
// the ones electron-builder derives from electron-builder.yml; the PATH limits are the include's
// own; the Intune scripts call `certdesk` on PATH or by the full path each Windows installer
// uses (PowerShell cannot run here: the scripts are read, not run).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..', '..');
const guide = readFileSync(join(ROOT, 'docs/it-guide.md'), 'utf8');
const yaml = require('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { productName: string; executableName: string; win: { extraFiles: Array<{ to: string }> } };
const { sanitizeFileName } = require('builder-util/out/filename') as { sanitizeFileName(s: string): string };
const { getWindowsInstallationDirName } = require('app-builder-lib/out/targets/targetUtil') as { getWindowsInstallationDirName(appInfo: unknown, tryProductName: boolean): string };

const section = guide.slice(guide.indexOf('### What each installer does'), guide.indexOf('The packaged app is hardened'));
const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| installer') && !l.startsWith('|---')).map((l) => l.slice(2, -2).split(' | '));

describe('the guide: what each installer does', () => {
  it('one row per installer and scope, each naming a test that exists (dmg/AppImage: nothing to check)', () => {
    expect(rows.map((r) => r[0])).toEqual(['NSIS per machine (`/allusers`)', 'NSIS per user (`/currentuser`, the default)', 'MSI (per machine)', 'pkg (macOS, per machine)', 'deb (Linux, per machine)', 'dmg, AppImage (per user)']);
    for (const r of rows) {
      expect(r, r[0]).toHaveLength(9);
      const tests = [...r[8]!.matchAll(/`([^`]+\.test\.ts)`/g)].map((m) => m[1]!);
      if (r[0]!.startsWith('dmg')) expect(tests).toEqual([]);
      else expect(tests.length, r[0]).toBeGreaterThan(0);
      for (const t of tests) expect(existsSync(join(ROOT, t)), t).toBe(true);
    }
  });

  it('the install folders are electron-builder\'s for this config (named after executableName)', () => {
    // app-builder-lib AppInfo: productFilename is executableName when one is set.
    const productFilename = sanitizeFileName(config.executableName);
    const dir = getWindowsInstallationDirName({ productFilename, sanitizedName: 'certdesk' }, true);
    expect(dir).toBe('certdesk');
    expect(rows[0]![1]).toBe(`\`%ProgramFiles%\\${dir}\``);
    expect(rows[1]![1]).toBe(`\`%LOCALAPPDATA%\\Programs\\${dir}\``);
    expect(rows[2]![1]).toBe(`\`%ProgramFiles%\\${dir}\``);
    expect(rows[3]![1]).toBe(`\`/Applications/${productFilename}.app\``);
    expect(rows[4]![1]).toBe(`\`/opt/${sanitizeFileName(config.productName)}\``);
    // The pkg postinstall looks for that bundle first.
    expect(readFileSync(join(ROOT, 'build/pkg-scripts/postinstall'), 'utf8')).toContain(`for name in ${productFilename}.app `);
  });

  it('states the PATH limits the NSIS include works with', () => {
    const nsh = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8');
    expect(nsh).toContain('!define /math CERTDESK_READ_MAX ${NSIS_MAX_STRLEN} - 1');
    expect(nsh).toContain('!define /math CERTDESK_WRITE_MAX ${NSIS_MAX_STRLEN} - 2');
    expect(section).toContain('NSIS holds a string of at most 8,191 characters');
    expect(section).toContain('1,023 in stock NSIS');
    expect(section).toContain('longer than\n  8,190 characters with it');
    expect(section).toContain('never deletes the\n  value');
  });

  it('the Intune scripts call certdesk on PATH or by each Windows installer\'s full path, never a bare name', () => {
    const intune = guide.slice(guide.indexOf('## Intune, SCCM'), guide.indexOf('## Updates'));
    const blocks = [...intune.matchAll(/```powershell\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /certdesk (status|doctor|renew)/.test(b));
    expect(blocks).toHaveLength(2);
    const bin = config.win.extraFiles.map((f) => f.to.replace('/', '\\'));
    expect(bin).toEqual(['bin\\certdesk.cmd']);
    for (const b of blocks) {
      expect(b).toContain('$certdesk = (Get-Command certdesk -ErrorAction SilentlyContinue | Select-Object -First 1).Source');
      // %ProgramFiles% (NSIS per machine, MSI; 64-bit also from a 32-bit host) and %LOCALAPPDATA%\Programs (NSIS per user).
      expect(b).toContain(`@("$pf\\certdesk\\${bin[0]}", "$env:LOCALAPPDATA\\Programs\\certdesk\\${bin[0]}")`);
      expect(b).toContain('$pf = if ($env:ProgramW6432) { $env:ProgramW6432 } else { $env:ProgramFiles }');
      for (const line of b.split('\n').filter((l) => /\bcertdesk (status|doctor|renew)\b/.test(l))) expect(line, line).toMatch(/& \$certdesk (status|doctor|renew)/);
    }
  });
});
