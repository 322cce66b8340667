// Shared by the command-line tests: the CLI run as a child process (as a user runs it),
// a real NSS db driven by certutil/pk12util, and openssl for independent checks.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error -- a plain .mjs build script, typed by its JSDoc only
import { buildCli } from '../../scripts/build-cli.mjs';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Async, never spawnSync: the bank simulator answers from this same process. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    // A child that exits without reading stdin closes the pipe: that is not a test failure.
    p.stdin.on('error', () => undefined);
    p.stdin.end(opts.input ?? '');
  });
}

/** The bundle `npm run build:cli` makes, in a private folder under node_modules (keytar, external, resolves from there). */
export async function buildCliBundle(name: string): Promise<string> {
  const outdir = join(ROOT, 'node_modules', '.cache', `certdesk-cli-${name}-${process.pid}`);
  await buildCli(outdir);
  return join(outdir, 'cli.js');
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function certutil(args: string[]): Promise<string> {
  const r = await run('certutil', args);
  if (r.code !== 0) throw new Error(`certutil ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export async function newNssDb(dir: string): Promise<void> {
  await certutil(['-N', '-d', `sql:${dir}`, '--empty-password']);
}

export async function importP12(dir: string, p12Path: string, password: string): Promise<void> {
  const r = await run('pk12util', ['-i', p12Path, '-d', `sql:${dir}`, '-W', password]);
  if (r.code !== 0) throw new Error(`pk12util: ${r.stderr}${r.stdout}`);
}

/** Every certificate in the db with its SHA-256 fingerprint, and whether a key pairs with it. */
export async function dbCertificates(dir: string): Promise<Array<{ nickname: string; sha256: string; hasKey: boolean; pem: string }>> {
  const list = await certutil(['-L', '-d', `sql:${dir}`]);
  const nicknames = list
    .split('\n')
    .slice(4)
    .map((l) => l.replace(/\s+\S*,\S*,\S*\s*$/, '').trim())
    .filter(Boolean);
  const keys = await run('certutil', ['-K', '-d', `sql:${dir}`]);
  const out: Array<{ nickname: string; sha256: string; hasKey: boolean; pem: string }> = [];
  for (const nickname of [...new Set(nicknames)]) {
    const pems = (await certutil(['-L', '-d', `sql:${dir}`, '-n', nickname, '-a'])).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    for (const pem of pems) {
      const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
      const { createHash } = await import('node:crypto');
      out.push({ nickname, sha256: createHash('sha256').update(der).digest('hex'), hasKey: keys.stdout.includes(nickname), pem });
    }
  }
  return out;
}

/** The bank's end-entity certificates in the db (CA certificates excluded), by issuer. */
export async function bankCertificates(dir: string, issuingCaPem: string) {
  const all = await dbCertificates(dir);
  const { X509Certificate } = await import('node:crypto');
  const ca = new X509Certificate(issuingCaPem);
  return all.filter((c) => {
    const x = new X509Certificate(c.pem);
    return !x.ca && x.checkIssued(ca);
  });
}

export async function writePolicy(dir: string, doc: Record<string, unknown>): Promise<string> {
  const f = join(dir, 'policy.json');
  await writeFile(f, JSON.stringify(doc));
  return f;
}

export async function opensslVerify(pem: string, anchorPath: string, issuingCaPem: string, dir: string): Promise<Run> {
  const leaf = join(dir, 'leaf.pem');
  const chain = join(dir, 'chain.pem');
  await writeFile(leaf, pem);
  await writeFile(chain, issuingCaPem);
  return run('openssl', ['verify', '-CAfile', anchorPath, '-untrusted', chain, '-purpose', 'sslclient', leaf]);
}

export { readFile, rm };

/**
 * gnome-keyring started with an empty --unlock password has no "login" collection, so
 * libsecret cannot store the vault's key (it would prompt, which a headless session
 * cannot). Probe in a child (libsecret caches its connection) and restart the session's
 * daemon with a password if needed: the same remedy as test/vault.
 */
export async function ensureKeyring(): Promise<void> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return;
  const probe = await run(process.execPath, ['--input-type=module', '-e',
    "import k from 'keytar'; await k.setPassword('CertDesk-probe', 'p', 'x'); await k.deletePassword('CertDesk-probe', 'p');"]);
  if (/collection\/login/.test(probe.stderr)) {
    await run('sh', ['-c', "printf 'certdesk-test' | gnome-keyring-daemon --replace --unlock --components=secrets >/dev/null 2>&1"]);
  }
}
