// The diagnostics export says where each policy field came from (the bank's built-in file, the
// user's file) and which of the user's fields another layer overrides, and who makes the
// renewal's key (keyStorage "store" with one NSS db: its token; several stores: software;
// tpm without a PIN: unavailable, said so). Real layered policy files on disk, real NSS dbs;
// the deps handed over as the composition root hands them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, type LoadedPolicy } from '../../src/main/core/config';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import { memoryVault, nssDbHolding, selfSignedRoot } from '../support/bank-world';
import { offlineService } from '../support/node-service';

let dir: string;
let anchorFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-diag-policy-'));
  anchorFile = selfSignedRoot(dir, 'Diag Policy Root');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function nssDb(path: string): Promise<CertificateStore> {
  nssDbHolding(path);
  return openNssStore({ dbDir: path });
}

/** A Linux PC: the bank's built-in policy in the app's resources, the user's file in ~/.config/certdesk. */
async function layered(name: string, builtin: object, user: object): Promise<{ loaded: LoadedPolicy; userFile: string; builtinFile: string }> {
  const root = join(dir, name);
  const resources = join(root, 'resources');
  const userDir = join(root, 'home', '.config', 'certdesk');
  for (const d of [resources, userDir]) mkdirSync(d, { recursive: true });
  const builtinFile = join(resources, 'policy.json');
  const userFile = join(userDir, 'policy.json');
  writeFileSync(builtinFile, JSON.stringify(builtin));
  writeFileSync(userFile, JSON.stringify(user));
  const loaded = await loadPolicy({ platform: 'linux', env: { HOME: join(root, 'home') }, resourcesPath: resources, machineFile: join(root, 'etc', 'policy.json') });
  return { loaded, userFile, builtinFile };
}

async function diagnostics(loaded: LoadedPolicy, stores: CertificateStore[], journalDir: string): Promise<string> {
  const service = offlineService({ loaded, stores, vault: memoryVault(), journalDir });
  const d = await service.getDiagnostics();
  expect(d.ok).toBe(true);
  return d.ok ? d.value.text : '';
}

// In English: these cases read the export's English lines (the Japanese export: test/cli/diagnostics.test.ts).
const BANK = { bankName: 'Diag Bank', endpoint: 'https://bank.invalid/.well-known/est', language: 'en' };

describe('diagnostics: the policy layers and the key custody', { timeout: 60_000 }, () => {
  it("each field's origin; the user's fields the bank's policy overrides are listed; one NSS db: the key is made in its token", async () => {
    const { loaded, userFile, builtinFile } = await layered('one', { ...BANK, trustAnchorFile: anchorFile, keyStorage: 'store', support: { name: 'Bank desk' }, language: 'ja' },
      { language: 'en', reminderDays: [60] });
    const db = join(dir, 'one', 'nssdb');
    const text = await diagnostics(loaded, [await nssDb(db)], join(dir, 'one', 'data'));
    // The bank's policy sets language ja: the export is written in Japanese, machine keys unchanged.
    expect(text).toContain(`設定元:\n  bankName: ${builtinFile}\n  endpoint: ${builtinFile}\n`);
    expect(text).toContain(`  reminderDays: ${userFile}\n`);
    expect(text).toContain('使われない設定（利用者のファイルの値より、ほかの設定が優先されます）:\n');
    expect(text).toContain(`  language: ${userFile} (銀行の ${builtinFile} が優先)\n`);
    // The bank's values are the ones in force.
    expect(text).toContain('endpoint: "https://bank.invalid/.well-known/est"\n');
    // The custodian's own description is the core's English: the Japanese export names its kind only.
    expect(text).toContain('[key custody]\nkeyStorage: store; 鍵を作る場所: store\n');
  });

  it('several stores: keyStorage "store" makes a software key, and the export says so', async () => {
    const { loaded } = await layered('two', { ...BANK, trustAnchorFile: anchorFile }, {});
    const stores = [await nssDb(join(dir, 'two', 'a')), await nssDb(join(dir, 'two', 'b'))];
    const text = await diagnostics(loaded, stores, join(dir, 'two', 'data'));
    expect(text).toContain(`[key custody]\nkeyStorage: store; key made by: software (${stores[0]!.describe()} (key made in CertDesk, imported))\n`);
    // Nothing ignored: no such heading.
    expect(text).not.toContain('ignored (');
  });

  it('keyStorage "tpm" where no PIN can be asked: unavailable, with the reason', async () => {
    const { loaded } = await layered('tpm', { ...BANK, trustAnchorPem: readFileSync(anchorFile, 'utf8'), keyStorage: 'tpm' }, {});
    const text = await diagnostics(loaded, [await nssDb(join(dir, 'tpm', 'nssdb'))], join(dir, 'tpm', 'data'));
    expect(text).toMatch(/\[key custody\]\nkeyStorage: tpm; unavailable: STORE_UNAVAILABLE keyStorage "tpm" needs the token's PIN/);
  });
});
