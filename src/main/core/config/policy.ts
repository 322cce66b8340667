// The machine-wide policy (DESIGN, "Configuration"): read-only, set by IT, validated with
// a schema. A wrong or missing field is POLICY_INVALID naming the field and the file,
// never a silent default; defaults apply only to fields the file leaves out.
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Policy } from '../../../shared/policy';
import { KEY_TYPES } from '../../../shared/policy';
import { CoreError } from '../errors';

const whole = z.number().int().min(0).max(3650);

const schema = z
  .object({
    bankName: z.string().min(1).max(200),
    endpoint: z
      .string()
      .url()
      .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
      // zod runs every refinement even after .url() failed: never let `new URL` throw here.
      .refine((u) => URL.canParse(u) && /\/\.well-known\/est(\/[A-Za-z0-9._-]+)?\/?$/.test(new URL(u).pathname), 'must end in /.well-known/est[/label]'),
    trustAnchorFile: z.string().min(1).optional(),
    trustAnchorPem: z.string().min(1).optional(),
    keyType: z.enum(KEY_TYPES as [string, ...string[]]).default('rsa2048'),
    renewWindowDays: whole.default(30),
    graceDays: whole.default(90),
    reminderDays: z.array(whole).max(10).default([30, 10]),
    removeSuperseded: z.boolean().default(true),
    proxy: z
      .string()
      .refine((p) => p === 'system' || p === 'direct' || /^http:\/\/[^/\s]+:\d{1,5}\/?$/.test(p), 'is "system", "direct" or http://host:port')
      .default('system'),
    language: z.enum(['ja', 'en']).default('ja'),
    stores: z
      .array(z.string().refine((s) => s === 'os' || s === 'firefox' || /^nss:.+/.test(s), 'is "os", "firefox" or "nss:DIR"'))
      .min(1)
      .default(['os']),
    bankSiteUrl: z.string().url().refine((u) => u.startsWith('https://'), 'must be an https:// URL').optional(),
    connectTimeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
    pendingMaxAttempts: z.number().int().min(0).max(1000).default(10),
    maxClockSkewSeconds: z.number().int().min(0).max(86_400).default(300),
  })
  .strict();

type PolicyField = keyof z.input<typeof schema>;
const FIELDS = Object.keys(schema.shape) as PolicyField[];

/** Where IT puts the policy on each OS. */
export function policyPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return `${env.ProgramData ?? 'C:\\ProgramData'}\\CertDesk\\policy.json`;
  if (platform === 'darwin') return '/Library/Application Support/CertDesk/policy.json';
  return '/etc/certdesk/policy.json';
}

function invalid(file: string, field: string, what: string): CoreError {
  return new CoreError(
    'POLICY_INVALID',
    `The policy ${file} is invalid: ${field} ${what}. Ask your IT department to correct it.`,
    { field, file },
  );
}

/** Every certificate in a PEM text; each must parse, or the anchor is not usable. */
function anchorCertificates(pem: string, file: string, field: string): string {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw invalid(file, field, 'holds no PEM certificate');
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw invalid(file, field, 'holds a certificate that cannot be read');
    }
  }
  return blocks.join('\n') + '\n';
}

export interface LoadedPolicy {
  policy: Policy;
  /** The file it came from. */
  source: string;
  /** The fields the file sets explicitly (the UI shows them as managed). */
  managed: string[];
}

/** Validates a parsed policy document; `file` names it in errors and anchors relative paths. */
export async function parsePolicy(doc: unknown, file: string): Promise<LoadedPolicy> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid(file, '(document)', 'is not a JSON object');
  const r = schema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.') || '(document)';
    const what = issue.code === 'unrecognized_keys' ? 'is not a policy field' : issue.message;
    throw invalid(file, field, what.startsWith('must') || what.startsWith('is') ? what : `is wrong (${what})`);
  }
  const v = r.data;
  if (v.trustAnchorFile && v.trustAnchorPem) throw invalid(file, 'trustAnchorFile', 'and trustAnchorPem are both set; set one');
  let trustAnchorPem: string;
  if (v.trustAnchorFile) {
    const path = isAbsolute(v.trustAnchorFile) ? v.trustAnchorFile : resolve(dirname(file), v.trustAnchorFile);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw invalid(file, 'trustAnchorFile', `names ${path}, which cannot be read`);
    }
    trustAnchorPem = anchorCertificates(text, file, 'trustAnchorFile');
  } else if (v.trustAnchorPem) {
    trustAnchorPem = anchorCertificates(v.trustAnchorPem, file, 'trustAnchorPem');
  } else {
    throw invalid(file, 'trustAnchorFile', 'is missing (set trustAnchorFile or trustAnchorPem)');
  }
  const { trustAnchorFile: _f, trustAnchorPem: _p, ...rest } = v;
  const policy: Policy = {
    ...rest,
    keyType: rest.keyType as Policy['keyType'],
    proxy: rest.proxy as Policy['proxy'],
    stores: rest.stores as Policy['stores'],
    trustAnchorPem,
  };
  const managed = FIELDS.filter((f) => f in (doc as Record<string, unknown>));
  return { policy, source: file, managed };
}

/** Reads and validates the policy: `file` when given (the CLI's --policy), else the OS's location. */
export async function loadPolicy(opts: { file?: string; platform?: NodeJS.Platform } = {}): Promise<LoadedPolicy> {
  const file = resolve(opts.file ?? policyPath(opts.platform));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CoreError(
      'POLICY_INVALID',
      missing
        ? `No policy at ${file}. CertDesk needs the bank's policy there; ask your IT department.`
        : `The policy ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Ask your IT department.`,
      { field: '(file)', file, reason: missing ? 'MISSING' : 'UNREADABLE' },
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new CoreError('POLICY_INVALID', `The policy ${file} is not valid JSON (${(err as Error).message}). Ask your IT department.`, {
      field: '(document)',
      file,
    });
  }
  return parsePolicy(doc, file);
}
