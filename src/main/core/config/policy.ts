// The policy: read-only, validated with a schema. A wrong field is POLICY_INVALID naming the
// field and the file (or registry value) it came from, never a silent default; defaults
// apply only to fields no layer sets. The layers (built-in, per-user, machine file,
// registry) are merged in policy-layers.ts; --policy reads one file alone.
import { X509Certificate } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import * as z from 'zod/mini';
import type { Policy } from '../../../shared/policy';
import { KEY_STORAGES, KEY_TYPES, parseSubjectTemplate } from '../../../shared/policy';
import { CoreError } from '../errors';
import { BoundedReadError, POLICY_MAX_BYTES, READ_TIMEOUT_MS, readTextBounded, type BoundedReadFailure } from './bounded-read';
import { findJsonSyntaxError } from './json-error';

// zod/mini rather than zod: the same validation, and a twentieth of the code to load and
// compile at every start of the command line (zod's full build is 750 kB bundled).
const whole = z.int().check(z.minimum(0), z.maximum(3650));
const httpsUrl = z.string().check(z.refine((u) => URL.canParse(u) && u.startsWith('https://'), 'must be an https:// URL'));

const schema = z.strictObject({
  bankName: z.string().check(z.minLength(1), z.maxLength(200)),
  endpoint: httpsUrl.check(
    z.refine((u) => !URL.canParse(u) || /\/\.well-known\/est(\/[A-Za-z0-9._-]+)?\/?$/.test(new URL(u).pathname), 'must end in /.well-known/est[/label]'),
  ),
  trustAnchorFile: z.optional(z.string().check(z.minLength(1))),
  trustAnchorPem: z.optional(z.string().check(z.minLength(1))),
  keyType: z._default(z.enum(KEY_TYPES as unknown as [string, ...string[]]), 'rsa2048'),
  renewWindowDays: z._default(whole, 30),
  graceDays: z._default(whole, 90),
  reminderDays: z._default(z.array(whole).check(z.maxLength(10)), [30, 10]),
  removeSuperseded: z._default(z.boolean(), true),
  proxy: z._default(
    z.string().check(
      // A policy file is read by every user of the PC: a proxy password in it would be one
      // everybody can read, and it would reach diagnostics. The user's own goes in HTTPS_PROXY.
      z.refine((p) => !/^http:\/\/[^/\s]*@/.test(p), 'must not hold a user name or password (each user sets theirs in HTTPS_PROXY=http://USER:PASSWORD@host:port)'),
      z.refine((p) => /^http:\/\/[^/\s]*@/.test(p) || p === 'system' || p === 'direct' || /^http:\/\/[^/\s@]+:\d{1,5}\/?$/.test(p), 'must be "system", "direct" or http://host:port'),
    ),
    'system',
  ),
  language: z._default(z.enum(['ja', 'en']), 'ja'),
  stores: z._default(
    z.array(z.string().check(z.refine((s) => s === 'os' || s === 'firefox' || /^nss:.+/.test(s), 'must be "os", "firefox" or "nss:DIR"'))).check(z.minLength(1)),
    ['os'],
  ),
  bankSiteUrl: z.optional(httpsUrl),
  connectTimeoutMs: z._default(z.int().check(z.minimum(100), z.maximum(300_000)), 10_000),
  requestTimeoutMs: z._default(z.int().check(z.minimum(100), z.maximum(600_000)), 60_000),
  pendingMaxAttempts: z._default(z.int().check(z.minimum(0), z.maximum(1000)), 10),
  maxClockSkewSeconds: z._default(z.int().check(z.minimum(0), z.maximum(86_400)), 300),
  acquireSubject: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))),
  keyStorage: z._default(z.enum(KEY_STORAGES as unknown as [string, ...string[]]), 'store'),
  pkcs11: z.optional(
    z.strictObject({
      module: z.string().check(z.minLength(1), z.maxLength(1000), z.refine((m) => isAbsolute(m) || /^[A-Za-z]:[\\/]/.test(m), 'must be an absolute path')),
      tokenLabel: z.string().check(z.minLength(1), z.maxLength(32)),
    }),
  ),
  rememberPin: z._default(z.boolean(), false),
  support: z.optional(
    z.strictObject({
      name: z.string().check(z.minLength(1), z.maxLength(200)),
      phone: z.optional(z.string().check(z.minLength(1), z.maxLength(50), z.refine((p) => /^[0-9０-９+()（）\- ー－]+$/.test(p), 'must be a phone number'))),
      hours: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
      url: z.optional(httpsUrl),
      email: z.optional(z.string().check(z.maxLength(254), z.refine((e) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(e), 'must be an e-mail address'))),
    }),
  ),
  bankLoginUrl: z.optional(httpsUrl),
  newPcGuideUrl: z.optional(httpsUrl),
  autoRenew: z._default(z.boolean(), false),
  checkTime: z._default(z.string().check(z.refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), 'must be a time of day HH:MM (24-hour)')), '10:00'),
  remindersAtLogin: z._default(z.boolean(), true),
});

