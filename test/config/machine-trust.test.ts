// The machine policy counts only when only administrators can have written it (review HIGH1:
// %ProgramData%\CertDesk is creatable by every standard user by default, and the machine file
// outranks the bank's built-in policy). Windows: the exact PowerShell command and what it
// prints on real PCs (owner and ACEs as SIDs); Linux: real files, chowned and chmodded (the
// tests run as root).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { ACL_SCRIPT, aclProblem, assertAdminOnly, ICACLS_FIX } from '../../src/main/core/config/machine-trust';
import { caught } from '../caught';
import { aclAnswer, INSTALLER_ACL, RIGHTS, USER_SID, type Ace } from './acl-fixture';

let dir: string;
let anchor: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-machine-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=root', '-days', '30', '-keyout', join(dir, 'root.key'), '-out', join(dir, 'root.pem')], { stdio: 'ignore' });
  anchor = join(dir, 'root.pem');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const BANK = { bankName: 'テスト銀行', endpoint: 'https://est.bank.example/.well-known/est' };
const FILE = 'C:\\ProgramData\\CertDesk\\policy.json';
const WIN = { platform: 'win32' as const, env: { SystemRoot: 'C:\\WINDOWS' } };

describe('Windows: owner and ACL of the machine file, its folder and its anchor', () => {
  it('runs one constant script by full path, the paths in CERTDESK_ACL_PATHS only', async () => {
    const calls: { file: string; args: string[]; env: Record<string, string> }[] = [];
    // The anchor: a file that exists (here a Linux path; its folder is taken the Windows way).
    await assertAdminOnly(FILE, [anchor, join(dir, 'missing.pem')], { ...WIN, runPowerShell: aclAnswer(undefined, undefined, calls) });
    expect(calls).toEqual([{
      file: 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', ACL_SCRIPT],
      env: { CERTDESK_ACL_PATHS: ['C:\\ProgramData\\CertDesk\\policy.json', 'C:\\ProgramData\\CertDesk', anchor, win32.dirname(anchor)].join('|') },
    }]);
    expect(ACL_SCRIPT).not.toContain('ProgramData');
    expect(ACL_SCRIPT).toContain('GetAccessRules($true, $true, $sid)');
  });

  it('accepts the installer\'s folder, SYSTEM- or TrustedInstaller-owned files, and a Deny for users', () => {
    const item = (Owner: string, Access: Ace[]) => ({ User: USER_SID, Items: [{ Path: FILE, Owner, Access }] });
    expect(aclProblem(item('S-1-5-32-544', INSTALLER_ACL))).toBeNull();
    expect(aclProblem(item('S-1-5-18', INSTALLER_ACL))).toBeNull();
    expect(aclProblem(item('S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464', INSTALLER_ACL))).toBeNull();
    expect(aclProblem(item('S-1-5-32-544', [...INSTALLER_ACL, { Sid: 'S-1-1-0', Rights: RIGHTS.modify, Type: 'Deny' }]))).toBeNull();
  });

  it('refuses what a standard user could have made or can change', async () => {
    // %ProgramData%'s default: Users may create files and folders (inherited, "special"); a
    // folder a user made is theirs (CREATOR OWNER full control).
    const inherited: Ace[] = [
      { Sid: 'S-1-5-18', Rights: RIGHTS.full, Type: 'Allow' },
      { Sid: 'S-1-5-32-544', Rights: RIGHTS.full, Type: 'Allow' },
      { Sid: 'S-1-3-0', Rights: 268435456, Type: 'Allow' },
      { Sid: 'S-1-5-32-545', Rights: RIGHTS.readExecute, Type: 'Allow' },
      { Sid: 'S-1-5-32-545', Rights: 278, Type: 'Allow' },
    ];
    const cases: [string, Ace[], string][] = [
      [USER_SID, INSTALLER_ACL, `owned by ${USER_SID}`],
      ['S-1-5-32-544', inherited, 'Users may write'],
      ['S-1-5-32-544', [...INSTALLER_ACL, { Sid: 'S-1-5-11', Rights: RIGHTS.modify, Type: 'Allow' }], 'Authenticated Users may write'],
      ['S-1-5-32-544', [...INSTALLER_ACL, { Sid: 'S-1-1-0', Rights: RIGHTS.full, Type: 'Allow' }], 'Everyone may write'],
      ['S-1-5-32-544', [...INSTALLER_ACL, { Sid: 'S-1-5-4', Rights: RIGHTS.append, Type: 'Allow' }], 'INTERACTIVE may write'],
      ['S-1-5-32-544', [...INSTALLER_ACL, { Sid: USER_SID, Rights: RIGHTS.modify, Type: 'Allow' }], 'you (the current user) may write'],
      ['S-1-5-32-544', [...INSTALLER_ACL, { Sid: 'S-1-5-32-545', Rights: 0x40000000, Type: 'Allow' }], 'Users may write'],
    ];
    for (const [owner, access, why] of cases) {
      const e = await caught(assertAdminOnly(FILE, [], { ...WIN, runPowerShell: aclAnswer(owner, access) }));
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: FILE, field: '(file)' });
      expect(e.message).toContain(why);
      expect(e.message).toContain(`Ask your IT department to let only SYSTEM and Administrators own and change C:\\ProgramData\\CertDesk and its files (icacls "C:\\ProgramData\\CertDesk" ${ICACLS_FIX}`);
    }
  });

  it('permissions that cannot be read (PowerShell fails, Constrained Language Mode, odd output) are refused, not trusted', async () => {
    for (const r of [{ code: 1, stdout: '' }, { code: 0, stdout: 'not json' }, { code: 0, stdout: JSON.stringify({ User: USER_SID, Items: [] }) }]) {
      const e = await caught(assertAdminOnly(FILE, [], { ...WIN, runPowerShell: async () => r }));
      expect(e.detail).toMatchObject({ reason: 'PERMISSIONS_UNREADABLE' });
    }
  });

  it('a machine file naming a missing anchor file gets the policy\'s own error for it, not a permissions one', async () => {
    const root = join(dir, 'win-missing');
    mkdirSync(root, { recursive: true });
    const machineFile = `${root}\\policy.json`;
    writeFileSync(machineFile, JSON.stringify({ ...BANK, trustAnchorFile: join(root, 'nowhere.pem') }));
    const e = await caught(loadPolicy({ platform: 'win32', env: { APPDATA: join(root, 'AppData') }, machineFile, readRegistry: async () => null, runPowerShell: aclAnswer() }));
    expect(e.detail).toMatchObject({ field: 'trustAnchorFile', file: machineFile });
  });

  it('the loader refuses a user-made machine file, and an anchor file the registry names that users can write', async () => {
    const root = join(dir, 'win');
    mkdirSync(root, { recursive: true });
    const machineFile = `${root}\\ProgramData\\CertDesk\\policy.json`;
    writeFileSync(machineFile, JSON.stringify({ ...BANK, endpoint: 'https://evil.example/.well-known/est', trustAnchorFile: anchor }));
    const opts = { platform: 'win32' as const, env: { APPDATA: join(root, 'AppData') }, machineFile, readRegistry: async () => null };
    const e = await caught(loadPolicy({ ...opts, runPowerShell: aclAnswer(USER_SID) }));
    expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: machineFile });
    expect((await loadPolicy({ ...opts, runPowerShell: aclAnswer() })).origins?.endpoint).toBe(machineFile);

    rmSync(machineFile);
    const calls: { env: Record<string, string> }[] = [];
    const viaReg = { ...opts, readRegistry: async () => ({ values: new Map([['bankName', { type: 'REG_SZ', value: 'x' }], ['endpoint', { type: 'REG_SZ', value: BANK.endpoint }], ['trustAnchorFile', { type: 'REG_SZ', value: anchor }]]), subkeys: [] }) };
    const r = await caught(loadPolicy({ ...viaReg, runPowerShell: aclAnswer('S-1-5-32-544', [...INSTALLER_ACL, { Sid: 'S-1-5-11', Rights: RIGHTS.modify, Type: 'Allow' }], calls as never) }));
    expect(r.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: anchor });
    expect(calls[0]!.env.CERTDESK_ACL_PATHS!.split('|')[0]).toBe(anchor);
  });
});

