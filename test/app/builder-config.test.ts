// electron-builder.yml: valid against electron-builder's own JSON schema, every target
// the issue asks for, the fuses, a stable MSI upgradeCode, and icons that exist.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
// Both come with electron-builder (app-builder-lib depends on them).
const Ajv = require('ajv') as typeof import('ajv').default;
const yaml = require('js-yaml') as { load(text: string): unknown };
const root = process.cwd();
const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
// The parts read here; the schema test checks the whole shape.
type Section = Record<string, unknown> & { target?: Array<{ target: string }>; icon: string };
interface Config {
  [k: string]: unknown;
  appId: string;
  productName: string;
  electronFuses: Record<string, boolean>;
  win: Section;
  mac: Section;
  linux: Section;
  nsis: Record<string, unknown> & { installerIcon: string };
  msi: Record<string, unknown> & { upgradeCode: string };
}
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Config;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const targets = (platform: 'win' | 'mac' | 'linux'): string[] => (config[platform].target ?? []).map((t) => t.target);

describe('electron-builder.yml', () => {
  it('validates against app-builder-lib/scheme.json', () => {
    expect(validate(config), JSON.stringify(validate.errors, null, 1)).toBe(true);
  });

  it('the validator catches a wrong field (the check can fail)', () => {
    expect(validate({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).toBe(false);
    expect(validate({ ...config, msi: { ...config.msi, perUser: true } })).toBe(false);
  });

  it('lists every target: NSIS + MSI, dmg + pkg, deb + AppImage', () => {
    expect(targets('win')).toEqual(['nsis', 'msi']);
    expect(targets('mac')).toEqual(['dmg', 'pkg']);
    expect(targets('linux')).toEqual(['deb', 'AppImage']);
  });

  it('names the app, offers per-user and per-machine NSIS, a stable MSI upgradeCode', () => {
    expect(config.appId).toMatch(/^[a-z0-9.]+$/);
    expect(config.productName).toBe('CertDesk 電子証明書');
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true });
    expect(config.msi.perMachine).toBe(true);
    expect(config.msi.upgradeCode).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  });

  it('sets the fuses: no RunAsNode, no inspect, no NODE_OPTIONS, asar only and verified', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeCliInspectArguments: false,
      enableNodeOptionsEnvironmentVariable: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('the native addons (keytar, pkcs11js) are runtime dependencies, unpacked from the asar archive, never rebuilt', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const addon of ['keytar', 'pkcs11js']) {
      expect(pkg.dependencies[addon], addon).toBeDefined();
      expect(existsSync(join(root, 'node_modules', addon, 'build/Release')), addon).toBe(true);
    }
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(false);
  });

  it('every icon exists and has the format its platform needs', () => {
    const ico = readFileSync(join(root, config.win.icon));
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1); // ICO
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
    expect(sizes).toContain(256);
    expect(sizes).toContain(16);
    const icns = readFileSync(join(root, config.mac.icon));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    for (const type of ['ic09', 'ic10']) expect(icns.includes(Buffer.from(type, 'ascii')), type).toBe(true);
    for (const s of [16, 32, 48, 64, 128, 256, 512]) {
      const png = readFileSync(join(root, config.linux.icon, `${s}x${s}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([s, s]);
    }
    for (const f of ['assets/icon.svg', 'assets/icon.png', 'assets/icon-256.png', config.nsis.installerIcon]) expect(existsSync(join(root, f)), f).toBe(true);
  });

  it('registers the certdesk: scheme, and the .desktop file electron-builder writes handles it (MimeType, %U)', async () => {
    expect(config.protocols).toEqual([{ name: 'CertDesk', schemes: ['certdesk'] }]);
    // electron-builder's own desktop-entry writer, given this config: the scheme comes from `protocols` alone.
    const { LinuxTargetHelper } = require('app-builder-lib/out/targets/LinuxTargetHelper') as {
      LinuxTargetHelper: new (p: unknown) => { computeDesktopEntry(o: unknown): Promise<string> };
    };
    const packager = {
      config,
      platformSpecificBuildOptions: config.linux,
      fileAssociations: [],
      executableName: 'certdesk',
      appInfo: { productName: config.productName, sanitizedProductName: 'CertDesk', description: '' },
      info: { metadata: { desktopName: 'certdesk.desktop' } },
    };
    const entry = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux);
    expect(entry).toMatch(/^MimeType=x-scheme-handler\/certdesk;$/m);
    expect(entry).toMatch(/^Exec=.* %U$/m);
  });
});


describe('electron-builder.yml: the command line, the built-in policy and signing (issue 19)', () => {
  const raw = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  type Copy = { from: string; to: string; filter?: string[] };
  const section = (k: string) => config[k] as Record<string, unknown>;

  it('installs `certdesk` on every OS: bin\\certdesk.cmd + the NSIS include (PATH), /opt/<app>/bin/certdesk + the deb link, the macOS launcher + pkg postinstall', () => {
    expect(config.win.extraFiles).toEqual([{ from: 'build/win/certdesk.cmd', to: 'bin/certdesk.cmd' }]);
    expect(config.nsis.include).toBe('build/installer.nsh');
    expect(config.linux.extraFiles).toEqual([{ from: 'build/unix/certdesk', to: 'bin/certdesk' }]);
    expect(section('deb').afterInstall).toBe('build/linux/after-install.tpl');
    expect(config.mac.extraResources).toEqual([{ from: 'build/unix/certdesk', to: 'bin/certdesk' }]);
    expect(section('pkg').scripts).toBe('../build/pkg-scripts');
    for (const f of ['build/win/certdesk.cmd', 'build/installer.nsh', 'build/unix/certdesk', 'build/linux/after-install.tpl', 'build/pkg-scripts/postinstall']) expect(existsSync(join(root, f)), f).toBe(true);
  });

  it('packs the bank\'s built-in policy from build/bank when there is one', () => {
    expect(config.extraResources as Copy[]).toContainEqual({ from: 'build/bank', to: '.', filter: ['policy.json', '*.pem'] });
  });

  it('signs from the release machine\'s environment: no certificate, password or key in the file; hardened runtime, minimal entitlements, notarisation', () => {
    expect(config.win.signtoolOptions).toEqual({ signingHashAlgorithms: ['sha256'], rfc3161TimeStampServer: 'http://timestamp.digicert.com' });
    expect(raw).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificateFile|certificatePassword|cscInstallerLink|cscInstallerKeyPassword)\s*:/m);
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true, entitlements: 'build/entitlements.mac.plist', entitlementsInherit: 'build/entitlements.mac.plist' });
    expect(existsSync(join(root, 'build/entitlements.mac.plist'))).toBe(true);
    expect(config.electronFuses.runAsNode).toBe(false);
  });
});
