// The policy's layers (issue 19): built-in < per-user < machine file < registry, field by
// field; the machine's fields locked (managed); the bank's endpoint and anchor kept from a
// per-user file; a policy missing everywhere reported as not installed, with where to put
// it; reg.exe's output parsed (UTF-8 and CP932) and the command checked by its arguments.
// Windows is simulated by its paths (%ProgramData%, %APPDATA% made of temp folders) and a
// registry reader; everything else is real files.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { decodeRegOutput, parseRegQuery, PROGRAMDATA_QUERY_ARGS, programDataDir, queryPolicyKey, REG_QUERY_ARGS, regExe, type RegistryKey } from '../../src/main/core/config/registry';
import { caught } from '../caught';
import { adminOnlyAcl } from './acl-fixture';

let dir: string;
let anchor: string;
let otherAnchor: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-layers-'));
  for (const name of ['root', 'other']) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-days', '30',
      '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { stdio: 'ignore' });
  }
  anchor = join(dir, 'root.pem');
  otherAnchor = join(dir, 'other.pem');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A simulated Windows PC: %ProgramData%, %APPDATA% and the app's resources folder, each its own temp folder. */
function windowsPc(files: { builtin?: object; user?: object; machine?: object }) {
  const root = join(dir, `win${++n}`);
  const env = { ProgramData: join(root, 'ProgramData'), APPDATA: join(root, 'AppData') };
  const resources = join(root, 'resources');
  for (const d of [root, resources]) mkdirSync(d, { recursive: true });
  // Windows paths on a Linux file system: the backslashes are part of one file name beside the folder.
  const machineFile = `${env.ProgramData}\\CertDesk\\policy.json`;
  const userFile = `${env.APPDATA}\\CertDesk\\policy.json`;
  if (files.builtin) writeFileSync(join(resources, 'policy.json'), JSON.stringify(files.builtin));
  if (files.user) writeFileSync(userFile, JSON.stringify(files.user));
  if (files.machine) writeFileSync(machineFile, JSON.stringify(files.machine));
  // The machine file's place and its permission check (an admin-only ACL) given as a real PC's would be.
  const win = { platform: 'win32' as const, env, resourcesPath: resources, machineFile, runPowerShell: adminOnlyAcl };
  return { env, resources, machineFile, userFile, builtinFile: join(resources, 'policy.json'), win };
}

const reg = (values: Record<string, string | number>): RegistryKey => ({
  values: new Map(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? { type: 'REG_DWORD', value: v } : { type: 'REG_SZ', value: v }])),
  subkeys: [],
});

const BANK = { bankName: 'テスト銀行', endpoint: 'https://est.bank.example/.well-known/est', trustAnchorFile: '' };


