// A custody the policy asks for and the stores cannot give (keyStorage pkcs11 on Windows, tpm on
// macOS: decideCustody says `refused`) fails a pre-processing check — the store check, with the
// decision's own error — in the preflight report (and so the window's 更新前処理 screen) and in
// `certdesk doctor`, instead of every check passing and the renewal failing at key generation.
// The bank simulator is real; Windows' and macOS' stores are their real adapters over a runner
// that answers only their listing commands, with the bank's real certificate, and records the rest.
import { mkdir } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { createHash, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/shared/contract';
import type { KeyCustodyDecision } from '../../src/shared/custody';
import { REASON_TEXTS } from '../../src/shared/error-texts';
import { runCli } from '../../src/main/cli';
import { catalogs } from '../../src/main/cli/messages';
import { createMacStore, createWindowsStore, type CertificateStore, type CommandRunner } from '../../src/main/core/store';
import { SECURITY } from '../../src/main/core/store/macos/store';
import { LIST_SCRIPT, POWERSHELL, PS_ARGS } from '../../src/main/core/store/windows/store';
import { startBank, type Bank } from '../bank';
import { ensureKeyring, rm, tempDir, writePolicy } from '../support/cli-world';

let bank: Bank;
let work: string;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-custody-doctor-');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

const derOf = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
const hex = (der: Uint8Array, alg: string) => createHash(alg).update(der).digest('hex').toUpperCase();

/** Answers the store's listing commands with `certs` (the first with its key); any other call is recorded and refused. */
function listingRunner(os: 'win32' | 'darwin', certs: string[]): { run: CommandRunner; others: string[][] } {
  const others: string[][] = [];
  const ders = certs.map(derOf);
  const run: CommandRunner = async (cmd, args) => {
    if (os === 'win32' && cmd === POWERSHELL && args.join(' ') === [...PS_ARGS, LIST_SCRIPT].join(' ')) {
      const rows = ders.map((d, i) => ({ Store: i === 0 ? 'My' : 'CA', Thumbprint: hex(d, 'sha1'), HasPrivateKey: i === 0, FriendlyName: '', NotAfter: '\\/Date(1745634978000)\\/', Raw: Buffer.from(d).toString('base64') }));
      return { code: 0, stdout: JSON.stringify(rows), stderr: '' };
    }
    if (os === 'darwin' && cmd === SECURITY && args[0] === 'find-certificate') {
      return { code: 0, stdout: certs.map((pem, i) => `SHA-256 hash: ${hex(ders[i]!, 'sha256')}\nSHA-1 hash: ${hex(ders[i]!, 'sha1')}\n${pem.trim()}\n`).join(''), stderr: '' };
    }
    if (os === 'darwin' && cmd === SECURITY && args[0] === 'find-identity') {
      return { code: 0, stdout: `\nPolicy: X.509 Basic\n  Matching identities\n  1) ${hex(ders[0]!, 'sha1')} "Mac User"\n     1 identities found\n\n  Valid identities only\n  1) ${hex(ders[0]!, 'sha1')} "Mac User"\n     1 valid identities found\n`, stderr: '' };
    }
    others.push([cmd, ...args]);
    return { code: 1, stdout: '', stderr: 'not scripted: this test answers the listing only' };
  };
  return { run, others };
}

async function certdesk(argv: string[], env: Record<string, string | undefined>, store: CertificateStore) {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end();
  const openedStores = { stores: [store], readyToWrite: () => undefined };
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin, env }, { platform: 'linux', exec: async () => undefined, openedStores });
  return { code, stdout, stderr };
}

const CASES = [
  { os: 'win32', keyStorage: 'pkcs11', pkcs11: { module: 'C:\\card.dll', tokenLabel: 'Card' }, words: /minidriver/ },
  { os: 'darwin', keyStorage: 'tpm', words: /Secure Enclave/ },
] as const;

describe('doctor and the preflight when the policy\'s keyStorage cannot be honoured here', { timeout: 120_000 }, () => {
  it.each(CASES)('$os, keyStorage $keyStorage: the store check fails with the decision\'s error, in ja and en; exit 1', async (c) => {
    const dir = join(work, `pc${++n}`);
    await mkdir(dir, { recursive: true });
    const account = await bank.seedAccount(`cd${n}`, 100);
    const runner = listingRunner(c.os, [account.certPem, bank.issuingCaPem]);
    const store = c.os === 'win32' ? createWindowsStore(runner.run, { build: 19045, tempRoot: dir }) : createMacStore(runner.run, { productVersion: '14.5', keychain: join(dir, 'login.keychain-db') });
    const file = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, keyStorage: c.keyStorage, ...('pkcs11' in c ? { pkcs11: c.pkcs11 } : {}) });
    const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', CERTDESK_DATA_DIR: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'xdg'), CERTDESK_STATUS_FILE: join(dir, 'status.json') };

    const json = await certdesk(['doctor', '--json', '--policy', file], env, store);
    expect(json.code, json.stdout + json.stderr).toBe(1);
    const doc = JSON.parse(json.stdout) as { state: string; error: { code: string; detail: unknown }; result: { passed: boolean; checks: CheckResult[]; custody: KeyCustodyDecision } };
    expect(doc.result.custody).toMatchObject({ asked: c.keyStorage, place: 'refused', why: 'NOT_HERE' });
    expect(doc.result.custody.error!.message).toMatch(c.words);
    // The store check carries the decision's error as it is; the certificate is still read, and the bank is reached.
    const states = Object.fromEntries(doc.result.checks.map((x) => [x.id, x.state]));
    expect(states).toEqual({ policy: 'passed', store: 'failed', identity: 'passed', endpoint: 'passed', cacerts: 'passed', clock: 'passed' });
    expect(doc.result.checks.find((x) => x.id === 'store')!.error).toEqual(doc.result.custody.error);
    expect(doc.result.passed).toBe(false);
    expect(doc).toMatchObject({ state: 'broken', error: { code: 'STORE_UNAVAILABLE', detail: { reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' } } });

    for (const lang of ['ja', 'en'] as const) {
      const text = await certdesk(['doctor', '--lang', lang, '--policy', file], env, store);
      expect(text.code, text.stdout + text.stderr).toBe(1);
      const words = REASON_TEXTS[lang].KEY_STORAGE_NOT_HERE!;
      expect(text.stderr).toContain(`  ✗ ${catalogs[lang].check.store} [STORE_UNAVAILABLE]\n`);
      // The headline says what is wrong and that the company's IT must change the policy; not "restart the PC".
      expect(text.stderr).toContain(`${words.happened} ${words.todo} [STORE_UNAVAILABLE]`);
      expect(words.todo).toMatch(lang === 'ja' ? /会社のIT部門.*keyStorage.*変更/ : /company's IT.*change.*keyStorage/);
      expect(text.stderr).not.toContain(catalogs[lang].error.STORE_UNAVAILABLE);
      expect(text.stdout).toContain(catalogs[lang].state.broken);
    }
    // Only the listing ran: deciding and refusing run no command.
    expect(runner.others).toEqual([]);
  });

});