/** What IT reads in POLICY_INVALID: our words for each kind of zod issue (zod/mini ships none). */
function describeIssue(issue: z.core.$ZodIssue): string {
  const noun = (origin: string, n: number | bigint) => `${n} ${origin === 'string' ? 'character' : 'entr'}${origin === 'string' ? (n === 1 ? '' : 's') : n === 1 ? 'y' : 'ies'}`;
  switch (issue.code) {
    case 'custom':
      return issue.message;
    case 'invalid_type':
      if (issue.input === undefined) return 'is missing';
      return issue.expected === 'int' ? 'must be a whole number' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'number' ? `must be at least ${issue.minimum}` : `must have at least ${noun(issue.origin, issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'number' ? `must be at most ${issue.maximum}` : `must have at most ${noun(issue.origin, issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `is wrong (${issue.code})`;
  }
}

type PolicyField = keyof z.input<typeof schema>;
export const FIELDS = Object.keys(schema.shape) as PolicyField[];

/** Where IT puts the policy on each OS (Windows: in %ProgramData%, which the loader reads from the registry). */
export function policyPath(platform: NodeJS.Platform = process.platform, programData = 'C:\\ProgramData'): string {
  if (platform === 'win32') return `${programData}\\CertDesk\\policy.json`;
  if (platform === 'darwin') return '/Library/Application Support/CertDesk/policy.json';
  return '/etc/certdesk/policy.json';
}

function invalidIn(file: string, field: string, what: string): CoreError {
  return new CoreError(
    'POLICY_INVALID',
    `The policy ${file} is invalid: ${field} ${what}. Ask your IT department to correct it.`,
    { field, file },
  );
}

/** Every certificate in a PEM text; each must parse, or the anchor is not usable. */
function anchorCertificates(pem: string, file: string, field: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw invalidIn(file, field, 'holds no PEM certificate');
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw invalidIn(file, field, 'holds a certificate that cannot be read');
    }
  }
  return blocks.join('\n') + '\n';
}

/**
 * The primary store: the policy's first, whose certificates CertDesk lists, shows and renews.
 * A renewal writes the new certificate into every store in `stores`, not this one alone.
 */
export function storeOf(policy: Policy): string {
  return policy.stores[0] ?? 'os';
}

/**
 * The policy the app shows while the real one cannot be loaded: the schema's defaults, an
 * endpoint that resolves nowhere and no anchor, so nothing can be sent with it.
 */
export function fallbackPolicy(): Policy {
  const v = z.parse(schema, { bankName: '-', endpoint: 'https://invalid.invalid/.well-known/est' });
  return { ...v, bankName: '', keyType: v.keyType as Policy['keyType'], proxy: v.proxy as Policy['proxy'], stores: v.stores as Policy['stores'], keyStorage: v.keyStorage as Policy['keyStorage'], trustAnchorPem: '' };
}

