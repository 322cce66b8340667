// The machine policy outranks the bank's built-in one, so it counts only when no one but an
// administrator can have written it: a file (or its folder) a standard user can write would
// let any user of the PC choose the endpoint and trust anchor for every other user. The
// same goes for the trust anchor file it names. Windows: the owner and the ACL, read by one
// constant PowerShell script (the paths reach it through an environment variable); macOS and
// Linux: owned by root and not writable by group or others.
import { execFile } from 'node:child_process';
import { realpath, stat } from 'node:fs/promises';
import { dirname, win32 } from 'node:path';
import { system32Tool } from '../../../shared/windows-tools';
import { CoreError } from '../errors';

export const SID = {
  system: 'S-1-5-18',
  administrators: 'S-1-5-32-544',
  trustedInstaller: 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464',
  users: 'S-1-5-32-545',
  authenticatedUsers: 'S-1-5-11',
  everyone: 'S-1-1-0',
  interactive: 'S-1-5-4',
} as const;

const ADMIN_OWNERS = new Set<string>([SID.system, SID.administrators, SID.trustedInstaller]);
const NOT_ADMINS = new Map<string, string>([
  [SID.users, 'Users'],
  [SID.authenticatedUsers, 'Authenticated Users'],
  [SID.everyone, 'Everyone'],
  [SID.interactive, 'INTERACTIVE'],
]);
// FileSystemRights that let the holder change what the file says or put another in its
// place: WriteData/CreateFiles, AppendData/CreateDirectories, DeleteSubdirectoriesAndFiles,
// Delete, ChangePermissions, TakeOwnership, GENERIC_ALL, GENERIC_WRITE (Modify and
// FullControl include them).
const WRITE_RIGHTS = 0x2 | 0x4 | 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x10000000 | 0x40000000;

/** What IT runs (and the per-machine installer runs) on the policy's folder. */
export const ICACLS_FIX = '/inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX';

export const POWERSHELL_EXE = (env: Record<string, string | undefined>) => system32Tool(env, 'WindowsPowerShell\\v1.0\\powershell.exe');
export const ACL_PS_ARGS = ['-NoProfile', '-NonInteractive', '-Command'];
/** Each path in $env:CERTDESK_ACL_PATHS ('|'-separated: no Windows path holds one): its owner and its ACEs, all as SIDs (names are localised). */
export const ACL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$sid = [System.Security.Principal.SecurityIdentifier]',
  "$rows = foreach ($p in ($env:CERTDESK_ACL_PATHS -split '\\|')) { $a = Get-Acl -LiteralPath $p; [pscustomobject]@{ Path = $p; Owner = $a.GetOwner($sid).Value; Access = @(foreach ($r in $a.GetAccessRules($true, $true, $sid)) { [pscustomobject]@{ Sid = $r.IdentityReference.Value; Rights = [int64]$r.FileSystemRights; Type = [string]$r.AccessControlType } }) } }",
  'ConvertTo-Json -InputObject ([pscustomobject]@{ User = [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value; Items = @($rows) }) -Depth 5 -Compress',
].join('; ');

export interface AclReport {
  /** The current user's SID. */
  User: string;
  Items: { Path: string; Owner: string; Access: { Sid: string; Rights: number; Type: string }[] }[];
}

/** Why a path of the report is not admin-only, or null when every path is. */
export function aclProblem(report: AclReport): string | null {
  const others = new Map(NOT_ADMINS);
  others.set(report.User, 'you (the current user)');
  for (const item of report.Items) {
    if (!ADMIN_OWNERS.has(item.Owner)) return `${item.Path} is owned by ${item.Owner}, not by Administrators or SYSTEM`;
    for (const ace of item.Access) {
      const who = others.get(ace.Sid);
      if (who && ace.Type === 'Allow' && ((ace.Rights >>> 0) & WRITE_RIGHTS) !== 0) return `${who} may write ${item.Path}`;
    }
  }
  return null;
}

