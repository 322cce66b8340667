// The machine policy outranks the bank's built-in one, so it counts only when no one but an
// administrator can have written it: a file (or a folder above it) a standard user can write
// would let any user of the PC choose the endpoint and trust anchor for every other user.
// The same goes for the trust anchor file it (or the registry) names. Each is opened once,
// checked, and read through that same open file, so nothing can be swapped between the check
// and the read (a missing file is never "skipped" at the check and read later). Windows: the
// owner and ACL of the file and of every folder up to the drive's root read by one constant
// PowerShell script (the paths reach it through an environment variable), then the path must
// still name the file held open (same volume and file index); macOS and Linux:
// the opened file owned by root and not writable by group or others, and every folder on
// its path from / (through each symbolic link) the same, the path ending at that very file.
import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { lstat, readlink, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve, win32 } from 'node:path';
import { system32Tool } from '../../../shared/windows-tools';
import { CoreError } from '../errors';
import { readTextBounded } from './bounded-read';
import type { ReasonOf } from '../../../shared/contract';

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
  "$rows = foreach ($p in ($env:CERTDESK_ACL_PATHS -split '\\|')) { $a = Get-Acl -LiteralPath $p; [pscustomobject]@{ Path = $p; Owner = $a.GetOwner($sid).Value; Access = @(foreach ($r in $a.GetAccessRules($true, $true, $sid)) { [pscustomobject]@{ Sid = $r.IdentityReference.Value; Rights = [int64]$r.FileSystemRights; Type = [string]$r.AccessControlType; InheritOnly = (([int]$r.PropagationFlags -band 2) -ne 0) } }) } }",
  'ConvertTo-Json -InputObject ([pscustomobject]@{ User = [System.Security.Principal.WindowsIdentity]::GetCurrent().User.Value; Items = @($rows) }) -Depth 5 -Compress',
].join('; ');

export interface AclReport {
  /** The current user's SID. */
  User: string;
  Items: { Path: string; Owner: string; Access: { Sid: string; Rights: number; Type: string; InheritOnly?: boolean }[] }[];
}

// On a folder above the file's own: the rights that let the holder take a child away or put
// another in its place (DeleteSubdirectoriesAndFiles, Delete, ChangePermissions,
// TakeOwnership, GENERIC_ALL). Creating files or folders there (what Users may do in C:\ and
// %ProgramData% by default) does not touch an existing one.
const ANCESTOR_RIGHTS = 0x40 | 0x10000 | 0x40000 | 0x80000 | 0x10000000;

/**
 * Why a path of the report is not admin-only, or null when every path is. `ancestors` are the
 * folders above the file's own: judged by ANCESTOR_RIGHTS. An inherit-only ACE does not apply
 * to the item itself.
 */
export function aclProblem(report: AclReport, ancestors: ReadonlySet<string> = new Set()): string | null {
  const others = new Map(NOT_ADMINS);
  others.set(report.User, 'you (the current user)');
  for (const item of report.Items) {
    if (!ADMIN_OWNERS.has(item.Owner)) return `${item.Path} is owned by ${item.Owner}, not by Administrators or SYSTEM`;
    const rights = ancestors.has(item.Path) ? ANCESTOR_RIGHTS : WRITE_RIGHTS;
    for (const ace of item.Access) {
      const who = others.get(ace.Sid);
      if (who && ace.Type === 'Allow' && !ace.InheritOnly && ((ace.Rights >>> 0) & rights) !== 0) return `${who} may ${ancestors.has(item.Path) ? 'replace what is in' : 'write'} ${item.Path}`;
    }
  }
  return null;
}

export type PsRun = (file: string, args: string[], env: Record<string, string>) => Promise<{ code: number; stdout: string }>;

/** Runs Windows PowerShell (by full path) with extra environment; the exit code (-1: did not start or was stopped) and stdout. */
export const runPs: PsRun = (file, args, env) =>
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

/** What is read: the machine policy file, or a trust anchor file that `by` (the machine file or a registry value) names. */
export type Trusted = { policy: string } | { anchor: string; by: string };

function refused(file: string, what: Trusted, why: string, reason: ReasonOf<'POLICY_INVALID'>, fix: string): CoreError {
  const subject = 'policy' in what ? `The machine policy ${file}` : `The trust anchor ${file} (trustAnchorFile of ${what.by})`;
  const scope = 'policy' in what ? 'it' : 'the bank CertDesk trusts';
  return new CoreError(
    'POLICY_INVALID',
    `${subject} is not used: ${why}, so a user who is not an administrator could change ${scope} for everyone on this PC. Ask your IT department to ${fix}`,
    { field: 'policy' in what ? '(file)' : 'trustAnchorFile', file, reason },
  );
}

/** The folders above `file` on Windows, nearest first, up to the drive's (or share's) root. */
export function windowsFolders(file: string): string[] {
  const out: string[] = [];
  for (let d = win32.dirname(file); !out.includes(d); d = win32.dirname(d)) out.push(d);
  return out;
}

/**
 * Windows: the owner and ACL of the file and every folder above it, by path; then the path
 * must still lead to the file held open. (Not an exclusive open: a second CertDesk reading the
 * policy at the same moment, the app and its core process, would fail with a sharing violation.)
 */