export interface LoadedPolicy {
  policy: Policy;
  /** The file it came from; for layers, each layer found, lowest first. */
  source: string;
  /** The fields set by the machine (its file, the registry; --policy's file): shown as managed, locked for the user. */
  managed: string[];
  /** Every field set explicitly, and the file or registry value it came from (doctor and diagnostics show them). */
  origins?: Record<string, string>;
  /** Fields of the per-user file that another layer sets, so not used (doctor shows them). */
  ignored?: IgnoredField[];
}

export interface IgnoredField {
  field: string;
  /** The user's file. */
  file: string;
  /** The file or registry key whose value is used instead. */
  by: string;
  /** SET_BY_BANK: the built-in policy sets it; SET_BY_IT: the machine file or the registry. */
  reason: 'SET_BY_BANK' | 'SET_BY_IT';
}

/**
 * Validates a parsed policy document; `file` names it in errors and anchors relative paths.
 * `originOf` names, for a merged document, the file or registry value a field came from.
 */
export async function parsePolicy(doc: unknown, file: string, originOf: (field: string) => string = () => file, readAnchor: (path: string) => Promise<string> = (p) => readTextBounded(p)): Promise<LoadedPolicy> {
  const invalid = (_f: string, field: string, what: string) => invalidIn(originOf(field.split('.')[0]!), field, what);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid(file, '(document)', 'is not a JSON object');
  const r = z.safeParse(schema, doc, { reportInput: true });
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.') || '(document)';
    throw invalid(file, field, issue.code === 'unrecognized_keys' ? 'is not a policy field' : describeIssue(issue));
  }
  const v = r.data;
  if (v.acquireSubject !== undefined) {
    try {
      parseSubjectTemplate(v.acquireSubject);
    } catch (e) {
      throw invalid(file, 'acquireSubject', (e as Error).message);
    }
  }
  if (v.keyStorage === 'pkcs11' && !v.pkcs11) throw invalid(file, 'pkcs11', 'is missing (keyStorage "pkcs11" needs { "module", "tokenLabel" })');
  if (v.trustAnchorFile && v.trustAnchorPem) throw invalid(file, 'trustAnchorFile', 'and trustAnchorPem are both set; set one');
  let trustAnchorPem: string;
  if (v.trustAnchorFile) {
    const path = isAbsolute(v.trustAnchorFile) ? v.trustAnchorFile : resolve(dirname(file), v.trustAnchorFile);
    let text: string;
    try {
      text = await readAnchor(path);
    } catch (err) {
      // Refused by a check of who can have written it (machine-trust.ts): said as it is.
      if (err instanceof CoreError) throw err;
      throw invalid(file, 'trustAnchorFile', `names ${path}, which ${anchorProblem(err)}`);
    }
    trustAnchorPem = anchorCertificates(text, originOf('trustAnchorFile'), 'trustAnchorFile');
  } else if (v.trustAnchorPem) {
    trustAnchorPem = anchorCertificates(v.trustAnchorPem, originOf('trustAnchorPem'), 'trustAnchorPem');
  } else {
    throw invalid(file, 'trustAnchorFile', 'is missing (set trustAnchorFile or trustAnchorPem)');
  }
  const { trustAnchorFile: _f, trustAnchorPem: _p, ...rest } = v;
  const policy: Policy = {
    ...rest,
    keyType: rest.keyType as Policy['keyType'],
    proxy: rest.proxy as Policy['proxy'],
    stores: rest.stores as Policy['stores'],
    keyStorage: rest.keyStorage as Policy['keyStorage'],
    trustAnchorPem,
  };
  const managed = FIELDS.filter((f) => f in (doc as Record<string, unknown>));
  return { policy, source: file, managed, origins: Object.fromEntries(managed.map((f) => [f, originOf(f)])) };
}

const MB = `${POLICY_MAX_BYTES / (1024 * 1024)} MB`;

