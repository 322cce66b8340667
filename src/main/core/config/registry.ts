// The Windows registry's policy key (HKLM\Software\Policies\CertDesk, where GPO writes, as
// Chrome and VS Code read theirs), read by one constant Windows PowerShell script that prints
// each value's name, kind and data as JSON: structured, so a value holding a line break stays
// one value (reg query's text, parsed line by line, let "\r\n    endpoint    REG_SZ    …" inside
// a REG_SZ read as another value). The command is checked by its exact arguments. reg.exe's
// text is still read for one value of a key only admins write (ProgramData, below).
import { execFile } from 'node:child_process';
import { system32Tool } from '../../../shared/windows-tools';
import { CoreError } from '../errors';
import { ACL_PS_ARGS, POWERSHELL_EXE, runPs, type PsRun } from './machine-trust';

export const REGISTRY_KEY = 'HKLM\\Software\\Policies\\CertDesk';

/**
 * The policy key's values and subkeys as JSON ({"Exists":false} when there is no key). Only
 * cmdlets, operators and core types, so that it runs in Constrained Language Mode (AppLocker,
 * WDAC), where the guide sends IT when the machine file's ACL cannot be read. The kind comes
 * from the .NET type Get-ItemProperty gives (string, int = REG_DWORD, long = REG_QWORD,
 * string[] = REG_MULTI_SZ, byte[] = REG_BINARY). Every character above ASCII is written as
 * \uXXXX, so the console's code page (CP932 on Japanese Windows) cannot change a byte.
 */
export const REG_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$p = 'HKLM:\\Software\\Policies\\CertDesk'",
  // No double quote anywhere in the script: it passes through Windows' command-line quoting unchanged.
  'if (-not (Test-Path -LiteralPath $p)) { ConvertTo-Json -InputObject ([pscustomobject]@{ Exists = $false }) -Compress; exit 0 }',
  '$k = Get-Item -LiteralPath $p',
  '$v = Get-ItemProperty -LiteralPath $p',
  "$rows = @(foreach ($n in $k.Property) { $x = $v.$n; $t = if ($x -is [string]) { 'String' } elseif ($x -is [int]) { 'DWord' } elseif ($x -is [long]) { 'QWord' } elseif ($x -is [string[]]) { 'MultiString' } elseif ($x -is [byte[]]) { 'Binary' } else { 'Other' }; [pscustomobject]@{ Name = [string]$n; Kind = $t; Value = $(if ($t -eq 'Binary' -or $t -eq 'Other') { $null } else { $x }) } })",
  '$subs = @(foreach ($s in @(Get-ChildItem -LiteralPath $p)) { [string]$s.PSChildName })',
  '$j = ConvertTo-Json -InputObject ([pscustomobject]@{ Exists = $true; Values = $rows; Subkeys = $subs }) -Depth 4 -Compress',
  "-join ($j.ToCharArray() | ForEach-Object { if ([int]$_ -gt 126) { '\\u{0:x4}' -f [int]$_ } else { [string]$_ } })",
].join('; ');

export type RegistryValue = { type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string } | { type: 'REG_DWORD' | 'REG_QWORD'; value: number } | { type: string; value: string };

const KINDS: Record<string, string> = { String: 'REG_SZ', DWord: 'REG_DWORD', QWord: 'REG_QWORD', MultiString: 'REG_MULTI_SZ', Binary: 'REG_BINARY' };

/** REG_SCRIPT's output as the key; null when there is no key; undefined when it is not what the script prints. */
export function parseRegScriptOutput(stdout: string): RegistryKey | null | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout.replace(/^\uFEFF/, '').trim());
  } catch {
    return undefined;
  }
  const d = doc as { Exists?: unknown; Values?: unknown; Subkeys?: unknown };
  if (typeof d !== 'object' || d === null) return undefined;
  if (d.Exists === false) return null;
  if (d.Exists !== true || !Array.isArray(d.Values) || !Array.isArray(d.Subkeys)) return undefined;
  const values = new Map<string, RegistryValue>();
  for (const row of d.Values as { Name?: unknown; Kind?: unknown; Value?: unknown }[]) {
    if (typeof row?.Name !== 'string' || typeof row.Kind !== 'string') return undefined;
    const type = KINDS[row.Kind] ?? 'REG_NONE';
    // A REG_DWORD comes as a signed Int32: 0xffffffff is -1.
    if ((type === 'REG_DWORD' || type === 'REG_QWORD') && typeof row.Value === 'number') values.set(row.Name, { type, value: type === 'REG_DWORD' ? row.Value >>> 0 : row.Value });
    else if (type === 'REG_SZ' && typeof row.Value === 'string') values.set(row.Name, { type, value: row.Value });
    else values.set(row.Name, { type, value: type === 'REG_MULTI_SZ' ? JSON.stringify(row.Value) : '' });
  }
  const subkeys = (d.Subkeys as unknown[]).filter((s): s is string => typeof s === 'string').map((s) => `${REGISTRY_KEY}\\${s}`);
  return { values, subkeys };
}