async function windowsCheck(file: string, what: Trusted, deps: MachineTrustDeps, fh: FileHandle): Promise<void> {
  const folders = windowsFolders(file);
  const paths = [file, ...folders];
  const folder = folders[0]!;
  const fix = `let only SYSTEM and Administrators own and change ${folder} and its files (icacls "${folder}" ${ICACLS_FIX}, as the CertDesk installer does; and icacls "${folder}" /setowner *S-1-5-32-544 /T), in a folder no user may rename or replace (such as %ProgramData%).`;
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
  if (!report) throw refused(file, what, 'its permissions could not be read (Windows PowerShell did not answer; is it in Constrained Language Mode?)', 'PERMISSIONS_UNREADABLE', `allow CertDesk to read the permissions with Windows PowerShell, or ${fix}`);
  const why = aclProblem(report, new Set(folders.slice(1)));
  if (why) throw refused(file, what, why, 'WRITABLE_BY_USERS', fix);
  const [held, named] = await Promise.all([fh.stat({ bigint: true }), stat(file, { bigint: true }).catch(() => null)]);
  if (!named || held.dev !== named.dev || held.ino !== named.ino) throw refused(file, what, `${file} was replaced while CertDesk read it`, 'WRITABLE_BY_USERS', fix);
}

/** A folder on the path: root's, and not writable by others unless sticky (then only its owner's entries can be renamed). */
function folderProblem(p: string, st: Stats): string | null {
  if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not by root`;
  if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return `${p} can be written by ${st.mode & 0o002 ? 'every user' : 'its group'}`;
  return null;
}

/**
 * Walks `file`'s path from / as the kernel does (each symbolic link followed where it is
 * found), checking every folder it passes, and that the path ends at the opened file.
 */
async function pathProblem(file: string, opened: Stats): Promise<{ at: string; why: string } | null> {
  const root = await stat('/');
  const rootProblem = folderProblem('/', root);
  if (rootProblem) return { at: '/', why: rootProblem };
  const sticky = new Map<string, boolean>([['/', (root.mode & 0o1022) > 0o1000]]);
  let todo = resolve(file).split('/').filter(Boolean);
  let cur = '/';
  for (let hops = 0; todo.length > 0; ) {
    const name = todo.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      cur = dirname(cur);
      continue;
    }
    const p = join(cur, name);
    const st = await lstat(p).catch(() => null);
    if (!st) return { at: p, why: `${p} cannot be read` };
    // In a folder others may write into (sticky: /tmp), only root's entries are root's to keep.
    if (sticky.get(cur) && st.uid !== 0) return { at: p, why: `${p} is owned by uid ${st.uid}, not by root` };
    if (st.isSymbolicLink()) {
      if (++hops > 40) return { at: file, why: `${file} goes through too many symbolic links` };
      const target = await readlink(p);
      if (target.startsWith('/')) cur = '/';
      todo = [...target.split('/').filter(Boolean), ...todo];
      continue;
    }
    if (todo.length === 0) return st.dev === opened.dev && st.ino === opened.ino ? null : { at: file, why: `${file} was replaced while CertDesk read it` };
    if (!st.isDirectory()) return { at: p, why: `${p} is not a folder` };
    const problem = folderProblem(p, st);
    if (problem) return { at: p, why: problem };
    sticky.set(p, (st.mode & 0o1022) > 0o1000);
    cur = p;
  }
  return { at: file, why: `${file} is a folder` };
}

/** macOS and Linux: the opened file, then every folder on its path. */
async function unixCheck(file: string, what: Trusted, fh: FileHandle): Promise<void> {
  const folder = dirname(file);
  const fix = (p: string) =>
    `make root the owner of ${folder} and its files and let only root write them (sudo chown root ${folder} ${file} && sudo chmod go-w ${folder} ${file})${p === file || p === folder ? '' : `, in a folder whose every parent only root can write (${p} is not; /etc/certdesk is)`}.`;
  const st = await fh.stat();
  if (st.uid !== 0) throw refused(file, what, `${file} is owned by uid ${st.uid}, not by root`, 'WRITABLE_BY_USERS', fix(file));
  if ((st.mode & 0o022) !== 0) throw refused(file, what, `${file} can be written by ${st.mode & 0o002 ? 'every user' : 'its group'}`, 'WRITABLE_BY_USERS', fix(file));
  const problem = await pathProblem(file, st);
  if (problem) throw refused(file, what, problem.why, 'WRITABLE_BY_USERS', fix(problem.at));
}

/**
 * The text of `file` (the machine policy, or a trust anchor it or the registry names), read
 * through the one open file that was checked; POLICY_INVALID when someone other than an
 * administrator can have written it. A file that cannot be read is a BoundedReadError, as
 * for any policy file (the caller words it).
 */
export async function readAdminOnly(file: string, what: Trusted, deps: MachineTrustDeps = {}): Promise<string> {
  const platform = deps.platform ?? process.platform;
  if (platform === 'win32') return readTextBounded(file, { check: (fh) => windowsCheck(file, what, deps, fh) });
  return readTextBounded(file, { check: (fh) => unixCheck(file, what, fh) });
}
