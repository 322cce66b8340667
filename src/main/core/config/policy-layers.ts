// The policy as a bank ships it, IT overrides it and a user without admin rights can use it,
// merged field by field, lowest first:
//   1. built-in: policy.json in the app's resources (the bank's file, packed at build time);
//   2. per-user: %APPDATA%\CertDesk, ~/Library/Application Support/CertDesk, ~/.config/certdesk;
//   3. machine file: policyPath() (%ProgramData%, /Library/Application Support, /etc);
//   4. Windows registry: HKLM\Software\Policies\CertDesk (GPO).
// The per-user file fills only fields no other layer sets: the bank's choices (built-in) and
// IT's (machine file, registry) always win over it, since a file any program of the user can
// write must not change where keys and passwords go, which login page or helpdesk is shown,
// or how keys are kept. What it set and was ignored is kept (doctor shows it). The machine
// file counts only when only administrators can write it (machine-trust.ts).
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CoreError } from '../errors';
import { assertAdminOnly } from './machine-trust';
import { FIELDS, parsePolicy, policyPath, readPolicyDocument, type IgnoredField, type LoadedPolicy, type LoadPolicyOptions } from './policy';
import { programDataDir, queryPolicyKey, REGISTRY_KEY, type RegistryKey } from './registry';

export type LayerKind = 'builtin' | 'user' | 'machine' | 'registry';

interface Layer {
  kind: LayerKind;
  /** The file, or for the registry the key. */
  source: string;
  /** Field → value, relative trustAnchorFile already made absolute. */
  fields: Record<string, unknown>;
  /** Field → where exactly (a registry value names its value). */
  origin: Record<string, string>;
}

/** The per-user policy file. */
export function userPolicyPath(platform: NodeJS.Platform, env: Record<string, string | undefined>): string | null {
  if (platform === 'win32') return env.APPDATA ? `${env.APPDATA}\\CertDesk\\policy.json` : null;
  if (!env.HOME) return null;
  if (platform === 'darwin') return join(env.HOME, 'Library', 'Application Support', 'CertDesk', 'policy.json');
  return join(env.XDG_CONFIG_HOME || join(env.HOME, '.config'), 'certdesk', 'policy.json');
}

/** The built-in policy in the packaged app (electron-builder's extraResources puts build/policy.json there). */
export function builtinPolicyPath(resourcesPath: string | undefined): string | null {
  return resourcesPath ? join(resourcesPath, 'policy.json') : null;
}

/** trustAnchorFile and trustAnchorPem are one setting: a layer that sets either replaces both. */
const ANCHOR = ['trustAnchorFile', 'trustAnchorPem'];

function fileLayer(kind: LayerKind, file: string, doc: unknown): Layer {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new CoreError('POLICY_INVALID', `The policy ${file} is invalid: (document) is not a JSON object. Ask your IT department to correct it.`, { field: '(document)', file });
  }
  const fields: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  for (const k of Object.keys(fields)) {
    if (!(FIELDS as string[]).includes(k)) throw new CoreError('POLICY_INVALID', `The policy ${file} is invalid: ${k} is not a policy field. Ask your IT department to correct it.`, { field: k, file });
  }
  if (typeof fields.trustAnchorFile === 'string' && !isAbsolute(fields.trustAnchorFile)) fields.trustAnchorFile = resolve(dirname(file), fields.trustAnchorFile);
  return { kind, source: file, fields, origin: Object.fromEntries(Object.keys(fields).map((k) => [k, file])) };
}

const NUMBER_FIELDS = new Set(['renewWindowDays', 'graceDays', 'connectTimeoutMs', 'requestTimeoutMs', 'pendingMaxAttempts', 'maxClockSkewSeconds']);
const BOOLEAN_FIELDS = new Set(['removeSuperseded', 'rememberPin', 'autoRenew', 'remindersAtLogin']);
const JSON_FIELDS = new Set(['reminderDays', 'stores', 'pkcs11', 'support']);

/** The registry's values as policy fields: numbers and booleans as REG_DWORD, lists and objects as REG_SZ JSON. */
export function registryLayer(key: RegistryKey, machineFile: string): Layer {
  const fields: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const bad = (name: string, what: string) =>
    new CoreError('POLICY_INVALID', `The policy value ${REGISTRY_KEY}\\${name} is invalid: ${what}. Ask your IT department to correct it.`, { field: name, file: `${REGISTRY_KEY}\\${name}` });
  if (key.subkeys.length > 0) throw bad(key.subkeys[0]!.split('\\').pop()!, 'is a subkey; every field is a value of the key itself (objects and lists as REG_SZ JSON)');
  for (const [name, v] of key.values) {
    if (!(FIELDS as string[]).includes(name)) throw bad(name, 'is not a policy field');
    let value: unknown;
    if (NUMBER_FIELDS.has(name) || BOOLEAN_FIELDS.has(name)) {
      const n = typeof v.value === 'number' ? v.value : /^\d+$/.test(v.value) ? Number(v.value) : NaN;
      if (!Number.isInteger(n)) throw bad(name, `must be a REG_DWORD${BOOLEAN_FIELDS.has(name) ? ' (0 or 1)' : ''}`);
      if (BOOLEAN_FIELDS.has(name) && n !== 0 && n !== 1) throw bad(name, 'must be 0 or 1');
      value = BOOLEAN_FIELDS.has(name) ? n === 1 : n;
    } else if (typeof v.value !== 'string') {
      throw bad(name, 'must be a REG_SZ');
    } else if (JSON_FIELDS.has(name)) {
      try {
        value = JSON.parse(v.value);
      } catch {
        throw bad(name, 'must be REG_SZ holding JSON (e.g. ["os"])');
      }
    } else {
      value = v.value;
    }
    if (name === 'trustAnchorFile' && typeof value === 'string' && !isAbsolute(value) && !/^[A-Za-z]:[\\/]/.test(value)) value = resolve(dirname(machineFile), value);
    fields[name] = value;
    origin[name] = `${REGISTRY_KEY}\\${name}`;
  }
  return { kind: 'registry', source: REGISTRY_KEY, fields, origin };
}

