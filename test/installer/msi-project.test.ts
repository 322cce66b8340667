// The MSI (issue 25 item 3): electron-builder's own MsiTarget writes its WiX project for a
// stand-in app folder, electron-builder's own hook resolver loads build/msi/project-created.cjs
// from electron-builder.yml (msiProjectCreated) and runs it on that file, and the result is
// parsed and checked element by element. candle/light (WiX) do not run here, and Debian's
// wixl 0.101 knows neither Environment nor PermissionEx under CreateFolder, so the MSI's tables
// cannot be built and read back with msiinfo here: the project text is what is checked.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ICACLS_FIX } from '../../src/main/core/config/machine-trust';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..', '..');
const yaml = require('js-yaml') as { load(text: string): unknown };
const { DOMParser } = require('@xmldom/xmldom') as { DOMParser: new (o?: unknown) => { parseFromString(s: string, type: string): Doc } };
require('app-builder-lib'); // loads the library in its own order (MsiTarget alone hits a require cycle)
const MsiTarget = (require('app-builder-lib/out/targets/MsiTarget') as { default: new (p: unknown, out: string) => MsiLike }).default;
const { getEffectiveOptions } = require('app-builder-lib/out/options/CommonWindowsInstallerConfiguration') as { getEffectiveOptions(o: unknown, p: unknown): unknown };
const { resolveFunction } = require('app-builder-lib/out/util/resolve') as { resolveFunction(type: string, executor: unknown, name: string, root: string): Promise<(file: string) => Promise<void>> };
const hook = require(join(ROOT, 'build/msi/project-created.cjs')) as { addCertDesk(s: string): string; POLICY_SDDL: string };
/** The little of the DOM the checks read (xmldom's nodes; the Node tsconfig has no DOM lib). */
interface El { getAttribute(n: string): string | null; attributes: ArrayLike<{ name: string; value: string }>; parentNode: unknown; textContent: string | null; getElementsByTagName(tag: string): ArrayLike<El> }
type Doc = { getElementsByTagName(tag: string): ArrayLike<El> };
interface MsiLike { options: unknown; writeManifest(appOutDir: string, arch: number, o: unknown): Promise<string> }

const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & { win: unknown; msi: Record<string, unknown> };
const dir = mkdtempSync(join(tmpdir(), 'certdesk-msi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** electron-builder's project for an app folder laid out as the Windows build lays it out. */
async function builderProject(): Promise<string> {
  const app = join(dir, 'win-unpacked');
  for (const f of ['certdesk.exe', 'resources/app.asar', 'bin/certdesk.cmd', 'ffmpeg.dll']) {
    mkdirSync(join(app, f, '..'), { recursive: true });
    writeFileSync(join(app, f), '');
  }
  const packager = {
    config,
    platformSpecificBuildOptions: config.win,
    fileAssociations: [],
    // executableName: certdesk, so productFilename is "certdesk" (app-builder-lib AppInfo).
    appInfo: { productFilename: 'certdesk', productName: config.productName, sanitizedProductName: config.productName, sanitizedName: 'certdesk', id: config.appId, companyName: 'CertDesk', description: '', getVersionInWeirdWindowsForm: () => '0.1.0.0' },
    getIconPath: () => Promise.resolve('C:\\icon.ico'),
    compression: 'normal',
    expandMacro: (s: string) => s,
    info: {},
  };
  const target = new MsiTarget(packager, dir);
  return target.writeManifest(app, 1 /* x64 */, getEffectiveOptions(target.options, packager));
}

const parse = (text: string): Doc => {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level: string, msg: string) => errors.push(`${level}: ${msg}`) }).parseFromString(text, 'text/xml');
  expect(errors).toEqual([]);
  return doc;
};
const all = (doc: Doc, tag: string): El[] => Array.from(doc.getElementsByTagName(tag));
const attrs = (e: El) => Object.fromEntries(Array.from(e.attributes).map((a) => [a.name, a.value]));
const byId = (doc: Doc, tag: string, id: string) => all(doc, tag).find((e) => e.getAttribute('Id') === id)!;

