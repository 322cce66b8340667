// The Windows registry's policy key (HKLM\Software\Policies\CertDesk, where GPO writes, as
// Chrome and VS Code read theirs), read through `reg query … /s`: the parser is pure and
// tested on reg.exe's own output; the command is checked by its exact arguments.
import { execFile } from 'node:child_process';
import { system32Tool } from '../../../shared/windows-tools';
import { CoreError } from '../errors';

export const REGISTRY_KEY = 'HKLM\\Software\\Policies\\CertDesk';
/** reg.exe's arguments: the key's values (and any subkey, which CertDesk reports as unsupported). */
export const REG_QUERY_ARGS: readonly string[] = ['query', REGISTRY_KEY, '/s'];

export type RegistryValue = { type: 'REG_SZ' | 'REG_EXPAND_SZ'; value: string } | { type: 'REG_DWORD' | 'REG_QWORD'; value: number } | { type: string; value: string };

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

/**
 * The key's values, or null when the key does not exist. reg exits 1 both for "not found"
 * and for other failures, and its words are in the display language: "not found" is exit 1
 * with nothing on stdout. Anything else (reg did not start or was stopped, another exit
 * code, exit 1 after part of the key) is POLICY_INVALID: IT's locked values are never
 * dropped silently.
 */
export async function queryPolicyKey(run: RegRunner = runReg): Promise<RegistryKey | null> {
  const r = await run(REG_QUERY_ARGS);
  if (r.code === 0) return parseRegQuery(decodeRegOutput(r.stdout));
  if (r.code === 1 && r.stdout.length === 0) return null;
  throw new CoreError(
    'POLICY_INVALID',
    `The policy key ${REGISTRY_KEY} could not be read (reg.exe ${r.code === -1 ? 'did not run' : `exited with ${r.code}`}). Restart the PC; if it stays, ask your IT department to check the key's permissions and that ${regExe()} is intact.`,
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