/** One setting for the precedence rule: the anchor's two forms are one. */
const settingOf = (k: string) => (ANCHOR.includes(k) ? 'trustAnchor' : k);

/** Layers merged field by field; the later wins, except that the user's file fills only what no other layer sets. */
export function mergeLayers(layers: Layer[]): { doc: Record<string, unknown>; origin: Record<string, string>; managed: string[]; ignored: IgnoredField[] } {
  const doc: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const ignored: IgnoredField[] = [];
  const order: LayerKind[] = ['builtin', 'user', 'machine', 'registry'];
  const sorted = [...layers].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const setElsewhere = (k: string) => sorted.find((l) => l.kind !== 'user' && Object.keys(l.fields).some((f) => settingOf(f) === settingOf(k)));
  for (const layer of sorted) {
    for (const [k, v] of Object.entries(layer.fields)) {
      if (layer.kind === 'user') {
        const by = setElsewhere(k);
        if (by) {
          ignored.push({ field: k, file: layer.origin[k]!, by: by.kind === 'builtin' ? by.source : by.kind === 'registry' ? REGISTRY_KEY : by.source, reason: by.kind === 'builtin' ? 'SET_BY_BANK' : 'SET_BY_IT' });
          continue;
        }
      }
      if (ANCHOR.includes(k)) for (const a of ANCHOR) {
        delete doc[a];
        delete origin[a];
      }
      doc[k] = v;
      origin[k] = layer.origin[k]!;
    }
  }
  const managed = Object.keys(doc).filter((k) => sorted.some((l) => (l.kind === 'machine' || l.kind === 'registry') && k in l.fields && origin[k] === l.origin[k]));
  return { doc, origin, managed, ignored };
}

export async function loadLayeredPolicy(opts: LoadPolicyOptions): Promise<LoadedPolicy> {
  const platform = opts.platform ?? process.platform;
  const env = opts.env ?? process.env;
  // Windows: %ProgramData% as the registry records it, not the environment's (registry.ts).
  const machineFile = opts.machineFile ?? (platform === 'win32' ? policyPath('win32', await programDataDir(undefined, env)) : policyPath(platform));
  const userFile = userPolicyPath(platform, env);
  const builtinFile = builtinPolicyPath(opts.resourcesPath ?? (process as { resourcesPath?: string }).resourcesPath);
  const layers: Layer[] = [];
  const looked: string[] = [];
  const tryFile = async (kind: LayerKind, file: string | null) => {
    if (!file) return null;
    looked.push(file);
    const doc = await readPolicyDocument(file, true);
    if (doc === null) return null;
    const layer = fileLayer(kind, file, doc);
    layers.push(layer);
    return layer;
  };
  const trust = { platform, env, runPowerShell: opts.runPowerShell };
  const anchorOf = (l: Layer | null) => (l && typeof l.fields.trustAnchorFile === 'string' ? [l.fields.trustAnchorFile] : []);
  await tryFile('builtin', builtinFile);
  await tryFile('user', userFile);
  const machine = await tryFile('machine', machineFile);
  if (machine) await assertAdminOnly(machineFile, anchorOf(machine), trust);
  if (platform === 'win32') {
    looked.push(REGISTRY_KEY);
    const key = await (opts.readRegistry ?? (() => queryPolicyKey()))();
    if (key && (key.values.size > 0 || key.subkeys.length > 0)) {
      const registry = registryLayer(key, machineFile);
      layers.push(registry);
      // The registry is admin-only; the anchor file it names must be as well.
      const [anchorFile] = anchorOf(registry);
      if (anchorFile) await assertAdminOnly(anchorFile, [], trust);
    }
  }
  if (layers.length === 0) {
    throw new CoreError(
      'POLICY_INVALID',
      `No policy is installed. CertDesk looked in ${looked.join(', ')}. Put the bank's policy.json at ${machineFile} (IT, for every user of this PC)${userFile ? ` or at ${userFile} (this user only, no admin rights needed)` : ''}; the bank or your IT department provides it.`,
      { field: '(file)', file: machineFile, reason: 'NOT_INSTALLED', looked: looked.join('; ') },
    );
  }
  const { doc, origin, managed, ignored } = mergeLayers(layers);
  const top = layers.find((l) => l.kind === 'registry') ?? layers.find((l) => l.kind === 'machine') ?? layers[layers.length - 1]!;
  const loaded = await parsePolicy(doc, top.source, (field) => origin[field] ?? top.source);
  return { ...loaded, source: layers.map((l) => `${l.kind}: ${l.source}`).join(' < '), managed, origins: { ...origin }, ignored };
}
