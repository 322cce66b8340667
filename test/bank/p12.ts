// The seeded identity as a PKCS#12 file, made by openssl itself (its default profile:
// AES-256-CBC + PBKDF2, SHA-256 MAC) so that curl, NSS and Node read it as they would a
// bank's download. The key touches disk only in a private temp dir, removed in finally.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function writePkcs12(opts: { out: string; keyPem: string; certPem: string; chainPem: string; name: string; password: string }): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bank-p12-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const chain = join(dir, 'chain.pem');
    await writeFile(key, opts.keyPem, { mode: 0o600 });
    await writeFile(cert, opts.certPem, { mode: 0o600 });
    await writeFile(chain, opts.chainPem, { mode: 0o600 });
    await run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-certfile', chain, '-name', opts.name, '-passout', 'env:BANK_P12_PASS', '-out', opts.out], {
      env: { ...process.env, BANK_P12_PASS: opts.password },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
