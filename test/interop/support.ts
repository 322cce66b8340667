// A renewal service in process over a real NSS db and a bank of another shape, for the
// interoperability tests (the wiring of test/support/node-service.ts).
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { loadPolicy } from '../../src/main/core/config';
import type { CoreService } from '../../src/main/core/renewal';
import { openNssStore } from '../../src/main/core/store';
import type { Bank } from '../bank';
import { nodeService } from '../support/node-service';
import { certutil, dbCertificates, newNssDb, run, writePolicy } from '../support/cli-world';

export async function serviceFor(bank: Bank, dir: string, policyExtra: Record<string, unknown> = {}): Promise<{ db: string; service: CoreService }> {
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const file = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, ...policyExtra });
  const loaded = await loadPolicy({ file });
  const journalDir = join(dir, 'data');
  const service = nodeService({ loaded, store: await openNssStore({ dbDir: db }), journalDir, remind: () => undefined });
  return { db, service };
}

/** `certutil -L`: each nickname with its trust attributes ("u,u,u", ",,", "CT,C,C"). */
export async function trustFlags(db: string): Promise<Array<{ nickname: string; trust: string }>> {
  const list = await certutil(['-L', '-d', `sql:${db}`]);
  return list.split('\n').slice(4).map((l) => /^(.*?)\s+(\S*,\S*,\S*)\s*$/.exec(l)).filter((m) => m !== null)
    .map((m) => ({ nickname: m[1]!.trim(), trust: m[2]! }));
}

/** The self-signed certificates in the db (roots), by SHA-256. */
export async function selfSignedIn(db: string): Promise<string[]> {
  return (await dbCertificates(db)).filter((c) => {
    const x = new X509Certificate(c.pem);
    return x.checkIssued(x) && x.verify(x.publicKey);
  }).map((c) => c.sha256);
}
