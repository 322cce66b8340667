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
import { decodeRegOutput, parseRegQuery, queryPolicyKey, REG_QUERY_ARGS, type RegistryKey } from '../../src/main/core/config/registry';
import { CoreError } from '../../src/main/core/errors';

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
  return { env, resources, machineFile, userFile, builtinFile: join(resources, 'policy.json') };
}

const reg = (values: Record<string, string | number>): RegistryKey => ({
  values: new Map(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? { type: 'REG_DWORD', value: v } : { type: 'REG_SZ', value: v }])),
  subkeys: [],
});

const BANK = { bankName: 'テスト銀行', endpoint: 'https://est.bank.example/.well-known/est', trustAnchorFile: '' };

async function caught(p: Promise<unknown>): Promise<CoreError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return e as CoreError;
  }
  throw new Error('expected a CoreError');
}

describe('policy layers', () => {
  it('built-in < per-user < machine file < registry, field by field; managed = the machine\'s fields; each field says where it came from', async () => {
    const pc = windowsPc({
      builtin: { ...BANK, trustAnchorFile: anchor, graceDays: 60, language: 'ja', renewWindowDays: 20 },
      user: { language: 'en', graceDays: 10, reminderDays: [7] },
      machine: { graceDays: 45, proxy: 'direct' },
    });
    const l = await loadPolicy({ platform: 'win32', env: pc.env, resourcesPath: pc.resources, readRegistry: async () => reg({ proxy: 'http://proxy.corp:8080', renewWindowDays: 25, stores: '["os","firefox"]', removeSuperseded: 0 }) });
    expect(l.policy).toMatchObject({ bankName: 'テスト銀行', language: 'en', graceDays: 45, renewWindowDays: 25, reminderDays: [7], proxy: 'http://proxy.corp:8080', stores: ['os', 'firefox'], removeSuperseded: false });
    expect(l.policy.trustAnchorPem).toBe(readFileSync(anchor, 'utf8').trim() + '\n');
    expect(l.managed.sort()).toEqual(['graceDays', 'proxy', 'removeSuperseded', 'renewWindowDays', 'stores']);
    expect(l.origins).toMatchObject({
      bankName: pc.builtinFile,
      language: pc.userFile,
      reminderDays: pc.userFile,
      graceDays: pc.machineFile,
      proxy: 'HKLM\\Software\\Policies\\CertDesk\\proxy',
      renewWindowDays: 'HKLM\\Software\\Policies\\CertDesk\\renewWindowDays',
    });
    expect(l.source).toBe(`builtin: ${pc.builtinFile} < user: ${pc.userFile} < machine: ${pc.machineFile} < registry: HKLM\\Software\\Policies\\CertDesk`);
  });

  it('a per-user policy alone works without admin rights; it never replaces the bank\'s endpoint or trust anchor from the built-in policy', async () => {
    const alone = windowsPc({ user: { ...BANK, trustAnchorFile: anchor } });
    const a = await loadPolicy({ platform: 'win32', env: alone.env, resourcesPath: alone.resources, readRegistry: async () => null });
    expect(a.policy.endpoint).toBe(BANK.endpoint);
    expect(a.managed).toEqual([]);
    expect(a.origins?.endpoint).toBe(alone.userFile);

    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { endpoint: 'https://evil.example/.well-known/est', trustAnchorFile: otherAnchor, bankName: '私の銀行' } });
    const l = await loadPolicy({ platform: 'win32', env: pc.env, resourcesPath: pc.resources, readRegistry: async () => null });
    expect(l.policy.endpoint).toBe(BANK.endpoint);
    expect(l.policy.trustAnchorPem).toBe(readFileSync(anchor, 'utf8').trim() + '\n');
    expect(l.policy.bankName).toBe('私の銀行');
    expect(l.origins?.trustAnchorFile).toBe(pc.builtinFile);
  });

  it('the machine\'s anchor replaces the built-in one whichever of trustAnchorFile/trustAnchorPem each uses', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, machine: { trustAnchorPem: readFileSync(otherAnchor, 'utf8') } });
    const l = await loadPolicy({ platform: 'win32', env: pc.env, resourcesPath: pc.resources, readRegistry: async () => null });
    expect(l.policy.trustAnchorPem).toBe(readFileSync(otherAnchor, 'utf8').trim() + '\n');
    expect(l.managed).toEqual(['trustAnchorPem']);
  });

  it('missing everywhere is "not installed", naming each place looked and where to put it', async () => {
    const pc = windowsPc({});
    const e = await caught(loadPolicy({ platform: 'win32', env: pc.env, resourcesPath: pc.resources, readRegistry: async () => null }));
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.detail).toMatchObject({ reason: 'NOT_INSTALLED', file: pc.machineFile });
    expect(e.message).toContain(`No policy is installed. CertDesk looked in ${pc.builtinFile}, ${pc.userFile}, ${pc.machineFile}, HKLM\\Software\\Policies\\CertDesk.`);
    expect(e.message).toContain(`or at ${pc.userFile} (this user only, no admin rights needed)`);
  });

  it('a wrong field names the layer it came from: the user\'s file, the registry value', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor }, user: { graceDays: 'ninety' } });
    const e = await caught(loadPolicy({ platform: 'win32', env: pc.env, resourcesPath: pc.resources, readRegistry: async () => null }));
    expect(e.detail).toMatchObject({ field: 'graceDays', file: pc.userFile });
    const unknown = windowsPc({ user: { colour: 'red' } });
    expect((await caught(loadPolicy({ platform: 'win32', env: unknown.env, resourcesPath: unknown.resources, readRegistry: async () => null }))).detail).toMatchObject({ field: 'colour', file: unknown.userFile });
    const r = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor } });
    const bad = await caught(loadPolicy({ platform: 'win32', env: r.env, resourcesPath: r.resources, readRegistry: async () => reg({ graceDays: 'many' }) }));
    expect(bad.detail).toMatchObject({ field: 'graceDays', file: 'HKLM\\Software\\Policies\\CertDesk\\graceDays' });
    expect(bad.message).toContain('must be a REG_DWORD');
    const json = await caught(loadPolicy({ platform: 'win32', env: r.env, resourcesPath: r.resources, readRegistry: async () => reg({ stores: 'os' }) }));
    expect(json.message).toContain('must be REG_SZ holding JSON');
    const range = await caught(loadPolicy({ platform: 'win32', env: r.env, resourcesPath: r.resources, readRegistry: async () => reg({ graceDays: 99999 }) }));
    expect(range.detail).toMatchObject({ field: 'graceDays', file: 'HKLM\\Software\\Policies\\CertDesk\\graceDays' });
  });

  it('--policy FILE replaces every layer', async () => {
    const pc = windowsPc({ builtin: { ...BANK, trustAnchorFile: anchor, graceDays: 1 }, machine: { graceDays: 2 } });
    const only = join(dir, 'only.json');
    writeFileSync(only, JSON.stringify({ ...BANK, trustAnchorFile: anchor }));
    const l = await loadPolicy({ file: only, platform: 'win32', env: pc.env, resourcesPath: pc.resources, readRegistry: async () => reg({ graceDays: 3 }) });
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

  it('is run as reg query HKLM\\Software\\Policies\\CertDesk /s; exit 1 (no key) is no layer', async () => {
    expect(REG_QUERY_ARGS).toEqual(['query', 'HKLM\\Software\\Policies\\CertDesk', '/s']);
    const calls: unknown[] = [];
    const key = await queryPolicyKey(async (args) => {
      calls.push(args);
      return { code: 0, stdout: new TextEncoder().encode(OUTPUT) };
    });
    expect(calls).toEqual([REG_QUERY_ARGS]);
    expect(key?.values.get('graceDays')).toEqual({ type: 'REG_DWORD', value: 90 });
    expect(await queryPolicyKey(async () => ({ code: 1, stdout: new TextEncoder().encode('ERROR: The system was unable to find the specified registry key or value.\r\n') }))).toBeNull();
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
    const e = await caught(loadPolicy({ platform: 'win32', env: { ProgramData: join(dir, 'none'), APPDATA: join(dir, 'none2') }, readRegistry: async () => ({ values: new Map(), subkeys: ['HKEY_LOCAL_MACHINE\\Software\\Policies\\CertDesk\\support'] }) }));
    expect(e.message).toContain('support is invalid: is a subkey');
  });
});