export interface RegistryKey {
  /** Values directly under the policy key, by name. */
  values: Map<string, RegistryValue>;
  /** Subkeys seen (fields are values of the key itself; JSON-valued ones are REG_SZ JSON). */
  subkeys: string[];
}

/**
 * `reg query KEY /s` output: a line with the key's full name, then its values indented by four
 * spaces as NAME    TYPE    DATA (columns separated by four spaces; DATA may contain spaces).
 */
export function parseRegQuery(output: string, key: string = REGISTRY_KEY): RegistryKey {
  const values = new Map<string, RegistryValue>();
  const subkeys: string[] = [];
  const root = key.replace(/^HKLM\\/i, 'HKEY_LOCAL_MACHINE\\').toLowerCase();
  let current: string | null = null;
  for (const raw of output.split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    if (!raw.startsWith(' ')) {
      current = raw.trim();
      if (current.toLowerCase() !== root) subkeys.push(current);
      continue;
    }
    if (current?.toLowerCase() !== root) continue;
    const m = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(raw);
    if (!m) continue;
    const [, name, type, data = ''] = m;
    if (type === 'REG_DWORD' || type === 'REG_QWORD') values.set(name!, { type, value: Number.parseInt(data, 16) });
    else values.set(name!, { type: type!, value: data });
  }
  return { values, subkeys };
}

/** reg.exe writes in the console's code page (CP932 on Japanese Windows) unless it is UTF-8: decode what came. */
export function decodeRegOutput(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('shift_jis').decode(bytes);
  }
}

/** reg.exe's exit code (-1: it did not start, or was stopped), and what it printed on stdout. */
export type RegRunner = (args: readonly string[]) => Promise<{ code: number; stdout: Uint8Array }>;

/** Windows' reg.exe by full path (never one in the current folder). */
export function regExe(env: Record<string, string | undefined> = process.env): string {
  return system32Tool(env, 'reg.exe');
}

export const runReg: RegRunner = (args) =>
  new Promise((resolve) => {
    execFile(regExe(), [...args], { encoding: 'buffer', windowsHide: true, timeout: 10_000 }, (err, stdout) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: (stdout as Uint8Array | undefined) ?? new Uint8Array() });
    });
  });

/** Windows PowerShell's arguments for the policy key (REG_SCRIPT takes nothing from outside). */
export const REG_PS_ARGS: readonly string[] = [...ACL_PS_ARGS, REG_SCRIPT];

/**
 * The key's values, or null when the key does not exist. Anything else (PowerShell did not
 * start, failed, or printed something else) is POLICY_INVALID: IT's locked values are never
 * dropped silently.
 */
export async function queryPolicyKey(run: PsRun = runPs, env: Record<string, string | undefined> = process.env): Promise<RegistryKey | null> {
  const r = await run(POWERSHELL_EXE(env), [...REG_PS_ARGS], {});
  const key = r.code === 0 ? parseRegScriptOutput(r.stdout) : undefined;
  if (key !== undefined) return key;
  throw new CoreError(
    'POLICY_INVALID',
    `The policy key ${REGISTRY_KEY} could not be read (Windows PowerShell ${r.code === -1 ? 'did not run' : r.code === 0 ? 'gave an answer CertDesk does not understand' : `exited with ${r.code}`}). Restart the PC; if it stays, ask your IT department to check the key's permissions and that ${POWERSHELL_EXE(env)} is intact.`,
    { field: '(registry)', file: REGISTRY_KEY, reason: 'REGISTRY_UNREADABLE' },
  );
}

const PROFILE_LIST = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
/** reg.exe's arguments for the ProgramData folder as Windows records it (REG_EXPAND_SZ "%SystemDrive%\ProgramData"). */
export const PROGRAMDATA_QUERY_ARGS: readonly string[] = ['query', PROFILE_LIST, '/v', 'ProgramData'];

/**
 * %ProgramData% from the registry, not from the environment (which any process of the user
 * can change): %SystemDrive% in it is the drive of the Windows folder tools run from; when
 * the value cannot be read, C:\ProgramData. The machine policy found there is still accepted
 * only when admin-only (machine-trust.ts): that is the gate; this keeps the place honest.
 */
export async function programDataDir(run: RegRunner = runReg, env: Record<string, string | undefined> = process.env): Promise<string> {
  const fallback = 'C:\\ProgramData';
  let r: { code: number; stdout: Uint8Array };
  try {
    r = await run(PROGRAMDATA_QUERY_ARGS);
  } catch {
    return fallback;
  }
  if (r.code !== 0) return fallback;
  const v = parseRegQuery(decodeRegOutput(r.stdout), PROFILE_LIST).values.get('ProgramData');
  if (!v || typeof v.value !== 'string') return fallback;
  const drive = system32Tool(env, '').slice(0, 2);
  const dir = v.value.replace(/%SystemDrive%/gi, drive).replace(/\\+$/, '');
  // Any other variable, or not an absolute drive path: not something to trust.
  return /^[A-Za-z]:\\[^%]*$/.test(dir) ? dir : fallback;
}
