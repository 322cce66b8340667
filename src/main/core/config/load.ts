// The policy's one entry point. Apart from policy.ts (one document) and policy-layers.ts (the
// layers, which use policy.ts), so that neither imports the other back; the layers' modules
// (registry, machine-file trust) load only when no --policy names a file.
import { resolve } from 'node:path';
import { parsePolicy, readPolicyDocument, type LoadedPolicy, type LoadPolicyOptions } from './policy';

/** Reads and validates the policy: `file` alone when given (the CLI's --policy), else the layers. */
export async function loadPolicy(opts: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  if (opts.file) {
    const file = resolve(opts.file);
    return parsePolicy(await readPolicyDocument(file), file);
  }
  const { loadLayeredPolicy } = await import('./policy-layers');
  return loadLayeredPolicy(opts);
}
