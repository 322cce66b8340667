// What an NSS db holds, read with NSS's own tools (certutil, vfychain) and node:crypto, never
// with CertDesk's code: the kill harness judges the store by this alone. A key is paired with
// a certificate by NSS's key ID (CKA_ID: SHA-1 of the RSA modulus or of the EC point, as
// certutil and pk12util set it); certutil -K shows a key's own label even when its
// certificate is gone, so "(orphan)" alone would miss most orphans.
import { createHash, X509Certificate } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { run } from './cli-world';

export interface DbCertificate {
  nickname: string;
  /** The trust column of the certutil -L rows under this nickname. */
  trust: string[];
  sha256: string;
  isCa: boolean;
  /** An end-entity certificate the bank's issuing CA signed. */
  bankLeaf: boolean;
  keyId: string;
  hasKey: boolean;
}

export interface DbKey {
  id: string;
  type: string;
  /** What certutil -K prints after the ID: a nickname, or "(orphan)". */
  label: string;
  paired: boolean;
}

export interface StoreState {
  certificates: DbCertificate[];
  keys: DbKey[];
  /** vfychain -u 1 (SSL server) on the probe: 0 means a bank-signed server certificate is trusted. */
  probe: { code: number | null; output: string };
}

async function tool(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** NSS's CKA_ID for the certificate's public key. */
export function nssKeyId(cert: X509Certificate): string {
  const jwk = cert.publicKey.export({ format: 'jwk' });
  const value = jwk.kty === 'RSA'
    ? Buffer.from(jwk.n!, 'base64url')
    : Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return createHash('sha1').update(value).digest('hex');
}

/** certutil -L rows: the trust column is the last `a,b,c` token; the nickname is what precedes it. */
export function parseCertList(text: string): Array<{ nickname: string; trust: string }> {
  const rows: Array<{ nickname: string; trust: string }> = [];
  for (const line of text.split('\n').slice(3)) {
    const m = /^(.*?)\s+([A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$/.exec(line);
    if (m) rows.push({ nickname: m[1]!, trust: m[2]! });
  }
  return rows;
}

/** certutil -K rows: `< 0> rsa      <id>   <nickname or (orphan)>`. */
export function parseKeyList(text: string): Array<{ id: string; type: string; label: string }> {
  const keys: Array<{ id: string; type: string; label: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^<\s*\d+>\s+(\S+)\s+([0-9a-f]+)\s+(.*)$/.exec(line);
    if (m) keys.push({ type: m[1]!, id: m[2]!, label: m[3]!.trim() });
  }
  return keys;
}

export async function readStore(db: string, issuingCaPem: string, probePath: string): Promise<StoreState> {
  const d = `sql:${db}`;
  const rows = parseCertList(await tool('certutil', ['-L', '-d', d]));
  const issuing = new X509Certificate(issuingCaPem);
  const keysRun = await run('certutil', ['-K', '-d', d]);
  // certutil -K exits 255 on a db without keys ("no keys found"): an empty list, not a failure.
  const keyRows = keysRun.code === 0 ? parseKeyList(keysRun.stdout) : [];
  const certificates: DbCertificate[] = [];
  for (const nickname of [...new Set(rows.map((r) => r.nickname))]) {
    const pems = (await tool('certutil', ['-L', '-d', d, '-n', nickname, '-a'])).match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    for (const pem of pems) {
      const x = new X509Certificate(pem);
      const keyId = nssKeyId(x);
      certificates.push({
        nickname,
        trust: rows.filter((r) => r.nickname === nickname).map((r) => r.trust),
        sha256: createHash('sha256').update(x.raw).digest('hex'),
        isCa: x.ca,
        bankLeaf: !x.ca && x.checkIssued(issuing) && x.verify(issuing.publicKey),
        keyId,
        hasKey: keyRows.some((k) => k.id === keyId),
      });
    }
  }
  const keys = keyRows.map((k) => ({ ...k, paired: certificates.some((c) => c.keyId === k.id) }));
  const v = await run('vfychain', ['-d', d, '-u', '1', '-a', probePath]);
  return { certificates, keys, probe: { code: v.code, output: (v.stdout + v.stderr).trim() } };
}

/** Every file and folder under `dir`, relative, or [] when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The files (not folders) under `dir`, relative. */
export async function filesOnlyUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => !e.isDirectory())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The problems the store shows, whatever the step: these hold after any kill and any recovery. */
export function storeProblems(s: StoreState): string[] {
  const problems: string[] = [];
  const leaves = s.certificates.filter((c) => c.bankLeaf);
  if (leaves.length !== 1) problems.push(`${leaves.length} bank certificates in the db (expected exactly one)`);
  for (const c of leaves) if (!c.hasKey) problems.push(`bank certificate ${c.sha256.slice(0, 16)}… has no private key`);
  for (const k of s.keys) if (!k.paired) problems.push(`orphan private key ${k.id} (${k.label})`);
  for (const c of s.certificates) {
    if (c.isCa && c.trust.some((t) => t !== ',,')) problems.push(`CA certificate "${c.nickname}" has trust ${c.trust.join(' ')} (expected ,,)`);
  }
  if (s.probe.code === 0 || /Chain is good/.test(s.probe.output)) problems.push('a www.google.com server certificate signed by the bank\'s issuing CA passes vfychain -u 1');
  return problems;
}

export function describeStore(s: StoreState): string {
  const lines = s.certificates.map(
    (c) => `  cert "${c.nickname}" trust=${c.trust.join('|')} ${c.isCa ? 'CA' : c.bankLeaf ? 'bank leaf' : 'other'} sha256=${c.sha256} keyId=${c.keyId}${c.hasKey ? ' +key' : ''}`,
  );
  lines.push(...s.keys.map((k) => `  key ${k.type} ${k.id} "${k.label}"${k.paired ? '' : ' ORPHAN'}`));
  lines.push(`  vfychain -u 1 probe: exit ${s.probe.code} ${s.probe.output.split('\n').at(-1) ?? ''}`);
  return lines.join('\n');
}

/**
 * A server certificate for www.google.com signed by the bank's issuing CA key: if the db
 * trusts the CA for servers, this passes vfychain -u 1. Made once per bank with openssl.
 */
export async function makeServerProbe(bankDataDir: string, dir: string): Promise<string> {
  const key = join(dir, 'probe.key.pem');
  const csr = join(dir, 'probe.csr');
  const ext = join(dir, 'probe.ext');
  const out = join(dir, 'probe.pem');
  await tool('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=www.google.com', '-out', csr]);
  await writeFile(ext, 'subjectAltName=DNS:www.google.com\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n');
  const ca = join(bankDataDir, 'ca');
  await tool('openssl', ['x509', '-req', '-in', csr, '-CA', join(ca, 'issuing-ca.pem'), '-CAkey', join(ca, 'issuing-ca.key.pem'), '-set_serial', '1', '-days', '30', '-extfile', ext, '-out', out]);
  return out;
}
