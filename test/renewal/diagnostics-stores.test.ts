// The diagnostics export with several stores: each store is named (the primary marked), and
// an interrupted renewal's journal says how far each store got (storeProgress), including a
// store not written yet. Two real NSS dbs; the journal written by the journal itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/main/core/config';
import { Journal } from '../../src/main/core/renewal/journal';
import { openNssStore } from '../../src/main/core/store';
import { memoryVault, nssDbHolding, selfSignedRoot } from '../support/bank-world';
import { offlineService } from '../support/node-service';

let dir: string;
let anchorPem: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-diag-stores-'));
  anchorPem = readFileSync(selfSignedRoot(dir, 'Diag Root'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serviceWithTwoStores(name: string) {
  const dbs = ['first', 'second'].map((d) => join(dir, name, d));
  for (const db of dbs) nssDbHolding(db);
  const [a, b] = await Promise.all(dbs.map((dbDir) => openNssStore({ dbDir })));
  const loaded = await parsePolicy({ bankName: 'Diag Bank', endpoint: 'https://bank.invalid/.well-known/est', trustAnchorPem: anchorPem, language: 'en' }, join(dir, name, 'policy.json'));
  const journalDir = join(dir, name, 'data');
  const service = offlineService({ loaded: { policy: loaded.policy }, stores: [a!, b!], vault: memoryVault(), journalDir });
  return { service, journal: new Journal(journalDir), names: [a!.describe(), b!.describe()] };
}

describe('diagnostics: several stores', () => {
  it('names each store, the primary first; with no journal, none', async () => {
    const { service, names } = await serviceWithTwoStores('idle');
    const d = await service.getDiagnostics();
    expect(d.ok).toBe(true);
    const text = d.ok ? d.value.text : '';
    expect(text).toContain(`[store]\n${names[0]} (primary)\n${names[1]}\n`);
    expect(text).toContain('[journal]\nnone\n');
  });

  it("an interrupted renewal: each store's progress from the journal, the one not reached said so", async () => {
    const { service, journal, names } = await serviceWithTwoStores('interrupted');
    await journal.write({
      version: 1,
      id: 'diag-1',
      operation: 'renew',
      step: 'install',
      startedAt: '2026-11-01T00:00:00.000Z',
      keyType: 'ecdsaP256',
      storeProgress: { [names[0]!]: 'installed' },
    });
    const d = await service.getDiagnostics();
    const text = d.ok ? d.value.text : '';
    expect(text).toContain(`[journal]\nunfinished renew at step install, started 2026-11-01T00:00:00.000Z\nstore ${names[0]}: installed\nstore ${names[1]}: not yet written\n`);
  });
});
