// What the NSS adapter's tests share: a test PKI and a work folder, new empty NSS dbs in it,
// and readings of a db with NSS's and OpenSSL's own tools (certutil -K key IDs, vfychain,
// fingerprints), never with the adapter under test.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { makeTestPki, type TestCert, type TestPki } from '../support/pki-fixture';

/** The test bank's PKI, a work folder and the temp root (`work/tmp`) the stores are given. */
export function nssWork(): { pki: TestPki; work: string; tempRoot: string } {
  const pki = makeTestPki('NSS Test Bank');
  const work = mkdtempSync(join(tmpdir(), 'certdesk-nss-'));
  const tempRoot = join(work, 'tmp');
  mkdirSync(tempRoot);
  return { pki, work, tempRoot };
}

export function removeNssWork(pki: TestPki, work: string): void {
  rmSync(work, { recursive: true, force: true });
  rmSync(pki.dir, { recursive: true, force: true });
}

/** 山田 太郎's certificate: RSA, of the test bank (a renewal repeats this subject). */
export const ALICE_SUBJECT = '/C=JP/O=Example Corp/CN=山田 太郎';

export const certutil = (args: string[]) => execFileSync('certutil', args, { encoding: 'utf8' });
export const keyIds = (db: string) =>
  spawnSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8' })
    .stdout.split('\n')
    .flatMap((l) => /^<\s*\d+>\s+\w+\s+([0-9a-f]{40})/.exec(l)?.[1] ?? []);
export const modulusKeyId = (cert: TestCert) => {
  const mod = execFileSync('openssl', ['x509', '-noout', '-modulus'], { input: cert.pem, encoding: 'utf8' }).trim().split('=')[1] ?? '';
  return execFileSync('openssl', ['sha1', '-r'], { input: Buffer.from(mod, 'hex') }).toString().split(' ')[0];
};
export const fp = (c: TestCert) => execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: c.pem, encoding: 'utf8' }).split('=')[1]!.replace(/:/g, '').trim().toLowerCase();
/** A new empty NSS db (sql, empty password) in `work`. */
export const newDbIn = (work: string, name: string) => {
  const d = join(work, name);
  mkdirSync(d);
  certutil(['-N', '--empty-password', '-d', `sql:${d}`]);
  return d;
};
export async function codeOf(p: Promise<unknown>): Promise<{ code: string; reason?: unknown; message: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CoreError);
  const c = e as CoreError;
  return { code: c.code, reason: c.detail?.reason, message: c.message };
}

/** vfychain's whole output, whatever its exit code. */
export function vfychain(args: string[]): string {
  const r = spawnSync('vfychain', args, { encoding: 'utf8' });
  return r.stdout + r.stderr;
}

/** A TLS server certificate for `host` signed by the test bank's issuing CA key. */
export function serverCertFromIssuingCa(pki: TestPki, work: string, host: string): string {
  const ext = writeTmpIn(work, `${host}.ext`, `basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${host}\n`);
  const key = join(work, `${host}.key`);
  const csr = join(work, `${host}.csr`);
  const pem = join(work, `${host}.pem`);
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${host}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', join(pki.dir, 'issuing.pem'), '-CAkey', join(pki.dir, 'issuing.key'), '-out', pem, '-days', '90', '-extfile', ext], { stdio: 'ignore' });
  return pem;
}

/** A 0600 file in `work`. */
export function writeTmpIn(work: string, name: string, text: string): string {
  const p = join(work, name);
  writeFileSync(p, text);
  chmodSync(p, 0o600);
  return p;
}
