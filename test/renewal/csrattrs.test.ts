// A renewal against a bank whose /csrattrs asks for an EC P-256 key (the simulator's rich
// shape, RFC 7030's example: challengePassword, ecPublicKey P-256, an extensionRequest for a
// MAC address, SHA-256). A policy that leaves keyType at its default gets the bank's key type;
// one that sets keyType keeps it. The log says what was honoured and ignored; the preflight
// shows it. Real NSS db, bank simulator, Node's transport.
import { execFileSync } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSettings, parsePolicy } from '../../src/main/core/config';
import { createNodeTransport } from '../../src/main/core/est';
import { pemToDer } from '../../src/main/core/pki';
import { createRenewalService } from '../../src/main/core/renewal';
import type { PreflightWithRequest } from '../../src/main/core/renewal/preflight';
import { openNssStore } from '../../src/main/core/store';
import type { Vault } from '../../src/main/core/vault';
import { startBank, type Bank } from '../bank';

let root: string;
let bank: Bank;
let n = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'certdesk-csrattrs-renewal-'));
  bank = await startBank({ dataDir: join(root, 'bank'), port: 0, csrAttrs: 'rich' });
});
afterAll(async () => {
  await bank?.stop();
  rmSync(root, { recursive: true, force: true });
});

function memoryVault(): Vault {
  let key: Uint8Array | undefined;
  return { getOrCreateKey: async () => (key ??= new Uint8Array(randomBytes(32))), delete: async () => void (key = undefined) };
}

async function renewWith(policyDoc: Record<string, unknown>) {
  const dir = join(root, `w${++n}`);
  const db = join(dir, 'nssdb');
  mkdirSync(db, { recursive: true });
  const seeded = await bank.seedAccount(`csrattrs${n}`, 15, undefined, { keyType: 'rsa2048' });
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  execFileSync('pk12util', ['-i', seeded.p12Path, '-d', `sql:${db}`, '-W', seeded.p12Password], { stdio: 'ignore' });
  const loaded = await parsePolicy({ bankName: 'Attrs Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', ...policyDoc }, join(dir, 'policy.json'));
  const log: string[] = [];
  const store = await openNssStore({ dbDir: db });
  const service = createRenewalService({
    policy: loaded.policy,
    managed: loaded.managed,
    store,
    vault: memoryVault(),
    settings: openSettings({ dir: join(dir, 'data') }),
    journalDir: join(dir, 'data'),
    transportFor: (identity) =>
      createNodeTransport({ anchorsPem: loaded.policy.trustAnchorPem, ...(identity && !('fingerprint' in identity) ? { identity } : {}), proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000 }),
    emit: () => undefined,
    log: (line) => log.push(line),
    sleep: async () => undefined,
  });
  const pre = await service.runPreflight(seeded.fingerprint);
  const r = await service.renew(seeded.fingerprint);
  expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
  const newFp = r.ok ? r.value.certificate.sha256 : '';
  const inDb = await (await openNssStore({ dbDir: db })).list(pemToDer(bank.trustAnchorPem, 'CERTIFICATE'));
  const cert = inDb.find((s) => s.fingerprint === newFp);
  expect(cert?.hasPrivateKey).toBe(true);
  return { log, key: new X509Certificate(cert!.certificateDer).publicKey, preflight: pre.ok ? (pre.value as PreflightWithRequest) : undefined };
}

describe('csrattrs in the request', { timeout: 120_000 }, () => {
  it('keyType left at its default: the new key is the EC P-256 the bank asks for; the log and the preflight say so, and what was ignored', async () => {
    const { log, key, preflight } = await renewWith({});
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(log).toEqual([
      'csrattrs: honoured key type ecdsaP256 (the policy leaves keyType at its default)',
      'csrattrs: honoured signature hash SHA-256',
      'csrattrs: ignored challengePassword: CertDesk never puts a password into the request (取得 sends it in the HTTP Basic header only)',
      'csrattrs: ignored extensionRequest (macAddress): CertDesk cannot fill it in',
    ]);
    expect(preflight?.passed).toBe(true);
    expect(preflight?.request).toMatchObject({ keyType: 'ecdsaP256', hash: 'SHA-256' });
    expect(preflight?.request?.ignored).toHaveLength(2);
  });

  it('keyType set by the policy: kept (RSA 2048), the bank\'s P-256 named as ignored', async () => {
    const { log, key } = await renewWith({ keyType: 'rsa2048' });
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(log).toContain('csrattrs: ignored key type ecdsaP256: the policy sets keyType rsa2048');
  });
});
