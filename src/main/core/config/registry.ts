// The Windows registry's policy key (HKLM\Software\Policies\CertDesk, where GPO writes, as
// Chrome and VS Code read theirs), read through `reg query … /s`: the parser is pure and
// tested on reg.exe's own output; the command is checked by its exact arguments.
import { execFile } from 'node:child_process';

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

export type RegRunner = (args: readonly string[]) => Promise<{ code: number; stdout: Uint8Array }>;

const runReg: RegRunner = (args) =>
  new Promise((resolve) => {
    execFile('reg', [...args], { encoding: 'buffer', windowsHide: true, timeout: 10_000 }, (err, stdout) => {
      resolve({ code: err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0, stdout: stdout as Uint8Array });
    });
  });

/** The key's output, or null when the key does not exist (reg exits 1) or reg cannot run. */
export async function queryPolicyKey(run: RegRunner = runReg): Promise<RegistryKey | null> {
  const r = await run(REG_QUERY_ARGS);
  if (r.code !== 0) return null;
  return parseRegQuery(decodeRegOutput(r.stdout));
}
