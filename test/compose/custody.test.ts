// Custody decided once (issue 28): where the renewal's key is made and kept comes from one
// function of the store layer (decideCustody: the policy and the stores this run writes, whose
// kinds are the platform's), and the preflight (doctor, the window's 更新前処理) and the
// diagnostics report that decision as it is. Real NSS dbs and the bank simulator; Windows'
// and macOS's stores are their real adapters over a scripted runner (no command runs to decide).
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/shared/policy';
import { startBank, type Bank } from '../bank';
import { runCli } from '../../src/main/cli';
import { catalogs } from '../../src/main/cli/messages';
import { composeCore } from '../../src/main/core/compose';
import { loadPolicy, openSettings } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';
import { createNodeTransport } from '../../src/main/core/est';
import { createRenewalService } from '../../src/main/core/renewal';
import { createMacStore, createWindowsStore, decideCustody, openCustody, openNssStore, type CertificateStore, type CommandRunner, type KeyCustodian } from '../../src/main/core/store';
import { ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';
import { memoryVault } from '../support/bank-world';
import { SOFTHSM_MODULE, TPM_MODULE } from '../support/tokens';

let bank: Bank;
let work: string;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-compose-custody-');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

async function nssDb(name: string): Promise<{ dir: string; store: CertificateStore }> {
  const dir = join(work, name);
  await run('mkdir', ['-p', dir]);
  await newNssDb(dir);
  return { dir, store: await openNssStore({ dbDir: dir }) };
}

/** Windows' and macOS's tools cannot run here, and deciding must not run any: each call is recorded and refused. */
function noCommands(): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  return { calls, run: async (cmd, args) => (calls.push([cmd, ...args]), { code: 1, stdout: '', stderr: 'no command runs to decide' }) };
}