/** Why the policy file itself cannot be used, in words that say what to do. */
function unreadable(file: string, err: unknown): CoreError {
  if (!(err instanceof BoundedReadError)) throw err;
  const f: BoundedReadFailure = err.failure;
  const say = (message: string, extra: Record<string, string | number> = {}) =>
    new CoreError('POLICY_INVALID', message, { field: '(file)', file, reason: f.reason, ...extra });
  switch (f.reason) {
    case 'MISSING':
      return say(`No policy at ${file}. CertDesk needs the bank's policy there; ask your IT department.`);
    case 'UNREADABLE':
      return say(`The policy ${file} cannot be read (${f.errno}). Ask your IT department.`);
    case 'NOT_A_FILE':
      return say(`The policy ${file} is ${f.kind}, not a regular file. Ask your IT department to put the policy there as a JSON file.`);
    case 'TOO_LARGE':
      return say(`The policy ${file} is ${f.bytes} bytes; a policy is at most ${MB}. Ask your IT department to correct it.`, { bytes: f.bytes });
    case 'TIMEOUT':
      return say(`The policy ${file} could not be read within ${READ_TIMEOUT_MS / 1000} seconds. Check the drive or network share it is on, or ask your IT department.`);
    case 'NOT_UTF8':
      return say(`The policy ${file} is not UTF-8 text (at byte offset ${f.offset}). Ask your IT department to save it as UTF-8.`, { offset: f.offset });
  }
}

/** The end of "trustAnchorFile names X, which …". */
function anchorProblem(err: unknown): string {
  if (!(err instanceof BoundedReadError)) throw err;
  const f = err.failure;
  switch (f.reason) {
    case 'MISSING':
    case 'UNREADABLE':
      return `cannot be read (${f.errno})`;
    case 'NOT_A_FILE':
      return `is ${f.kind}, not a regular file`;
    case 'TOO_LARGE':
      return `is ${f.bytes} bytes (an anchor file is at most ${MB})`;
    case 'TIMEOUT':
      return `could not be read within ${READ_TIMEOUT_MS / 1000} seconds`;
    case 'NOT_UTF8':
      return `is not PEM text (at byte offset ${f.offset}; a DER file can be converted with openssl x509 -inform der -outform pem)`;
  }
}

/** One policy file's JSON document; null when the file does not exist and `optional`. `read` may check the file as it reads it. */
export async function readPolicyDocument(file: string, optional = false, read: (file: string) => Promise<string> = (f) => readTextBounded(f)): Promise<unknown> {
  let text: string;
  try {
    text = await read(file);
  } catch (err) {
    if (err instanceof CoreError) throw err;
    if (optional && err instanceof BoundedReadError && err.failure.reason === 'MISSING') return null;
    throw unreadable(file, err);
  }
  try {
    return JSON.parse(text);
  } catch {
    // Never JSON.parse's message: it quotes the file (a symlink to a secret would be shown).
    const at = findJsonSyntaxError(text);
    throw new CoreError(
      'POLICY_INVALID',
      `The policy ${file} is not valid JSON${at ? `: line ${at.line}, column ${at.column}: ${at.what}` : ''}. Ask your IT department to correct it.`,
      { field: '(document)', file, reason: 'NOT_JSON', ...(at ? { line: at.line, column: at.column } : {}) },
    );
  }
}

export interface LoadPolicyOptions {
  /** One file instead of the layers (the CLI's --policy). */
  file?: string;
  platform?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
  /** The packaged app's resources folder (process.resourcesPath), holding the built-in policy. */
  resourcesPath?: string;
  /** Windows: the registry key's values (tests give their own). */
  readRegistry?: () => Promise<import('./registry').RegistryKey | null>;
  /** The SHA-256 of the built-in files as the build packed them (tests; default: compiled into the packaged app, null elsewhere). */
  builtinDigests?: Record<string, string> | null;
  /** The machine policy file instead of the OS's place (tests). */
  machineFile?: string;
  /** Windows: runs the machine file's permission check (tests give their own). */
  runPowerShell?: import('./machine-trust').PsRun;
}
