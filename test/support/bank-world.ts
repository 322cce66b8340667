// The pieces the renewal tests' worlds are built from: the bank simulator serving from a
// temp dir, an NSS db holding a seeded account's certificate with its key, and a vault that
// lives in memory (the real one is exercised by the service tests).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vault } from '../../src/main/core/vault';
import { startBank, type Bank } from '../bank';

type BankShape = Omit<Parameters<typeof startBank>[0], 'dataDir' | 'port'>;

/** A fresh temp dir (named by `prefix`) with the bank simulator started in `root/bank`. */
export async function bankInTemp(prefix: string, shape: BankShape = {}): Promise<{ root: string; bank: Bank }> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  try {
    return { root, bank: await startBank({ ...shape, dataDir: join(root, 'bank'), port: 0 }) };
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** Stops the bank (if it started) and removes the temp dir. */
export async function endBankInTemp(root: string | undefined, bank: Bank | undefined): Promise<void> {
  await bank?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
}

/** A new NSS db at `db`, holding the seeded account's certificate and key when `p12` is given. */
export function nssDbHolding(db: string, p12?: { p12Path: string; p12Password: string }): void {
  mkdirSync(db, { recursive: true });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  if (p12) execFileSync('pk12util', ['-i', p12.p12Path, '-d', `sql:${db}`, '-W', p12.p12Password], { stdio: 'ignore' });
}

/** A vault whose key lives in memory: one per world, so each world's sealed key is its own. */
export function memoryVault(): Vault {
  let key: Uint8Array | undefined;
  return { getOrCreateKey: async () => (key ??= new Uint8Array(randomBytes(32))), delete: async () => void (key = undefined) };
}

/** A self-signed EC root written to `dir/root.pem` (its key beside it): the anchor of a policy whose bank is never reached. */
export function selfSignedRoot(dir: string, commonName: string): string {
  const pem = join(dir, 'root.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${commonName}`, '-days', '30',
    '-keyout', join(dir, 'root.key'), '-out', pem], { stdio: 'ignore' });
  return pem;
}
