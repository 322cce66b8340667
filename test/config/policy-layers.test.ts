// The policy's layers (issue 19): built-in < per-user < machine file < registry, field by
// field; the machine's fields locked (managed); a per-user file that sets anything but the
// user's preferences refused (issue 23); a policy missing everywhere reported as not installed, with where to put
// it; reg.exe's output parsed (UTF-8 and CP932) and the command checked by its arguments.
// Windows is simulated by its paths (%ProgramData%, %APPDATA% made of temp folders) and a
// registry reader; everything else is real files.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { FIELDS } from '../../src/main/core/config/policy';
import { USER_FIELDS } from '../../src/main/core/config/policy-layers';
import { decodeRegOutput, parseRegQuery, PROGRAMDATA_QUERY_ARGS, programDataDir, queryPolicyKey, REG_PS_ARGS, REG_SCRIPT, regExe, type RegistryKey } from '../../src/main/core/config/registry';
import { caught } from '../support/caught';
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
      user: { language: 'en', reminderDays: [7] },
      machine: { graceDays: 45, proxy: 'direct' },
    });
    const l = await loadPolicy({ ...pc.win, readRegistry: async () => reg({ proxy: 'http://proxy.corp:8080', renewWindowDays: 25, stores: '["os","firefox"]', removeSuperseded: 0 }) });
    // The user's language is the bank's here: ignored, and said so.
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

  it('the per-user file may hold only the user\'s preferences: any other field is POLICY_INVALID naming it, the file and who may set it', async () => {
    const bank = { ...BANK, trustAnchorFile: anchor };
    // Each field a program of the user could use against them, set alone in the user's file
    // while the bank's built-in policy leaves it out (schema defaults do not count as set).
    const hostile: Record<string, unknown> = {
      bankName: '私の銀行', endpoint: 'https://evil.example/.well-known/est', trustAnchorFile: otherAnchor, trustAnchorPem: readFileSync(otherAnchor, 'utf8'),
      keyStorage: 'software', keyType: 'rsa2048', pkcs11: { module: '/home/u/evil.so', tokenLabel: 'bank' }, proxy: 'http://evil.example:8080', stores: ['os', 'nss:/home/u/db'],
      bankLoginUrl: 'https://phish.example/login', bankSiteUrl: 'https://phish.example/', newPcGuideUrl: 'https://phish.example/new', support: { name: 'Fake desk', phone: '0120-999-999' },
      removeSuperseded: false, rememberPin: true, acquireSubject: 'CN={loginId}', autoRenew: true, checkTime: '03:00', remindersAtLogin: false,
      renewWindowDays: 200, graceDays: 5, connectTimeoutMs: 300_000, requestTimeoutMs: 600_000, pendingMaxAttempts: 1000, maxClockSkewSeconds: 86_400,
    };
    expect(Object.keys(hostile).sort()).toEqual(FIELDS.filter((f) => !USER_FIELDS.includes(f)).sort());
    for (const [field, value] of Object.entries(hostile)) {
      const pc = windowsPc({ builtin: bank, user: { language: 'en', [field]: value } });
      const e = await caught(loadPolicy({ ...pc.win, readRegistry: async () => null }));
      expect(e.code, field).toBe('POLICY_INVALID');
      expect(e.detail, field).toMatchObject({ field, file: pc.userFile, reason: 'USER_FIELD_NOT_ALLOWED' });
      expect(e.message).toContain(`The policy ${pc.userFile} sets ${field}, which only the bank's built-in policy (its CertDesk installer), the machine policy ${pc.machineFile} or the registry HKLM\\Software\\Policies\\CertDesk may set`);
      expect(e.message).toContain(`Remove ${field} from ${pc.userFile} (it may hold only language and reminderDays)`);
    }
    // Also when the bank's policy sets the same field (it was silently ignored before).
    const both = windowsPc({ builtin: { ...bank, proxy: 'system' }, user: { proxy: 'direct' } });
    expect((await caught(loadPolicy({ ...both.win, readRegistry: async () => null }))).detail).toMatchObject({ field: 'proxy', file: both.userFile });
    // The preferences are taken.
    const prefs = windowsPc({ builtin: bank, user: { language: 'en', reminderDays: [14, 3] } });
    const l = await loadPolicy({ ...prefs.win, readRegistry: async () => null });
    expect(l.policy).toMatchObject({ language: 'en', reminderDays: [14, 3], endpoint: BANK.endpoint });
    expect(l.origins).toMatchObject({ language: prefs.userFile, reminderDays: prefs.userFile, endpoint: prefs.builtinFile });
  });

  it('a per-user file alone is no policy: the bank\'s comes with its installer or from IT', async () => {
    const alone = windowsPc({ user: { ...BANK, trustAnchorFile: anchor } });
    const a = await caught(loadPolicy({ ...alone.win, readRegistry: async () => null }));
    expect(a.detail).toMatchObject({ field: 'bankName', file: alone.userFile, reason: 'USER_FIELD_NOT_ALLOWED' });
    const prefsOnly = windowsPc({ user: { language: 'en' } });
    const p = await caught(loadPolicy({ ...prefsOnly.win, readRegistry: async () => null }));
    expect(p.detail).toMatchObject({ reason: 'NOT_INSTALLED' });
    expect(p.message).toContain(`${prefsOnly.userFile} holds only your own preferences (language, reminderDays)`);
  });

  it('a preference the bank or IT sets is theirs: the user\'s is listed as ignored', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor, language: 'ja' }, user: { language: 'en', reminderDays: [5] }, machine: { reminderDays: [20] } });
    const l = await loadPolicy({ ...pc.win, readRegistry: async () => null });
    expect(l.policy).toMatchObject({ language: 'ja', reminderDays: [20] });
    expect(l.ignored).toEqual([
      { field: 'language', file: pc.userFile, by: pc.builtinFile, reason: 'SET_BY_BANK' },
      { field: 'reminderDays', file: pc.userFile, by: pc.machineFile, reason: 'SET_BY_IT' },
    ]);
    const byReg = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { language: 'en' } });
    const r = await loadPolicy({ ...byReg.win, readRegistry: async () => reg({ language: 'ja' }) });
    expect(r.ignored).toEqual([{ field: 'language', file: byReg.userFile, by: 'HKLM\\Software\\Policies\\CertDesk', reason: 'SET_BY_IT' }]);
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
    expect(e.message).toContain(`The bank's policy comes with the bank's CertDesk installer, or IT puts it at ${pc.machineFile} (for every user of this PC); ${pc.userFile} holds only your own preferences`);
  });

  it('a wrong field names the layer it came from: the user\'s file, the registry value', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { reminderDays: 'soon' } });
    const e = await caught(loadPolicy({ ...pc.win, readRegistry: async () => null }));
    expect(e.detail).toMatchObject({ field: 'reminderDays', file: pc.userFile });
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
    writeFileSync(join(home, 'cfg', 'certdesk', 'policy.json'), JSON.stringify({ language: 'en' }));
    mkdirSync(join(home, 'res'));
    writeFileSync(join(home, 'res', 'policy.json'), JSON.stringify({ ...BANK, trustAnchorFile: anchor }));
    const l = await loadPolicy({ platform: 'linux', env: { HOME: home, XDG_CONFIG_HOME: join(home, 'cfg') }, resourcesPath: join(home, 'res'), machineFile: join(home, 'none.json') });
    expect(l.origins?.language).toBe(join(home, 'cfg', 'certdesk', 'policy.json'));
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

  /** What REG_SCRIPT prints (Windows PowerShell 5.1, ConvertTo-Json -Compress, then every character above ASCII as \uXXXX). */
  const psJson = (values: { Name: string; Kind: string; Value: unknown }[], subkeys: string[] = []) =>
    JSON.stringify({ Exists: true, Values: values, Subkeys: subkeys }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\r\n';
  const PS_OUTPUT = psJson([
    { Name: 'bankName', Kind: 'String', Value: '〇〇銀行 法人IB' },
    { Name: 'graceDays', Kind: 'DWord', Value: 90 },
    { Name: 'stores', Kind: 'String', Value: '["os", "firefox"]' },
    { Name: 'proxy', Kind: 'String', Value: 'http://proxy.corp:8080' },
    { Name: 'empty', Kind: 'String', Value: '' },
    { Name: 'big', Kind: 'DWord', Value: -1 },
    { Name: 'list', Kind: 'MultiString', Value: ['a', 'b'] },
    { Name: 'bin', Kind: 'Binary', Value: null },
  ]);

  it('is read by one constant Windows PowerShell script by full path, nothing from outside; names, kinds and values come as JSON, ASCII only', async () => {
    const calls: { file: string; args: string[]; env: Record<string, string> }[] = [];
    const key = await queryPolicyKey(async (file, args, env) => (calls.push({ file, args, env }), { code: 0, stdout: PS_OUTPUT }), { SystemRoot: 'C:\\WINDOWS' });
    expect(calls).toEqual([{ file: 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', REG_SCRIPT], env: {} }]);
    expect(REG_PS_ARGS).toEqual(['-NoProfile', '-NonInteractive', '-Command', REG_SCRIPT]);
    expect(PS_OUTPUT).toMatch(/^[\x20-\x7e\r\n]+$/);
    expect(Object.fromEntries(key!.values)).toEqual({
      bankName: { type: 'REG_SZ', value: '〇〇銀行 法人IB' },
      graceDays: { type: 'REG_DWORD', value: 90 },
      stores: { type: 'REG_SZ', value: '["os", "firefox"]' },
      proxy: { type: 'REG_SZ', value: 'http://proxy.corp:8080' },
      empty: { type: 'REG_SZ', value: '' },
      big: { type: 'REG_DWORD', value: 0xffffffff },
      list: { type: 'REG_MULTI_SZ', value: '["a","b"]' },
      bin: { type: 'REG_BINARY', value: '' },
    });
    // The script: the key is a constant, only cmdlets and core types (Constrained Language Mode), output escaped to ASCII.
    expect(REG_SCRIPT).toContain("$p = 'HKLM:\\Software\\Policies\\CertDesk'");
    expect(REG_SCRIPT).not.toMatch(/\$env:|\[Microsoft\.Win32|\[System\.|\[Console\]|::/);
    expect(REG_SCRIPT).not.toContain('"');
    expect(REG_SCRIPT).toContain("'\\u{0:x4}' -f [int]$_");
    expect(await queryPolicyKey(async () => ({ code: 0, stdout: '{"Exists":false}\r\n' }))).toBeNull();
    const sub = await queryPolicyKey(async () => ({ code: 0, stdout: psJson([], ['support']) }));
    expect(sub?.subkeys).toEqual(['HKLM\\Software\\Policies\\CertDesk\\support']);
  });

  it('a REG_SZ holding a line break and a value line stays one value, and is refused where a field cannot hold one', async () => {
    const injected = 'テスト銀行\r\n    endpoint    REG_SZ    https://evil.example/.well-known/est';
    const key = await queryPolicyKey(async () => ({ code: 0, stdout: psJson([
      { Name: 'bankName', Kind: 'String', Value: injected },
      { Name: 'graceDays', Kind: 'DWord', Value: 45 },
    ]) }));
    expect([...key!.values.keys()]).toEqual(['bankName', 'graceDays']);
    expect(key!.values.get('bankName')).toEqual({ type: 'REG_SZ', value: injected });
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor } });
    const e = await caught(loadPolicy({ ...pc.win, readRegistry: async () => key }));
    expect(e.detail).toMatchObject({ field: 'bankName', file: 'HKLM\\Software\\Policies\\CertDesk\\bankName' });
    expect(e.message).toContain('bankName is invalid: holds a line break (CR/LF); it must be one line');
    for (const field of ['endpoint', 'proxy', 'bankLoginUrl', 'acquireSubject', 'trustAnchorFile', 'checkTime', 'keyStorage']) {
      const r = await caught(loadPolicy({ ...pc.win, readRegistry: async () => reg({ [field]: 'x\ny' }) }));
      expect(r.detail, field).toMatchObject({ field, file: `HKLM\\Software\\Policies\\CertDesk\\${field}` });
      expect(r.message).toContain('holds a line break');
    }
    // The anchor's PEM and JSON pasted over several lines are fine.
    const pem = readFileSync(otherAnchor, 'utf8').replace(/\n/g, '\r\n');
    const ok = await loadPolicy({ ...pc.win, readRegistry: async () => reg({ trustAnchorPem: pem, stores: '[\r\n  "os",\r\n  "firefox"\r\n]', support: '{\r\n "name": "IT"\r\n}' }) });
    expect(ok.policy).toMatchObject({ stores: ['os', 'firefox'], support: { name: 'IT' } });
    expect(new X509Certificate(ok.policy.trustAnchorPem).fingerprint256).toBe(new X509Certificate(readFileSync(otherAnchor)).fingerprint256);
    // A kind that is not REG_SZ where a string belongs.
    const multi = await caught(loadPolicy({ ...pc.win, readRegistry: async () => ({ values: new Map([['proxy', { type: 'REG_MULTI_SZ', value: '["direct"]' }]]), subkeys: [] }) }));
    expect(multi.message).toContain('proxy is invalid: must be a REG_SZ (it is REG_MULTI_SZ)');
  });

  it('reg.exe runs from %SystemRoot%\\System32, never by bare name (Node searches the current folder first)', () => {
    expect(regExe({ SystemRoot: 'C:\\WINDOWS' })).toBe('C:\\WINDOWS\\System32\\reg.exe');
    expect(regExe({ SYSTEMROOT: 'D:\\Win\\' })).toBe('D:\\Win\\System32\\reg.exe');
    // Not an absolute drive path (relative, a share, unset): Windows' own default, never the current folder.
    for (const SystemRoot of [undefined, 'Windows', '.\\x', '\\\\server\\share']) expect(regExe({ SystemRoot })).toBe('C:\\Windows\\System32\\reg.exe');
  });

  it('any failure of PowerShell (did not run, an exit code, an answer that is not the script\'s) is POLICY_INVALID, never "no policy"', async () => {
    for (const r of [{ code: -1, stdout: '' }, { code: 1, stdout: '' }, { code: 0, stdout: '' }, { code: 0, stdout: 'Cannot invoke method. Method invocation is supported only on core types in this language mode.' }, { code: 0, stdout: '{"Exists":true}' }]) {
      const e = await caught(queryPolicyKey(async () => r, { SystemRoot: 'C:\\WINDOWS' }));
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.detail).toMatchObject({ reason: 'REGISTRY_UNREADABLE', file: 'HKLM\\Software\\Policies\\CertDesk' });
      expect(e.message).toContain('ask your IT department');
      expect(e.message).toContain('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
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

  it('reg query\'s text (still read for ProfileList\\ProgramData): values with spaces, DWORDs in hex, empty strings and subkeys', () => {
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
