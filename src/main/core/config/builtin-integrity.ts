// The bank's built-in policy and the anchor it names sit in the app's resources folder, beside
// the asar archive, not inside it: asar integrity does not cover them, and on a per-user
// install the user can write there. So the build compiles their SHA-256 into the main bundle
// (electron.vite.config.ts defines __CERTDESK_BUILTIN_DIGESTS__ from build/bank), which is
// inside the asar and covered; each file is hashed as it is read (the same bytes that are
// then parsed) and a file that is not the built one is refused, never used.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { CoreError } from '../errors';

declare const __CERTDESK_BUILTIN_DIGESTS__: Record<string, string> | undefined;

/** File name → SHA-256 (hex) of what the build packed; null when this is not a packaged build (tests, the CLI under Node). */
export function packagedDigests(): Record<string, string> | null {
  return typeof __CERTDESK_BUILTIN_DIGESTS__ === 'undefined' ? null : __CERTDESK_BUILTIN_DIGESTS__;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What the build packs from build/bank (electron-builder.yml's extraResources filter: policy.json, *.pem), hashed. Used at build time. */
export function builtinDigests(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    if ((name === 'policy.json' || name.endsWith('.pem')) && statSync(join(dir, name)).isFile()) out[name] = sha256Hex(readFileSync(join(dir, name)));
  }
  return out;
}

/**
 * A check of the bytes read from `file` in the resources folder: POLICY_INVALID
 * (BUILTIN_MODIFIED) unless they are the ones the build packed. `policyFile` names the
 * built-in policy when `file` is the anchor it names.
 */
export function builtinVerifier(file: string, resources: string, digests: Record<string, string>, policyFile?: string): (bytes: Uint8Array) => void {
  const rel = relative(resources, file);
  const name = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.includes(sep) ? rel : null;
  const want = name !== null && Object.hasOwn(digests, name) ? digests[name] : undefined;
  const field = policyFile ? 'trustAnchorFile' : '(file)';
  const refuse = (what: string) => new CoreError('POLICY_INVALID', `${what}, so it is not used. Reinstall CertDesk from the bank's installer, or ask your IT department.`, { field, file, reason: 'BUILTIN_MODIFIED' });
  return (bytes) => {
    if (want !== undefined && sha256Hex(bytes) === want) return;
    if (policyFile && name === null) throw refuse(`The bank's built-in policy ${policyFile} names the trust anchor ${file}, which is not packed with CertDesk (only files beside the policy are checked against the build)`);
    if (want === undefined) throw refuse(`${file} is not part of this CertDesk (its build packed no such file): it was put there after installation`);
    throw refuse(`The bank's built-in ${policyFile ? `trust anchor ${file}` : `policy ${file}`} is not the one this CertDesk was built with (its SHA-256 differs): it was changed after installation`);
  };
}