const policy = (keyStorage: Policy['keyStorage'], pkcs11?: Policy['pkcs11']) => ({ keyStorage, ...(pkcs11 ? { pkcs11 } : {}) });
const refusal = (words: RegExp) => ({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(words) as unknown as string, detail: { reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' } });

describe('the custody decision for each policy shape', () => {
  it('NSS only: keyStorage "store" is the db\'s token; named twice it is one store; "software" is made in CertDesk; several dbs make "store" a software key', async () => {
    const a = await nssDb('shape-a');
    const b = await nssDb('shape-b');
    const again = await openNssStore({ dbDir: a.dir });
    const token = decideCustody(policy('store'), [a.store, again]);
    expect(token).toEqual({ asked: 'store', storage: 'store', place: 'nss-token', why: 'AS_ASKED', stores: 1, everyStore: false });
    expect(openCustody(token, [a.store]).custodian().storage).toBe('store');
    expect(decideCustody(policy('software'), [a.store])).toEqual({ asked: 'software', storage: 'software', place: 'software', why: 'AS_ASKED', stores: 1, everyStore: true });
    const several = decideCustody(policy('store'), [a.store, b.store]);
    expect(several).toEqual({ asked: 'store', storage: 'software', place: 'software', why: 'SEVERAL_STORES', stores: 2, everyStore: true });
    const lines: string[] = [];
    expect(openCustody(several, [a.store, b.store], { log: (l) => lines.push(l) }).custodian().storage).toBe('software');
    expect(lines).toEqual(['keyStorage "store": the new key is made in CertDesk as a software key (sealed in the journal until installed), because the key must reach 2 stores and a key made inside one cannot be copied into another.']);
  });

  it('tpm and a pkcs11 module with NSS: the module\'s token (its path and label), serving every db; its custodian only from the entry, which holds the PIN', async () => {
    const a = await nssDb('module-a');
    const b = await nssDb('module-b');
    const tpm = decideCustody(policy('tpm'), [a.store]);
    expect(tpm).toEqual({ asked: 'tpm', storage: 'tpm', place: 'module', why: 'AS_ASKED', module: TPM_MODULE, tokenLabel: 'CertDesk', stores: 1, everyStore: true });
    const card = decideCustody(policy('pkcs11', { module: SOFTHSM_MODULE, tokenLabel: 'Bank Card' }), [a.store, b.store]);
    expect(card).toEqual({ asked: 'pkcs11', storage: 'pkcs11', place: 'module', why: 'AS_ASKED', module: SOFTHSM_MODULE, tokenLabel: 'Bank Card', stores: 2, everyStore: true });
    // Without the entry's custodian (no PIN can be asked): unavailable, saying so.
    expect(() => openCustody(tpm, [a.store]).custodian()).toThrow(/keyStorage "tpm" needs the token's PIN/);
    const given = { storage: 'pkcs11' } as KeyCustodian;
    expect(openCustody(card, [a.store, b.store], { token: given }).custodian()).toBe(given);
  });

  it('a journal\'s key of another kind: that kind\'s decision on the primary store alone', async () => {
    const a = await nssDb('journal-a');
    const b = await nssDb('journal-b');
    const now = openCustody(decideCustody(policy('store'), [a.store, b.store]), [a.store, b.store], { pkcs11: { module: SOFTHSM_MODULE, tokenLabel: 'Card' } });
    expect(now.of('software')).toBe(now);
    expect(now.of('store').decision).toEqual({ asked: 'store', storage: 'store', place: 'nss-token', why: 'AS_ASKED', stores: 1, everyStore: false });
    expect(now.of('pkcs11').decision).toMatchObject({ place: 'module', module: SOFTHSM_MODULE, tokenLabel: 'Card', everyStore: true });
  });

  it('Windows (its store adapter): "store" the software KSP, "tpm" the Platform Crypto Provider, "software" made in CertDesk, "pkcs11" refused; no command run', () => {
    const r = noCommands();
    const win = createWindowsStore(r.run, { build: 19045, tempRoot: work });
    expect(decideCustody(policy('store'), [win])).toEqual({ asked: 'store', storage: 'store', place: 'windows-ksp', why: 'AS_ASKED', stores: 1, everyStore: false });
    expect(decideCustody(policy('tpm'), [win])).toEqual({ asked: 'tpm', storage: 'tpm', place: 'windows-platform', why: 'AS_ASKED', stores: 1, everyStore: false });
    expect(decideCustody(policy('software'), [win])).toMatchObject({ storage: 'software', place: 'software', why: 'AS_ASKED' });
    const refused = decideCustody(policy('pkcs11', { module: 'C:\\card.dll', tokenLabel: 'x' }), [win]);
    expect(refused).toEqual({ asked: 'pkcs11', place: 'refused', why: 'NOT_HERE', stores: 1, everyStore: false, error: refusal(/minidriver/) });
    // The custodians are the decision's: the same kinds, the refusal thrown as decided.
    expect(openCustody(decideCustody(policy('tpm'), [win]), [win]).custodian().describe()).toContain('"Microsoft Platform Crypto Provider"');
    let thrown: unknown;
    try {
      openCustody(refused, [win]).custodian();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CoreError);
    expect((thrown as CoreError).toApiError()).toEqual(refused.error);
    expect(r.calls).toHaveLength(0);
  });

  it('macOS (its store adapter): "store" and "software" made in CertDesk and imported non-extractable, "store" saying why; tpm and pkcs11 refused; with an NSS db beside it, "store" is software', async () => {
    const r = noCommands();
    const mac = createMacStore(r.run, { productVersion: '14.5', keychain: join(work, 'login.keychain-db') });
    const store = decideCustody(policy('store'), [mac]);
    expect(store).toEqual({ asked: 'store', storage: 'software', place: 'macos-keychain', why: 'MACOS_SOFTWARE', stores: 1, everyStore: true });
    expect(decideCustody(policy('software'), [mac])).toEqual({ ...store, asked: 'software', why: 'AS_ASKED' });
    expect(openCustody(store, [mac]).custodian().describe()).toContain('imported non-extractable');
    expect(decideCustody(policy('tpm'), [mac])).toMatchObject({ place: 'refused', error: refusal(/Secure Enclave/) });
    expect(decideCustody(policy('pkcs11', { module: '/Library/card.dylib', tokenLabel: 'x' }), [mac])).toMatchObject({ place: 'refused', error: refusal(/CryptoTokenKit/) });
    const db = await nssDb('mac-beside');
    expect(decideCustody(policy('store'), [mac, db.store])).toMatchObject({ storage: 'software', place: 'software', why: 'SEVERAL_STORES', stores: 2 });
    expect(r.calls).toHaveLength(0);
  });
});

async function certdesk(argv: string[], env: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end();
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin, env }, { platform: 'linux', exec: async () => undefined });
  return { code, stdout, stderr };
}

/** A PC with one valid bank certificate in an NSS db, and a second db beside it. */
async function pc() {
  const dir = join(work, `pc${++n}`);
  const a = await nssDb(`pc${n}/a`);
  const b = await nssDb(`pc${n}/b`);
  const account = await bank.seedAccount(`cu${n}`, 100, `pw-${n}`);
  await importP12(a.dir, account.p12Path, account.p12Password);
  const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', CERTDESK_DATA_DIR: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'xdg'), CERTDESK_STATUS_FILE: join(dir, 'status.json') };
  return { dir, a, b, account, env };
}

describe('the decision, reported as decided', () => {
  it('compose decides once: the preflight, the diagnostics and doctor (text and JSON) report that decision', { timeout: 120_000 }, async () => {
    const p = await pc();
    const file = await writePolicy(p.dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, language: 'en', stores: [`nss:${p.a.dir}`, `nss:${p.b.dir}`] });
    const decided = decideCustody((await loadPolicy({ file })).policy, [p.a.store, p.b.store]);
    expect(decided).toMatchObject({ place: 'software', why: 'SEVERAL_STORES', stores: 2 });
    const core = await composeCore({ policyFile: file, env: p.env, emit: () => undefined });
    try {
      const r = await core.service.runPreflight(p.account.fingerprint);
      expect(r.ok && r.value.custody).toEqual(decided);
      const d = await core.service.getDiagnostics();
      expect(d.ok && d.value.text).toContain('[key custody]\nkeyStorage: store; key made by: software (');
      expect(d.ok && d.value.text).toContain('\nplace: software; why: SEVERAL_STORES\n');
    } finally {
      await core.settle();
    }
    const json = await certdesk(['doctor', '--json', '--policy', file], p.env);
    expect(json.code, json.stdout + json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { result: { custody: unknown; policy: { keyStorageEffective?: string } } };
    expect(doc.result.custody).toEqual(decided);
    expect(doc.result.policy.keyStorageEffective).toBe('software');
    const text = await certdesk(['doctor', '--lang', 'en', '--policy', file], p.env);
    expect(text.stdout).toContain(catalogs.en.keyStorageSoftware(2));
    // --store names one store: one decision for that run, said the same way everywhere.
    const one = await certdesk(['doctor', '--json', '--policy', file, '--store', `nss:${p.a.dir}`], p.env);
    const oneDoc = JSON.parse(one.stdout) as typeof doc;
    expect(oneDoc.result.custody).toEqual(decideCustody({ keyStorage: 'store' }, [p.a.store]));
    expect(oneDoc.result.policy.keyStorageEffective).toBeUndefined();
  });

  it('the service reads the decision it is given and works nothing out again: a software decision over one NSS db is reported as software', { timeout: 60_000 }, async () => {
    const p = await pc();
    const { policy: loaded } = await loadPolicy({ file: await writePolicy(p.dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, language: 'en' }) });
    // The stores alone would give the db's token; the decision handed over says software.
    expect(decideCustody(loaded, [p.a.store]).place).toBe('nss-token');
    const given = decideCustody({ keyStorage: 'software' }, [p.a.store]);
    const journalDir = join(p.dir, 'journal');
    const service = createRenewalService({
      policy: loaded,
      store: p.a.store,
      custody: given,
      vault: memoryVault(),
      settings: openSettings({ dir: journalDir }),
      journalDir,
      transportFor: () => createNodeTransport({ anchorsPem: loaded.trustAnchorPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 20000 }),
      emit: () => undefined,
    });
    const r = await service.runPreflight(p.account.fingerprint);
    expect(r.ok && r.value.custody).toEqual(given);
    const d = await service.getDiagnostics();
    expect(d.ok && d.value.text).toContain(`[key custody]\nkeyStorage: software; key made by: software (${p.a.store.describe()} (key made in CertDesk, imported))\nplace: software; why: AS_ASKED\n`);
  });
});
