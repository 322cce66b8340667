// A renewal against a bank whose /csrattrs asks for an EC P-256 key (the simulator's rich
// shape, RFC 7030's example: challengePassword, ecPublicKey P-256, an extensionRequest for a
// MAC address, SHA-256). A policy that leaves keyType at its default gets the bank's key type;
// one that sets keyType keeps it. The log says what was honoured and ignored; the preflight
// shows it. Real NSS db, bank simulator, Node's transport.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import { pemToDer } from '../../src/main/core/pki';
import type { PreflightWithRequest } from '../../src/main/core/renewal/preflight';
import { openNssStore } from '../../src/main/core/store';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, memoryVault, nssDbHolding } from '../support/bank-world';
import { nodeService } from '../support/node-service';

let root: string;
let bank: Bank;
let n = 0;

beforeAll(async () => void ({ root, bank } = await bankInTemp('certdesk-csrattrs-renewal-', { csrAttrs: 'rich' })));
afterAll(() => endBankInTemp(root, bank));

async function renewWith(policyDoc: Record<string, unknown>) {
  const dir = join(root, `w${++n}`);
  const db = join(dir, 'nssdb');
  const seeded = await bank.seedAccount(`csrattrs${n}`, 15, undefined, { keyType: 'rsa2048' });
  nssDbHolding(db, seeded);
  const loaded = await parsePolicy({ bankName: 'Attrs Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', ...policyDoc }, join(dir, 'policy.json'));
  const log: string[] = [];
  const service = nodeService({
    loaded: { policy: loaded.policy, managed: loaded.managed },
    store: await openNssStore({ dbDir: db }),
    vault: memoryVault(),
    journalDir: join(dir, 'data'),
    log: (line) => log.push(line),
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