describe('policy layers', () => {
  it('built-in < per-user < machine file < registry, field by field; managed = the machine\'s fields; each field says where it came from', async () => {
    const pc = windowsPc({
      builtin: { ...BANK, trustAnchorFile: anchor, graceDays: 60, language: 'ja', renewWindowDays: 20 },
      user: { language: 'en', graceDays: 10, reminderDays: [7] },
      machine: { graceDays: 45, proxy: 'direct' },
    });
    const l = await loadPolicy({ ...pc.win, readRegistry: async () => reg({ proxy: 'http://proxy.corp:8080', renewWindowDays: 25, stores: '["os","firefox"]', removeSuperseded: 0 }) });
    // The user's language and graceDays are the bank's and IT's to set: ignored, and said so.
    expect(l.policy).toMatchObject({ bankName: 'テスト銀行', language: 'ja', graceDays: 45, renewWindowDays: 25, reminderDays: [7], proxy: 'http://proxy.corp:8080', stores: ['os', 'firefox'], removeSuperseded: false });
    expect(l.policy.trustAnchorPem).toBe(readFileSync(anchor, 'utf8').trim() + '\n');
    expect(l.managed.sort()).toEqual(['graceDays', 'proxy', 'removeSuperseded', 'renewWindowDays', 'stores']);
    expect(l.origins).toMatchObject({
      bankName: pc.builtinFile,
      language: pc.builtinFile,
      reminderDays: pc.userFile,
      graceDays: pc.machineFile,
      proxy: 'HKLM\\Software\\Policies\\CertDesk\\proxy',
      renewWindowDays: 'HKLM\\Software\\Policies\\CertDesk\\renewWindowDays',
    });
    expect(l.source).toBe(`builtin: ${pc.builtinFile} < user: ${pc.userFile} < machine: ${pc.machineFile} < registry: HKLM\\Software\\Policies\\CertDesk`);
  });

  it('a per-user policy alone works without admin rights; it never replaces the bank\'s endpoint or trust anchor from the built-in policy', async () => {
    const alone = windowsPc({ user: { ...BANK, trustAnchorFile: anchor } });
    const a = await loadPolicy({ ...alone.win, readRegistry: async () => null });
    expect(a.policy.endpoint).toBe(BANK.endpoint);
    expect(a.managed).toEqual([]);
    expect(a.origins?.endpoint).toBe(alone.userFile);

    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { endpoint: 'https://evil.example/.well-known/est', trustAnchorFile: otherAnchor, bankName: '私の銀行' } });
    const l = await loadPolicy({ ...pc.win, readRegistry: async () => null });
    expect(l.policy.endpoint).toBe(BANK.endpoint);
    expect(l.policy.trustAnchorPem).toBe(readFileSync(anchor, 'utf8').trim() + '\n');
    expect(l.policy.bankName).toBe(BANK.bankName);
    expect(l.origins?.trustAnchorFile).toBe(pc.builtinFile);
    expect(l.ignored).toEqual(['endpoint', 'trustAnchorFile', 'bankName'].map((field) => ({ field, file: pc.userFile, by: pc.builtinFile, reason: 'SET_BY_BANK' })));
  });

  it('the per-user file fills only fields no other layer sets: the bank\'s login page, helpdesk, key storage, stores, proxy and PKCS#11 module stay; IT\'s too', async () => {
    const bank = { ...BANK, trustAnchorFile: anchor, bankLoginUrl: 'https://ib.bank.example/login', support: { name: 'テスト銀行 ヘルプデスク', phone: '0120-000-000' }, keyStorage: 'store', stores: ['os'], proxy: 'system', pkcs11: { module: '/usr/lib/bank-p11.so', tokenLabel: 'bank' } };
    const user = { bankLoginUrl: 'https://phish.example/login', support: { name: 'Fake desk', phone: '0120-999-999' }, keyStorage: 'software', stores: ['os', 'firefox'], proxy: 'http://evil.example:8080', pkcs11: { module: '/home/u/evil.so', tokenLabel: 'bank' }, reminderDays: [5], graceDays: 5 };
    const pc = windowsPc({ builtin: bank, user, machine: { graceDays: 30 } });
    const l = await loadPolicy({ ...pc.win, readRegistry: async () => null });
    expect(l.policy).toMatchObject({ bankLoginUrl: bank.bankLoginUrl, support: bank.support, keyStorage: 'store', stores: ['os'], proxy: 'system', pkcs11: bank.pkcs11, reminderDays: [5], graceDays: 30 });
    expect(l.origins?.reminderDays).toBe(pc.userFile);
    expect(l.ignored?.map((i) => [i.field, i.reason, i.by])).toEqual([
      ['bankLoginUrl', 'SET_BY_BANK', pc.builtinFile],
      ['support', 'SET_BY_BANK', pc.builtinFile],
      ['keyStorage', 'SET_BY_BANK', pc.builtinFile],
      ['stores', 'SET_BY_BANK', pc.builtinFile],
      ['proxy', 'SET_BY_BANK', pc.builtinFile],
      ['pkcs11', 'SET_BY_BANK', pc.builtinFile],
      ['graceDays', 'SET_BY_IT', pc.machineFile],
    ]);
    const byReg = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { proxy: 'direct' } });
    const r = await loadPolicy({ ...byReg.win, readRegistry: async () => reg({ proxy: 'http://proxy.corp:8080' }) });
    expect(r.ignored).toEqual([{ field: 'proxy', file: byReg.userFile, by: 'HKLM\\Software\\Policies\\CertDesk', reason: 'SET_BY_IT' }]);
  });

  it('the machine\'s anchor replaces the built-in one whichever of trustAnchorFile/trustAnchorPem each uses', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, machine: { trustAnchorPem: readFileSync(otherAnchor, 'utf8') } });
    const l = await loadPolicy({ ...pc.win, readRegistry: async () => null });
    expect(l.policy.trustAnchorPem).toBe(readFileSync(otherAnchor, 'utf8').trim() + '\n');
    expect(l.managed).toEqual(['trustAnchorPem']);
  });

  it('missing everywhere is "not installed", naming each place looked and where to put it', async () => {
    const pc = windowsPc({});
    const e = await caught(loadPolicy({ ...pc.win, readRegistry: async () => null }));
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.detail).toMatchObject({ reason: 'NOT_INSTALLED', file: pc.machineFile });
    expect(e.message).toContain(`No policy is installed. CertDesk looked in ${pc.builtinFile}, ${pc.userFile}, ${pc.machineFile}, HKLM\\Software\\Policies\\CertDesk.`);
    expect(e.message).toContain(`or at ${pc.userFile} (this user only, no admin rights needed)`);
  });

  it('a wrong field names the layer it came from: the user\'s file, the registry value', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { graceDays: 'ninety' } });
    const e = await caught(loadPolicy({ ...pc.win, readRegistry: async () => null }));
    expect(e.detail).toMatchObject({ field: 'graceDays', file: pc.userFile });
    const unknown = windowsPc({ user: { colour: 'red' } });
    expect((await caught(loadPolicy({ ...unknown.win, readRegistry: async () => null }))).detail).toMatchObject({ field: 'colour', file: unknown.userFile });
    const r = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor } });
    const bad = await caught(loadPolicy({ ...r.win, readRegistry: async () => reg({ graceDays: 'many' }) }));
    expect(bad.detail).toMatchObject({ field: 'graceDays', file: 'HKLM\\Software\\Policies\\CertDesk\\graceDays' });
    expect(bad.message).toContain('must be a REG_DWORD');
    const json = await caught(loadPolicy({ ...r.win, readRegistry: async () => reg({ stores: 'os' }) }));
    expect(json.message).toContain('must be REG_SZ holding JSON');
    const range = await caught(loadPolicy({ ...r.win, readRegistry: async () => reg({ graceDays: 99999 }) }));
    expect(range.detail).toMatchObject({ field: 'graceDays', file: 'HKLM\\Software\\Policies\\CertDesk\\graceDays' });
  });

  it('--policy FILE replaces every layer', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor, graceDays: 1 }, machine: { graceDays: 2 } });
    const only = join(dir, 'only.json');
    writeFileSync(only, JSON.stringify({ ...BANK, trustAnchorFile: anchor }));
    const l = await loadPolicy({ file: only, ...pc.win, readRegistry: async () => reg({ graceDays: 3 }) });
    expect(l.policy.graceDays).toBe(90);
    expect(l.source).toBe(only);
    expect(l.managed.sort()).toEqual(['bankName', 'endpoint', 'trustAnchorFile']);
  });

  it.skipIf(process.platform !== 'linux')('Linux: ~/.config/certdesk/policy.json (XDG_CONFIG_HOME) is the per-user layer', async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, 'cfg', 'certdesk'), { recursive: true });
    writeFileSync(join(home, 'cfg', 'certdesk', 'policy.json'), JSON.stringify({ ...BANK, trustAnchorFile: anchor }));
    const l = await loadPolicy({ platform: 'linux', env: { HOME: home, XDG_CONFIG_HOME: join(home, 'cfg') } });
    expect(l.origins?.endpoint).toBe(join(home, 'cfg', 'certdesk', 'policy.json'));
  });
});

