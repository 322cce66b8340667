// The machine policy counts only when only administrators can have written it (review HIGH1:
// %ProgramData%\CertDesk is creatable by every standard user by default, and the machine file
// outranks the bank's built-in policy); each file is checked and read through one open file,
// and every folder up to the root counts (issue 23 item 7). Windows: the exact PowerShell command and what it
// prints on real PCs (owner and ACEs as SIDs); Linux: real files, chowned and chmodded (the
// tests run as root).
import { execFileSync } from 'node:child_process';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { ACL_SCRIPT, aclProblem, ICACLS_FIX, readAdminOnly, windowsFolders, type PsRun } from '../../src/main/core/config/machine-trust';
import { caught } from '../support/caught';
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
const WIN = { platform: 'win32' as const, env: { SystemRoot: 'C:\\WINDOWS' } };
/** A machine file named the Windows way (on this Linux file system the backslashes are part of one file name). */
let FILE: string;
let FOLDER: string;
beforeAll(() => {
  FOLDER = `${dir}\\ProgramData\\CertDesk`;
  FILE = `${FOLDER}\\policy.json`;
  writeFileSync(FILE, JSON.stringify(BANK));
});
const asPolicy = (f: string) => ({ policy: f });

describe('Windows: owner and ACL of the machine file, its folder and its anchor', () => {
  it('runs one constant script by full path, the file and every folder above it in CERTDESK_ACL_PATHS only, and reads the file it holds open', async () => {
    const calls: { file: string; args: string[]; env: Record<string, string> }[] = [];
    const text = await readAdminOnly(FILE, asPolicy(FILE), { ...WIN, runPowerShell: aclAnswer(undefined, undefined, calls) });
    expect(JSON.parse(text)).toEqual(BANK);
    expect(calls).toEqual([{
      file: 'C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-Command', ACL_SCRIPT],
      env: { CERTDESK_ACL_PATHS: [FILE, ...windowsFolders(FILE)].join('|') },
    }]);
    expect(windowsFolders('C:\\ProgramData\\CertDesk\\policy.json')).toEqual(['C:\\ProgramData\\CertDesk', 'C:\\ProgramData', 'C:\\']);
    expect(windowsFolders('\\\\srv\\it\\certdesk\\root.pem')).toEqual(['\\\\srv\\it\\certdesk', '\\\\srv\\it\\']);
    expect(ACL_SCRIPT).not.toContain('ProgramData');
    expect(ACL_SCRIPT).toContain('GetAccessRules($true, $true, $sid)');
    expect(ACL_SCRIPT).toContain('InheritOnly = (([int]$r.PropagationFlags -band 2) -ne 0)');
  });

  it('a file swapped at its path while the permissions are read is refused: the path must still lead to the file held open', async () => {
    const swapped = join(dir, 'swap.json');
    writeFileSync(swapped, JSON.stringify(BANK));
    writeFileSync(join(dir, 'evil.json'), JSON.stringify({ ...BANK, endpoint: 'https://evil.example/.well-known/est' }));
    const answer = aclAnswer();
    const e = await caught(readAdminOnly(swapped, asPolicy(swapped), { ...WIN, runPowerShell: async (f, a, env) => {
      // During the PowerShell run, another file is renamed over the one CertDesk opened.
      renameSync(join(dir, 'evil.json'), swapped);
      return answer(f, a, env);
    } }));
    expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: swapped });
    expect(e.message).toContain(`${swapped} was replaced while CertDesk read it`);
  });

  it('a missing file is not checked and not read: the read error, never a later read', async () => {
    const calls: unknown[] = [];
    const e = await readAdminOnly(join(dir, 'missing.pem'), { anchor: join(dir, 'missing.pem'), by: FILE }, { ...WIN, runPowerShell: aclAnswer(undefined, undefined, calls as never) }).catch((err: unknown) => err);
    expect(e).toMatchObject({ failure: { reason: 'MISSING' } });
    expect(calls).toEqual([]);
  });

  it('the folders above: Windows\' own C:\\ and %ProgramData% are fine; a folder above that users may rename, empty or re-permission is not', async () => {
    // C:\ and %ProgramData% as Windows ships them: Users may create folders there (AppendData,
    // WriteData), Authenticated Users' Modify on C:\ is inherit-only (for what they create).
    const driveRoot: Ace[] = [...INSTALLER_ACL, { Sid: 'S-1-5-11', Rights: RIGHTS.append, Type: 'Allow' }, { Sid: 'S-1-5-11', Rights: RIGHTS.modify, Type: 'Allow', InheritOnly: true }];
    const programData: Ace[] = [...INSTALLER_ACL, { Sid: 'S-1-3-0', Rights: RIGHTS.full, Type: 'Allow', InheritOnly: true }, { Sid: 'S-1-5-32-545', Rights: 278, Type: 'Allow' }];
    const answer = (above: Ace[], owner = 'S-1-5-32-544'): PsRun => async (_f, _a, env) => ({
      code: 0,
      stdout: JSON.stringify({ User: USER_SID, Items: env.CERTDESK_ACL_PATHS!.split('|').map((p, i) => ({ Path: p, Owner: i < 2 ? 'S-1-5-32-544' : owner, Access: i < 2 ? INSTALLER_ACL : i === 2 ? programData : above })) }),
    });
    await expect(readAdminOnly(FILE, asPolicy(FILE), { ...WIN, runPowerShell: answer(driveRoot) })).resolves.toContain('テスト銀行');
    const cases: [Ace[], string, string][] = [
      [[...INSTALLER_ACL, { Sid: 'S-1-5-32-545', Rights: RIGHTS.modify, Type: 'Allow' }], 'S-1-5-32-544', 'Users may replace what is in'],
      [[...INSTALLER_ACL, { Sid: 'S-1-5-11', Rights: 0x40, Type: 'Allow' }], 'S-1-5-32-544', 'Authenticated Users may replace what is in'],
      [[...INSTALLER_ACL, { Sid: USER_SID, Rights: 0x40000, Type: 'Allow' }], 'S-1-5-32-544', 'you (the current user) may replace what is in'],
      [driveRoot, USER_SID, `is owned by ${USER_SID}`],
    ];
    for (const [above, owner, why] of cases) {
      const e = await caught(readAdminOnly(FILE, asPolicy(FILE), { ...WIN, runPowerShell: answer(above, owner) }));
      expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: FILE });
      expect(e.message).toContain(why);
    }
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
      const e = await caught(readAdminOnly(FILE, asPolicy(FILE), { ...WIN, runPowerShell: aclAnswer(owner, access) }));
      expect(e.code).toBe('POLICY_INVALID');
      expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: FILE, field: '(file)' });
      expect(e.message).toContain(why);
      expect(e.message).toContain(`Ask your IT department to let only SYSTEM and Administrators own and change ${FOLDER} and its files (icacls "${FOLDER}" ${ICACLS_FIX}`);
    }
  });

  it('permissions that cannot be read (PowerShell fails, Constrained Language Mode, odd output) are refused, not trusted', async () => {
    for (const r of [{ code: 1, stdout: '' }, { code: 0, stdout: 'not json' }, { code: 0, stdout: JSON.stringify({ User: USER_SID, Items: [] }) }]) {
      const e = await caught(readAdminOnly(FILE, asPolicy(FILE), { ...WIN, runPowerShell: async () => r }));
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

  it('every folder up to /: a root-owned anchor folder inside a folder a user owns is refused (the user could swap the folder)', async () => {
    const userParent = join(dir, 'user-parent');
    mkdirSync(join(userParent, 'anchors'), { recursive: true, mode: 0o755 });
    const rootAnchor = join(userParent, 'anchors', 'root.pem');
    writeFileSync(rootAnchor, readFileSync(anchor), { mode: 0o644 });
    chownSync(userParent, 1000, 1000);
    const m = machine({ ...BANK, trustAnchorFile: rootAnchor });
    const e = await caught(loadPolicy(m.opts));
    expect(e.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file: rootAnchor, field: 'trustAnchorFile' });
    expect(e.message).toContain(`The trust anchor ${rootAnchor} (trustAnchorFile of ${m.file}) is not used: ${userParent} is owned by uid 1000, not by root`);
    expect(e.message).toContain(`in a folder whose every parent only root can write (${userParent} is not; /etc/certdesk is)`);

    // The machine file itself, in a root-owned folder inside a group-writable one.
    const parent = join(dir, 'group-parent');
    mkdirSync(join(parent, 'certdesk'), { recursive: true, mode: 0o755 });
    chmodSync(parent, 0o775);
    const file = join(parent, 'certdesk', 'policy.json');
    writeFileSync(file, JSON.stringify({ ...BANK, trustAnchorFile: anchor }), { mode: 0o644 });
    const g = await caught(loadPolicy({ platform: 'linux', env: { HOME: join(dir, 'nohome') }, machineFile: file }));
    expect(g.detail).toMatchObject({ reason: 'WRITABLE_BY_USERS', file });
    expect(g.message).toContain(`${parent} can be written by its group`);
  });

  it('a sticky folder anyone may write into (/tmp) holds root\'s entries safely; a user\'s entry or link there is refused', async () => {
    const shared = join(dir, 'sticky');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const rootAnchor = join(shared, 'root.pem');
    writeFileSync(rootAnchor, readFileSync(anchor), { mode: 0o644 });
    expect((await loadPolicy(machine({ ...BANK, trustAnchorFile: rootAnchor }).opts)).policy.trustAnchorPem).toContain('BEGIN CERTIFICATE');
    // A user's symbolic link there, to root's own anchor: they could point it at any root-owned CA file.
    const link = join(shared, 'link.pem');
    symlinkSync(rootAnchor, link);
    execFileSync('chown', ['-h', '1000:1000', link]);
    const e = await caught(loadPolicy(machine({ ...BANK, trustAnchorFile: link }).opts));
    expect(e.message).toContain(`${link} is owned by uid 1000, not by root`);
  });

  it('race: an anchor a user creates and removes in a loop is never taken (checked and read through one open file)', { timeout: 120_000 }, async () => {
    const evilDir = join(dir, 'race');
    mkdirSync(evilDir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const evilKey = join(evilDir, 'evil.key');
    const evil = join(evilDir, 'evil.src');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=attacker', '-days', '30', '-keyout', evilKey, '-out', evil], { stdio: 'ignore' });
    const evilPem = readFileSync(evil, 'utf8');
    chownSync(evilDir, 1000, 1000);
    chownSync(evil, 1000, 1000);
    const target = join(evilDir, 'root.pem');
    const m = machine({ ...BANK, trustAnchorFile: target });
    // The attacker (uid 1000) puts their CA in place and takes it away again, as fast as it can.
    const toggler = spawn('sh', ['-c', `while :; do cp ${evil} ${target}.tmp && mv ${target}.tmp ${target}; rm -f ${target}; done`], { uid: 1000, gid: 1000, stdio: 'ignore' });
    const seen = { taken: 0, refused: 0, missing: 0, other: 0 };
    try {
      // Until the race has been met both ways many times (a count, not a time).
      for (let i = 0; i < 20_000 && (seen.refused < 200 || seen.missing < 200); i++) {
        try {
          const l = await loadPolicy(m.opts);
          if (l.policy.trustAnchorPem === evilPem.trim() + '\n') seen.taken++;
          else seen.other++;
        } catch (err) {
          const d = (err as { detail?: { reason?: string } }).detail;
          if (d?.reason === 'WRITABLE_BY_USERS') seen.refused++;
          else if (/names .* which cannot be read/.test((err as Error).message)) seen.missing++;
          else seen.other++;
        }
      }
    } finally {
      toggler.kill('SIGKILL');
    }
    console.log(`anchor race: ${JSON.stringify(seen)}`);
    expect(seen.taken).toBe(0);
    expect(seen.other).toBe(0);
    expect(seen.refused).toBeGreaterThanOrEqual(200);
    expect(seen.missing).toBeGreaterThanOrEqual(200);
  });
});
