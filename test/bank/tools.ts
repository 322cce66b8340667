// The client side of the bank's tests: curl and openssl only, no CertDesk code.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Run { code: number; stdout: Buffer; stderr: string }

export function run(cmd: string, args: string[], input?: Buffer | string): Promise<Run> {
  return new Promise((ok) => {
    const child = execFile(cmd, args, { encoding: 'buffer', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      ok({ code, stdout, stderr: stderr.toString('utf8') });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

export async function openssl(args: string[], input?: Buffer | string): Promise<string> {
  const r = await run('openssl', args, input);
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.toString('utf8');
}

export async function tempDir(prefix = 'bank-test-'): Promise<{ dir: string; file: (name: string, data?: string | Buffer) => Promise<string>; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    file: async (name, data) => {
      const p = join(dir, name);
      if (data !== undefined) await writeFile(p, data, { mode: 0o600 });
      return p;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface HttpAnswer { status: number; headers: Record<string, string>; body: Buffer; json: () => Record<string, unknown> }

/** One curl request; headers are lower-cased, the last response's block only. */
export async function curl(url: string, opts: {
  anchor: string; method?: 'GET' | 'POST'; body?: string; contentType?: string; extraHeaders?: string[];
  user?: string; cert?: string; key?: string; p12?: { path: string; password: string }; tls?: '1.2' | '1.3';
}): Promise<HttpAnswer> {
  const args = ['-sS', '-i', '--cacert', opts.anchor];
  if (opts.method) args.push('-X', opts.method);
  if (opts.body !== undefined) args.push('--data-binary', '@-');
  if (opts.contentType) args.push('-H', `Content-Type: ${opts.contentType}`);
  for (const h of opts.extraHeaders ?? []) args.push('-H', h);
  if (opts.user) args.push('-u', opts.user);
  if (opts.cert) args.push('--cert', opts.cert);
  if (opts.key) args.push('--key', opts.key);
  if (opts.p12) args.push('--cert-type', 'P12', '--cert', `${opts.p12.path}:${opts.p12.password}`);
  if (opts.tls === '1.2') args.push('--tlsv1.2', '--tls-max', '1.2');
  if (opts.tls === '1.3') args.push('--tlsv1.3');
  args.push(url);
  const r = await run('curl', args, opts.body);
  if (r.code !== 0) throw new Error(`curl ${url} failed (${r.code}): ${r.stderr}`);
  let out = r.stdout;
  // Skip interim answers (100 Continue) to the final response.
  while (/^HTTP\/[\d.]+ 1\d\d/.test(out.subarray(0, 16).toString('latin1'))) out = out.subarray(out.indexOf('\r\n\r\n') + 4);
  const split = out.indexOf('\r\n\r\n');
  const head = out.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(head[0]?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = out.subarray(split + 4);
  return { status, headers, body, json: () => JSON.parse(body.toString('utf8')) as Record<string, unknown> };
}

/** An openssl-made key and CSR; returns the key path and the CSR as an EST body (base64, 64 columns). */
export async function makeCsr(dir: string, name: string, subj: string, key: 'ec' | 'rsa' | 'rsa1024' = 'ec', opts: { stringMask?: 'pkix' | 'utf8only' } = {}): Promise<{ keyPath: string; csrB64: string; csrDer: Buffer }> {
  const keyPath = join(dir, `${name}.key`);
  const derPath = join(dir, `${name}.csr.der`);
  const newkey = key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', key === 'rsa' ? 'rsa:2048' : 'rsa:1024'];
  const config: string[] = [];
  if (opts.stringMask) {
    const cnf = join(dir, `${name}.cnf`);
    await writeFile(cnf, `[req]\ndistinguished_name = dn\nstring_mask = ${opts.stringMask}\n[dn]\n`);
    config.push('-config', cnf);
  }
  await openssl(['req', '-new', ...config, ...newkey, '-nodes', '-keyout', keyPath, '-utf8', '-subj', subj, '-outform', 'DER', '-out', derPath]);
  const csrDer = await readFile(derPath);
  return { keyPath, csrB64: estBase64(csrDer), csrDer };
}

export function estBase64(der: Buffer): string {
  return der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n');
}

export function subj(id: string): string {
  return `/C=JP/O=デモ信用金庫/OU=法人IB/CN=${id}`;
}

/** The certificates of a certs-only EST answer, as PEM, via openssl pkcs7. */
export async function certsFromEst(body: Buffer): Promise<string[]> {
  const der = Buffer.from(body.toString('ascii').replace(/\s+/g, ''), 'base64');
  const pem = await openssl(['pkcs7', '-inform', 'DER', '-print_certs'], der);
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
}

export async function certField(pem: string, args: string[]): Promise<string> {
  return (await openssl(['x509', '-noout', ...args], pem)).trim();
}

export async function fingerprintOf(pem: string): Promise<string> {
  const out = await certField(pem, ['-fingerprint', '-sha256']);
  return out.split('=')[1]!.replace(/:/g, '').toLowerCase();
}

export const EST_CERTS_ONLY = 'application/pkcs7-mime; smime-type=certs-only';