export type PsRun = (file: string, args: string[], env: Record<string, string>) => Promise<{ code: number; stdout: string }>;

const runPs: PsRun = (file, args, env) =>
  new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, windowsHide: true, timeout: 30_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0, stdout: String(stdout ?? '') });
    });
  });

export interface MachineTrustDeps {
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  /** Windows: runs ACL_SCRIPT (tests give their own). */
  runPowerShell?: PsRun;
}

function refused(file: string, why: string, reason: string, fix: string): CoreError {
  return new CoreError(
    'POLICY_INVALID',
    `The machine policy ${file} is not used: ${why}, so a user who is not an administrator could change it for everyone on this PC. Ask your IT department to ${fix}`,
    { field: '(file)', file, reason },
  );
}

/**
 * Refuses (POLICY_INVALID) unless `file` and each of `more` (the trust anchor file the
 * machine layer names), and their folders, can be written only by administrators.
 */
export async function assertAdminOnly(file: string, anchors: string[], deps: MachineTrustDeps = {}): Promise<void> {
  const platform = deps.platform ?? process.platform;
  // An anchor file that is missing is the policy's own error ("cannot be read"), said later by parsePolicy.
  const more = (await Promise.all(anchors.map(async (f) => ((await stat(f).catch(() => null)) ? f : null)))).filter((f): f is string => f !== null);
  if (platform === 'win32') {
    const paths = [...new Set([file, ...more].flatMap((f) => [f, win32.dirname(f)]))];
    const folder = win32.dirname(file);
    const fix = `let only SYSTEM and Administrators own and change ${folder} and its files (icacls "${folder}" ${ICACLS_FIX}, as the CertDesk installer does; and icacls "${folder}" /setowner *S-1-5-32-544 /T).`;
    const env = deps.env ?? process.env;
    const r = await (deps.runPowerShell ?? runPs)(POWERSHELL_EXE(env), [...ACL_PS_ARGS, ACL_SCRIPT], { CERTDESK_ACL_PATHS: paths.join('|') });
    let report: AclReport | null = null;
    try {
      const v = JSON.parse(r.stdout.replace(/^\uFEFF/, '').trim()) as AclReport;
      if (r.code === 0 && typeof v?.User === 'string' && Array.isArray(v.Items) && v.Items.length === paths.length) report = v;
    } catch {
      report = null;
    }
    // Unverified is refused: Windows PowerShell in Constrained Language Mode (AppLocker/WDAC) cannot run the check.
    if (!report) throw refused(file, 'its permissions could not be read (Windows PowerShell did not answer; is it in Constrained Language Mode?)', 'PERMISSIONS_UNREADABLE', `allow CertDesk to read the permissions with Windows PowerShell, or ${fix}`);
    const why = aclProblem(report);
    if (why) throw refused(file, why, 'WRITABLE_BY_USERS', fix);
    return;
  }
  const paths = new Set<string>();
  for (const f of [file, ...more]) {
    paths.add(f);
    paths.add(dirname(f));
    // A symbolic link: the file it points to and that file's folder count as well.
    const real = await realpath(f).catch(() => f);
    paths.add(real);
    paths.add(dirname(real));
  }
  const folder = dirname(file);
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s) throw refused(file, `${p} cannot be read`, 'PERMISSIONS_UNREADABLE', `check ${p}.`);
    const fix = `make root the owner of ${folder} and its files and let only root write them (sudo chown root ${folder} ${file} && sudo chmod go-w ${folder} ${file}).`;
    if (s.uid !== 0) throw refused(file, `${p} is owned by uid ${s.uid}, not by root`, 'WRITABLE_BY_USERS', fix);
    if ((s.mode & 0o022) !== 0) throw refused(file, `${p} can be written by ${s.mode & 0o002 ? 'every user' : 'its group'}`, 'WRITABLE_BY_USERS', fix);
  }
}