describe('reg query', () => {
  const OUTPUT = [
    '',
    'HKEY_LOCAL_MACHINE\\Software\\Policies\\CertDesk',
    '    bankName    REG_SZ    〇〇銀行 法人IB',
    '    graceDays    REG_DWORD    0x5a',
    '    stores    REG_SZ    ["os", "firefox"]',
    '    proxy    REG_SZ    http://proxy.corp:8080',
    '    empty    REG_SZ    ',
    '',
  ].join('\r\n');

  it('is run as reg query HKLM\\Software\\Policies\\CertDesk /s; exit 1 with nothing on stdout (no key; the words go to stderr, localised) is no layer', async () => {
    expect(REG_QUERY_ARGS).toEqual(['query', 'HKLM\\Software\\Policies\\CertDesk', '/s']);
    const calls: unknown[] = [];
    const key = await queryPolicyKey(async (args) => {
      calls.push(args);
      return { code: 0, stdout: new TextEncoder().encode(OUTPUT) };
    });
    expect(calls).toEqual([REG_QUERY_ARGS]);
    expect(key?.values.get('graceDays')).toEqual({ type: 'REG_DWORD', value: 90 });
    expect(await queryPolicyKey(async () => ({ code: 1, stdout: new Uint8Array() }))).toBeNull();
  });

  it('reg.exe runs from %SystemRoot%\\System32, never by bare name (Node searches the current folder first)', () => {
    expect(regExe({ SystemRoot: 'C:\\WINDOWS' })).toBe('C:\\WINDOWS\\System32\\reg.exe');
    expect(regExe({ SYSTEMROOT: 'D:\\Win\\' })).toBe('D:\\Win\\System32\\reg.exe');
    // Not an absolute drive path (relative, a share, unset): Windows' own default, never the current folder.
    for (const SystemRoot of [undefined, 'Windows', '.\\x', '\\\\server\\share']) expect(regExe({ SystemRoot })).toBe('C:\\Windows\\System32\\reg.exe');
  });

  it('any other failure of reg (did not run, stopped, another exit code, exit 1 after part of the key) is POLICY_INVALID, never "no policy"', async () => {
    for (const r of [{ code: -1, stdout: new Uint8Array() }, { code: 2, stdout: new Uint8Array() }, { code: 1, stdout: new TextEncoder().encode('\r\nHKEY_LOCAL_MACHINE\\Software\\Policies\\CertDesk\r\n    graceDays    REG_DWORD    0x5\r\n') }]) {
      const e = await caught(queryPolicyKey(async () => r));
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.detail).toMatchObject({ reason: 'REGISTRY_UNREADABLE', file: 'HKLM\\Software\\Policies\\CertDesk' });
      expect(e.message).toContain('ask your IT department');
    }
  });

  it('%ProgramData% comes from the registry (ProfileList\\ProgramData, %SystemDrive% = the Windows folder\'s drive), not the environment; C:\\ProgramData when unreadable', async () => {
    expect(PROGRAMDATA_QUERY_ARGS).toEqual(['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList', '/v', 'ProgramData']);
    const out = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList\r\n    ProgramData    REG_EXPAND_SZ    %SystemDrive%\\ProgramData\r\n\r\n';
    const calls: unknown[] = [];
    const run = async (args: readonly string[]) => (calls.push(args), { code: 0, stdout: new TextEncoder().encode(out) });
    expect(await programDataDir(run, { SystemRoot: 'D:\\Windows', ProgramData: 'C:\\Users\\me\\fake' })).toBe('D:\\ProgramData');
    expect(calls).toEqual([PROGRAMDATA_QUERY_ARGS]);
    expect(await programDataDir(async () => ({ code: 1, stdout: new Uint8Array() }), { ProgramData: 'C:\\Users\\me\\fake' })).toBe('C:\\ProgramData');
    const other = out.replace('%SystemDrive%\\ProgramData', '%USERPROFILE%\\x');
    expect(await programDataDir(async () => ({ code: 0, stdout: new TextEncoder().encode(other) }), {})).toBe('C:\\ProgramData');
  });

  it('parses values with spaces, DWORDs in hex, empty strings and subkeys', () => {
    const k = parseRegQuery(OUTPUT + 'HKEY_LOCAL_MACHINE\\Software\\Policies\\CertDesk\\support\r\n    name    REG_SZ    x\r\n');
    expect(Object.fromEntries(k.values)).toEqual({
      bankName: { type: 'REG_SZ', value: '〇〇銀行 法人IB' },
      graceDays: { type: 'REG_DWORD', value: 90 },
      stores: { type: 'REG_SZ', value: '["os", "firefox"]' },
      proxy: { type: 'REG_SZ', value: 'http://proxy.corp:8080' },
      empty: { type: 'REG_SZ', value: '' },
    });
    expect(k.subkeys).toEqual(['HKEY_LOCAL_MACHINE\\Software\\Policies\\CertDesk\\support']);
  });

  it('reads reg.exe output in CP932 (a Japanese console) as well as UTF-8', () => {
    const sjis = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'SHIFT_JIS'], { input: OUTPUT });
    expect(parseRegQuery(decodeRegOutput(sjis)).values.get('bankName')).toEqual({ type: 'REG_SZ', value: '〇〇銀行 法人IB' });
    expect(decodeRegOutput(new TextEncoder().encode(OUTPUT))).toBe(OUTPUT);
  });

  it('a subkey is refused with what to do instead', async () => {
    const e = await caught(loadPolicy({ platform: 'win32', env: { APPDATA: join(dir, 'none2') }, machineFile: join(dir, 'none', 'policy.json'), runPowerShell: adminOnlyAcl, readRegistry: async () => ({ values: new Map(), subkeys: ['HKEY_LOCAL_MACHINE\\Software\\Policies\\CertDesk\\support'] }) }));
    expect(e.message).toContain('support is invalid: is a subkey');
  });
});