describe('the MSI: electron-builder\'s WiX project with CertDesk\'s additions', () => {
  it('electron-builder.yml names the hook; electron-builder\'s resolver loads it and it rewrites the project file', async () => {
    expect(config.msiProjectCreated).toBe('./build/msi/project-created.cjs');
    const fn = await resolveFunction('module', config.msiProjectCreated, 'msiProjectCreated', ROOT);
    const file = join(dir, 'project.wxs');
    writeFileSync(file, await builderProject());
    await fn(file);
    const doc = parse(readFileSync(file, 'utf8'));
    expect(all(doc, 'ComponentGroup').map((g) => g.getAttribute('Id')).sort()).toEqual(['CertDeskSystem', 'ProductComponents']);
    // Installed with the product's one feature, which cannot be left out.
    const feature = byId(doc, 'Feature', 'ProductFeature');
    expect(all(feature, 'ComponentGroupRef').map((r) => r.getAttribute('Id'))).toEqual(['ProductComponents', 'CertDeskSystem']);
    expect(feature.getAttribute('Absent')).toBe('disallow');
  });

  it('per machine: PATH gets <install folder>\\bin appended and exactly that part removed at uninstall (Environment table)', async () => {
    const doc = parse(hook.addCertDesk(await builderProject()));
    expect(byId(doc, 'Directory', 'APPLICATIONFOLDER').getAttribute('Name')).toBe('certdesk');
    expect(all(doc, 'Property').find((p) => p.getAttribute('Id') === 'ALLUSERS')!.getAttribute('Value')).toBe('1');
    const env = all(doc, 'Environment');
    expect(env.map(attrs)).toEqual([{ Id: 'CertDeskPath', Name: 'PATH', Value: '[APPLICATIONFOLDER]bin', Part: 'last', Action: 'set', System: 'yes', Permanent: 'no' }]);
    // bin\certdesk.cmd is in the package, in that folder.
    expect(all(doc, 'File').some((f) => f.getAttribute('Name') === 'certdesk.cmd' && f.getAttribute('Source')!.endsWith('/bin/certdesk.cmd'))).toBe(true);
  });

  it('the event log source, the certdesk: scheme for every user (the command the app and the NSIS include register)', async () => {
    const doc = parse(hook.addCertDesk(await builderProject()));
    const keys = all(doc, 'RegistryKey');
    const event = keys.find((k) => k.getAttribute('Key') === 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\CertDesk')!;
    expect(event.getAttribute('Root')).toBe('HKLM');
    expect(all(event, 'RegistryValue').map(attrs)).toEqual([
      { Name: 'EventMessageFile', Type: 'expandable', Value: '%SystemRoot%\\System32\\EventCreate.exe', KeyPath: 'yes' },
      { Name: 'TypesSupported', Type: 'integer', Value: '7' },
      { Name: 'CustomSource', Type: 'integer', Value: '1' },
    ]);
    const scheme = keys.find((k) => k.getAttribute('Key') === 'Software\\Classes\\certdesk')!;
    expect(scheme.getAttribute('Root')).toBe('HKLM');
    expect(all(scheme, 'RegistryValue').map(attrs)).toEqual([{ Type: 'string', Value: 'URL:certdesk', KeyPath: 'yes' }, { Name: 'URL Protocol', Type: 'string', Value: '' }]);
    const command = all(doc, 'RegistryValue').find((v) => v.getAttribute('Key') === 'Software\\Classes\\certdesk\\shell\\open\\command')!;
    expect(command.getAttribute('Value')).toBe('"[APPLICATIONFOLDER]certdesk.exe" "--" "%1"');
    const nsh = readFileSync(join(ROOT, 'build/installer.nsh'), 'utf8');
    expect(nsh).toContain(`'${command.getAttribute('Value')!.replace('[APPLICATIONFOLDER]', '$INSTDIR\\')}'`);
  });

  it('%ProgramData%\\CertDesk with the same rights as the NSIS include\'s icacls, by SID: inheritance off, SYSTEM and Administrators full, Users read and execute', async () => {
    const doc = parse(hook.addCertDesk(await builderProject()));
    const folder = byId(doc, 'Directory', 'CERTDESKPOLICYDIR');
    expect(folder.getAttribute('Name')).toBe('CertDesk');
    expect((folder.parentNode as El).getAttribute('Id')).toBe('CommonAppDataFolder');
    const comp = byId(doc, 'Component', 'CertDeskPolicyFolder');
    expect(comp.getAttribute('Directory')).toBe('CERTDESKPOLICYDIR');
    expect(all(comp, 'PermissionEx').map(attrs)).toEqual([{ Sddl: hook.POLICY_SDDL }]);
    // The same ACL, written two ways: icacls's grants ↔ the SDDL's ACEs.
    const grants = [...ICACLS_FIX.matchAll(/\*(S-[\d-]+):\(OI\)\(CI\)(F|RX)/g)].map((m) => [m[1], m[2]]);
    const SID = { SY: 'S-1-5-18', BA: 'S-1-5-32-544', BU: 'S-1-5-32-545' } as Record<string, string>;
    const RIGHT = { FA: 'F', '0x1200a9': 'RX' } as Record<string, string>;
    const aces = [...hook.POLICY_SDDL.matchAll(/\(A;OICI;([^;]+);;;(\w+)\)/g)].map((m) => [SID[m[2]!], RIGHT[m[1]!]]);
    expect(aces).toEqual(grants);
    expect(ICACLS_FIX.startsWith('/inheritance:r ')).toBe(true);
    expect(hook.POLICY_SDDL.startsWith('D:P')).toBe(true); // protected: nothing inherited from ProgramData
    expect(hook.POLICY_SDDL).not.toMatch(/^O:|\bO:/); // the owner is left as it is
  });

  it('the scheduled check for every user: installed after the files, removed before they go at a removal but not at an upgrade; never fails the install', async () => {
    const doc = parse(hook.addCertDesk(await builderProject()));
    expect(all(doc, 'File').filter((f) => f.getAttribute('Id') === 'mainExecutable').map((f) => f.getAttribute('Name'))).toEqual(['certdesk.exe']);
    const ca = (id: string) => attrs(byId(doc, 'CustomAction', id));
    expect(ca('CertDeskScheduleInstall')).toEqual({ Id: 'CertDeskScheduleInstall', FileKey: 'mainExecutable', ExeCommand: '--headless schedule install --all-users', Execute: 'deferred', Impersonate: 'no', Return: 'ignore' });
    expect(ca('CertDeskScheduleRemove')).toEqual({ Id: 'CertDeskScheduleRemove', FileKey: 'mainExecutable', ExeCommand: '--headless schedule remove --all-users', Execute: 'deferred', Impersonate: 'no', Return: 'ignore' });
    const custom = all(doc, 'Custom').map((c) => ({ ...attrs(c), when: c.textContent!.trim() }));
    expect(custom).toEqual([
      { Action: 'CertDeskScheduleInstall', After: 'InstallFiles', when: 'NOT (REMOVE~="ALL")' },
      { Action: 'CertDeskScheduleRemove', Before: 'RemoveFiles', when: 'REMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE' },
    ]);
    expect(all(doc, 'InstallExecuteSequence')).toHaveLength(1);
  });

  it('stable, distinct component GUIDs; a changed template or a second run is refused with a message', async () => {
    const project = await builderProject();
    const doc = parse(hook.addCertDesk(project));
    const guids = all(doc, 'Component').map((c) => c.getAttribute('Guid')).filter((g): g is string => !!g);
    expect(guids).toHaveLength(4);
    expect(new Set(guids).size).toBe(4);
    for (const g of guids) expect(g).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(hook.addCertDesk(project)).toBe(hook.addCertDesk(project));
    expect(() => hook.addCertDesk(project.replace('Id="mainExecutable"', ''))).toThrow(/electron-builder's WiX project has changed/);
    expect(() => hook.addCertDesk(hook.addCertDesk(project))).toThrow(/already has CertDesk's additions/);
  });
});
