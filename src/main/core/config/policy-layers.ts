// The policy as a bank ships it, IT overrides it and a user without admin rights can use it,
// merged field by field, lowest first:
//   1. built-in: policy.json in the app's resources (the bank's file, packed at build time);
//   2. per-user: %APPDATA%\CertDesk, ~/Library/Application Support/CertDesk, ~/.config/certdesk;
//   3. machine file: policyPath() (%ProgramData%, /Library/Application Support, /etc);
//   4. Windows registry: HKLM\Software\Policies\CertDesk (GPO).
// The per-user file holds only the user's own preferences (USER_FIELDS): any program the user
// runs can write it, so a field there that says where keys go, which module is loaded, what
// is trusted, where CertDesk connects, who the helpdesk is, which page is opened, whether
// the old certificate is removed or a PIN remembered, is refused (POLICY_INVALID naming the
// field, the file and who may set it), never taken and never silently dropped. Those fields
// come from the bank's built-in policy, the machine file or the registry, or keep their
// defaults. A preference the bank or IT also sets is theirs; the user's is then listed as
// ignored (doctor shows it). The machine file and the anchor it names count only when only
// administrators can write them (machine-trust.ts).
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CoreError } from '../errors';
import { readAdminOnly } from './machine-trust';
import { readTextBounded } from './bounded-read';
import { builtinVerifier, packagedDigests } from './builtin-integrity';
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

/**
 * What the per-user file may set: the language the user reads, and the days before expiry
 * at which the desktop reminder appears. Nothing else: renewWindowDays/graceDays are the
 * bank's rules, timeouts and retries decide how long a renewal holds the store's lock,
 * autoRenew/checkTime/remindersAtLogin are IT's scheduling.
 */
export const USER_FIELDS: readonly string[] = ['language', 'reminderDays'];

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
/** The PEM text is lines by nature; JSON fields may be pasted over several lines (JSON.parse takes them as whitespace, and a line break inside a JSON string is an error). */
const MULTILINE_FIELDS = new Set(['trustAnchorPem', ...JSON_FIELDS]);

/** The registry's values as policy fields: numbers and booleans as REG_DWORD, lists and objects as REG_SZ JSON, the rest REG_SZ on one line. */
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
    } else if ((v.type !== 'REG_SZ' && v.type !== 'REG_EXPAND_SZ') || typeof v.value !== 'string') {
      throw bad(name, `must be a REG_SZ (it is ${v.type})`);
    } else if (JSON_FIELDS.has(name)) {
      try {
        value = JSON.parse(v.value);
      } catch {
        throw bad(name, 'must be REG_SZ holding JSON (e.g. ["os"])');
      }
    } else if (!MULTILINE_FIELDS.has(name) && /[\r\n]/.test(v.value)) {
      // A value pasted from several lines: never one setting plus something else.
      throw bad(name, 'holds a line break (CR/LF); it must be one line');
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

/** POLICY_INVALID for the first field of the per-user file that is not a preference. */
function refuseUserSecurityFields(user: Layer, machineFile: string, platform: NodeJS.Platform): void {
  const field = Object.keys(user.fields).find((k) => !USER_FIELDS.includes(k));
  if (!field) return;
  const where = `the bank's built-in policy (its CertDesk installer), the machine policy ${machineFile}${platform === 'win32' ? ` or the registry ${REGISTRY_KEY}` : ''}`;
  throw new CoreError(
    'POLICY_INVALID',
    `The policy ${user.source} sets ${field}, which only ${where} may set: a file any program of this user can write must not choose it. Remove ${field} from ${user.source} (it may hold only ${USER_FIELDS.join(' and ')}), or ask your IT department to set it for this PC.`,
    { field, file: user.source, reason: 'USER_FIELD_NOT_ALLOWED', allowed: USER_FIELDS.join(', ') },
  );
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
  const trust = { platform, env, runPowerShell: opts.runPowerShell };
  const tryFile = async (kind: LayerKind, file: string | null, read?: (f: string) => Promise<string>) => {
    if (!file) return null;
    looked.push(file);
    const doc = await readPolicyDocument(file, true, read);
    if (doc === null) return null;
    const layer = fileLayer(kind, file, doc);
    layers.push(layer);
    return layer;
  };
  // The built-in files are hashed as they are read and must be the ones the build packed (builtin-integrity.ts).
  const digests = opts.builtinDigests !== undefined ? opts.builtinDigests : packagedDigests();
  const resources = builtinFile ? dirname(builtinFile) : '';
  await tryFile('builtin', builtinFile, digests ? (f) => readTextBounded(f, { verify: builtinVerifier(f, resources, digests) }) : undefined);
  const user = await tryFile('user', userFile);
  if (user) refuseUserSecurityFields(user, machineFile, platform);
  // The machine file, and below the anchor file it or the registry names: checked as they are read (machine-trust.ts).
  await tryFile('machine', machineFile, (f) => readAdminOnly(f, { policy: f }, trust));
  if (platform === 'win32') {
    looked.push(REGISTRY_KEY);
    const key = await (opts.readRegistry ?? (() => queryPolicyKey(undefined, env)))();
    if (key && (key.values.size > 0 || key.subkeys.length > 0)) layers.push(registryLayer(key, machineFile));
  }
  if (!layers.some((l) => l.kind !== 'user')) {
    throw new CoreError(
      'POLICY_INVALID',
      `No policy is installed. CertDesk looked in ${looked.join(', ')}. The bank's policy comes with the bank's CertDesk installer, or IT puts it at ${machineFile} (for every user of this PC)${userFile ? `; ${userFile} holds only your own preferences (${USER_FIELDS.join(', ')})` : ''}. Ask the bank or your IT department.`,
      { field: '(file)', file: machineFile, reason: 'NOT_INSTALLED', looked: looked.join('; ') },
    );
  }
  const { doc, origin, managed, ignored } = mergeLayers(layers);
  const top = layers.find((l) => l.kind === 'registry') ?? layers.find((l) => l.kind === 'machine') ?? layers[layers.length - 1]!;
  const anchorBy = origin.trustAnchorFile;
  const anchorLayer = layers.find((l) => l.origin.trustAnchorFile === anchorBy && anchorBy !== undefined);
  const readAnchor = (path: string) => {
    if (anchorLayer?.kind === 'machine' || anchorLayer?.kind === 'registry') return readAdminOnly(path, { anchor: path, by: anchorBy! }, trust);
    if (anchorLayer?.kind === 'builtin' && digests) return readTextBounded(path, { verify: builtinVerifier(path, resources, digests, anchorBy) });
    return readTextBounded(path);
  };
  const loaded = await parsePolicy(doc, top.source, (field) => origin[field] ?? top.source, readAnchor);
  return { ...loaded, source: layers.map((l) => `${l.kind}: ${l.source}`).join(' < '), managed, origins: { ...origin }, ignored };
}
