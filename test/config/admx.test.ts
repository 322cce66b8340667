// The Group Policy template (build/admx): well-formed XML, one policy per registry value the
// registry layer reads, every string and presentation in both languages, and each setting's
// range, choices and type accepted by the real loader exactly as far as the schema goes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { FIELDS } from '../../src/main/core/config/policy';
import type { RegistryKey, RegistryValue } from '../../src/main/core/config/registry';
import { adminOnlyAcl } from './acl-fixture';

const root = join(import.meta.dirname, '..', '..', 'build', 'admx');
const admx = readFileSync(join(root, 'CertDesk.admx'), 'utf8');
const admls = { en: readFileSync(join(root, 'en-US', 'CertDesk.adml'), 'utf8'), ja: readFileSync(join(root, 'ja-JP', 'CertDesk.adml'), 'utf8') };

let dir: string;
let anchor: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-admx-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Root', '-days', '30',
    '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'root.pem')], { stdio: 'ignore' });
  anchor = join(dir, 'root.pem');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Setting {
  name: string;
  kind: 'text' | 'decimal' | 'enum' | 'boolean';
  min?: number;
  max?: number;
  items?: string[];
}
const settings: Setting[] = [...admx.matchAll(/<policy name="([^"]+)"[\s\S]*?<\/policy>/g)].map((m) => {
  const body = m[0];
  const name = m[1]!;
  expect(body).toContain('key="Software\\Policies\\CertDesk"');
  const dec = /<decimal id="[^"]+" valueName="([^"]+)" required="true" minValue="(\d+)" maxValue="(\d+)"/.exec(body);
  if (dec) return { name, kind: 'decimal', min: Number(dec[2]), max: Number(dec[3]) };
  if (/<enum /.test(body)) return { name, kind: 'enum', items: [...body.matchAll(/<string>([^<]+)<\/string>/g)].map((x) => x[1]!) };
  if (/<enabledValue>/.test(body)) return { name, kind: 'boolean' };
  return { name, kind: 'text' };
});

/** A value for each text setting that the schema accepts. */
const TEXT: Record<string, string> = {
  bankName: 'テスト銀行', endpoint: 'https://est.bank.example/.well-known/est', reminderDays: '[30,10]', proxy: 'direct', stores: '["os","firefox"]',
  bankSiteUrl: 'https://bank.example/', bankLoginUrl: 'https://bank.example/login', newPcGuideUrl: 'https://bank.example/newpc', support: '{"name":"EBヘルプデスク","phone":"0120-000-000"}',
  acquireSubject: 'CN={loginId}', checkTime: '09:30', pkcs11: '{"module":"/usr/lib/softhsm/libsofthsm2.so","tokenLabel":"certdesk"}',
};
const reg = (values: Record<string, RegistryValue>): RegistryKey => ({ values: new Map(Object.entries(values)), subkeys: [] });
const sz = (value: string): RegistryValue => ({ type: 'REG_SZ', value });
const dword = (value: number): RegistryValue => ({ type: 'REG_DWORD', value });
const load = (values: Record<string, RegistryValue>) =>
  loadPolicy({ platform: 'win32', env: { APPDATA: join(dir, 'none') }, machineFile: join(dir, 'none', 'policy.json'), runPowerShell: adminOnlyAcl, readRegistry: async () => reg({ bankName: sz('x'), endpoint: sz(TEXT.endpoint!), trustAnchorFile: sz(anchor), ...values }) });

describe('the ADMX/ADML template', () => {
  it('is well-formed XML (ADMX, en-US and ja-JP ADML)', () => {
    for (const f of ['CertDesk.admx', 'en-US/CertDesk.adml', 'ja-JP/CertDesk.adml']) {
      execFileSync('python3', ['-c', 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])', join(root, f)]);
    }
  });

  it('has one setting per policy field the registry carries (all but the inline PEM), named as the field', () => {
    expect(settings.map((s) => s.name).sort()).toEqual(FIELDS.filter((f) => f !== 'trustAnchorPem').sort());
  });

  it('names every string and presentation in both languages, each presentation for an element that exists', () => {
    const strings = [...admx.matchAll(/\$\(string\.([^)]+)\)/g)].map((m) => m[1]!);
    const presentations = [...admx.matchAll(/\$\(presentation\.([^)]+)\)/g)].map((m) => m[1]!);
    for (const [lang, adml] of Object.entries(admls)) {
      for (const id of strings) expect(adml, `${lang}: string ${id}`).toContain(`<string id="${id}">`);
      for (const id of presentations) expect(adml, `${lang}: presentation ${id}`).toMatch(new RegExp(`<presentation id="${id}"><\\w+ refId="${id}"`));
    }
    expect(admls.ja).toContain('<string id="renewWindowDays">更新期間（日）</string>');
  });

  it('every setting, enabled with a value the template allows, is read by the registry layer', async () => {
    const values: Record<string, RegistryValue> = { trustAnchorFile: sz(anchor) };
    for (const s of settings) {
      if (s.kind === 'decimal') values[s.name] = dword(s.max!);
      else if (s.kind === 'boolean') values[s.name] = dword(1);
      else if (s.kind === 'enum') values[s.name] = sz(s.name === 'keyStorage' ? 'pkcs11' : s.items![0]!);
      else if (s.name !== 'trustAnchorFile') values[s.name] = sz(TEXT[s.name]!);
    }
    const l = await load(values);
    expect(l.managed.sort()).toEqual(Object.keys(values).sort());
    expect(l.policy).toMatchObject({ removeSuperseded: true, rememberPin: true, stores: ['os', 'firefox'], support: { name: 'EBヘルプデスク' } });
  });

  it("each number's range is the schema's: its bounds accepted, one past refused", async () => {
    for (const s of settings.filter((x) => x.kind === 'decimal')) {
      await expect(load({ [s.name]: dword(s.min!) }), s.name).resolves.toBeDefined();
      await expect(load({ [s.name]: dword(s.max!) }), s.name).resolves.toBeDefined();
      await expect(load({ [s.name]: dword(s.max! + 1) }), s.name).rejects.toMatchObject({ code: 'POLICY_INVALID' });
      if (s.min! > 0) await expect(load({ [s.name]: dword(s.min! - 1) }), s.name).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    }
  });

  it("each choice is one the schema accepts", async () => {
    for (const s of settings.filter((x) => x.kind === 'enum')) {
      for (const item of s.items!) {
        const extra: Record<string, RegistryValue> = s.name === 'keyStorage' && item === 'pkcs11' ? { pkcs11: sz(TEXT.pkcs11!) } : {};
        await expect(load({ [s.name]: sz(item), ...extra }), `${s.name}=${item}`).resolves.toBeDefined();
      }
    }
  });
});