describe.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)('Linux: the machine file and its folder owned by root, not group- or world-writable (real files)', () => {
  let n = 0;
  /** A machine policy in a folder of its own (mkdtemp: 0700, root's), naming the anchor. */
  function machine(doc: object = { ...BANK, trustAnchorFile: anchor }) {
    const folder = join(dir, `etc${++n}`);
    mkdirSync(folder, { mode: 0o755 });
    const file = join(folder, 'policy.json');
    writeFileSync(file, JSON.stringify(doc), { mode: 0o644 });
    return { folder, file, opts: { platform: 'linux' as const, env: { HOME: join(dir, 'nohome') }, machineFile: file } };
  }

  it('root\'s file in root\'s folder is used', async () => {
    const m = machine();
    expect((await loadPolicy(m.opts)).origins?.endpoint).toBe(m.file);
  });

  it('a file or folder owned by another user, or writable by group or others, is refused with what IT must do', async () => {
    const owned = machine();
    chownSync(owned.file, 1000, 1000);
    const e = await caught(loadPolicy(owned.opts));
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: owned.file });
    expect(e.message).toContain(`${owned.file} is owned by uid 1000, not by root`);
    expect(e.message).toContain(`sudo chown root ${owned.folder} ${owned.file} && sudo chmod go-w ${owned.folder} ${owned.file}`);

    const folder = machine();
    chownSync(folder.folder, 1000, 1000);
    expect((await caught(loadPolicy(folder.opts))).message).toContain(`${folder.folder} is owned by uid 1000`);

    const world = machine();
    chmodSync(world.file, 0o666);
    expect((await caught(loadPolicy(world.opts))).message).toContain(`${world.file} can be written by every user`);

    const group = machine();
    chmodSync(group.folder, 0o775);
    expect((await caught(loadPolicy(group.opts))).message).toContain(`${group.folder} can be written by its group`);
  });

  it('the anchor file it names, and a symbolic link\'s target, count too', async () => {
    const userDir = join(dir, 'userdir');
    mkdirSync(userDir, { mode: 0o755 });
    const userAnchor = join(userDir, 'root.pem');
    writeFileSync(userAnchor, execFileSync('cat', [anchor]));
    chownSync(userDir, 1000, 1000);
    const a = machine({ ...BANK, trustAnchorFile: userAnchor });
    expect((await caught(loadPolicy(a.opts))).message).toContain(`${userDir} is owned by uid 1000`);

    const linked = machine();
    rmSync(linked.file);
    const target = join(userDir, 'policy.json');
    writeFileSync(target, JSON.stringify({ ...BANK, trustAnchorFile: anchor }));
    symlinkSync(target, linked.file);
    expect((await caught(loadPolicy(linked.opts))).message).toContain(`${userDir} is owned by uid 1000`);
  });
});
