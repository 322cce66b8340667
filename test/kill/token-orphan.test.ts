// The kill harness's token case (issue 23 item 3): keyStorage "pkcs11" on softhsm2 (a smart
// card's stand-in), `certdesk acquire --pin-env` killed (process-group SIGKILL) at the two
// points where the request's key exists in the token and nothing uses it yet:
//   generateKey:keyMade  the key under its working label "CertDesk <journal id>", the journal without its ID
//   buildRequest         the key's ID in the journal
// then the next start has no PIN (`certdesk status --recover`, no terminal, no --pin-env): it
// cannot log in to remove the key, so it must keep a record of it (the ledger beside the
// journal) and say so, never forget it; then `certdesk acquire` with the PIN must leave no
// private key without a certificate in the token. The token is read with pkcs11js (logged
// in), not through CertDesk's own report.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { CK } from '../../src/main/core/store/pkcs11/constants';
import { certificates, keyObjects } from '../../src/main/core/store/pkcs11/objects';
import { startBank, type Bank } from '../bank';
import { buildCliBundle, importP12, newNssDb, rm, run, tempDir, writePolicy, type Run } from '../support/cli-world';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

const why = missing('softhsm2');
if (why) console.warn(`token orphan kill cases skipped: ${why}`);

let work: string;
let cli: string;
let bank: Bank;
let token: TestToken;
let n = 0;

beforeAll(async () => {
  if (why) return;
  work = await tempDir('certdesk-kill-token-');
  cli = await buildCliBundle('token-orphan');
  bank = await startBank({ dataDir: join(work, 'bank') });
  token = await startSofthsm(join(work, 'token'), 'CertDesk Card');
}, 240_000);
afterAll(async () => {
  await bank?.stop();
  await token?.stop();
  if (work) await rm(work, { recursive: true, force: true });
  if (cli) await rm(join(cli, '..'), { recursive: true, force: true });
});

/** What the token holds, logged in: private keys (ID, label) and certificates (ID, sha256). */
async function tokenObjects(): Promise<{ keys: Array<{ id: string; label: string }>; certs: Array<{ id: string; sha256: string; ca: boolean }> }> {
  return withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'read', (s) => {
    s.p11.C_FindObjectsInit(s.session, [{ type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY }]);
    const handles = s.p11.C_FindObjects(s.session, 1000);
    s.p11.C_FindObjectsFinal(s.session);
    const keys = handles.map((h) => {
      const [id, label] = s.p11.C_GetAttributeValue(s.session, h, [{ type: CK.CKA_ID }, { type: CK.CKA_LABEL }]).map((a) => a.value as Buffer);
      return { id: id!.toString('hex'), label: label!.toString('utf8') };
    });
    const certs = certificates(s).map((c) => {
      const x = new X509Certificate(c.der);
      return { id: c.keyId, sha256: x.fingerprint256.replace(/:/g, '').toLowerCase(), ca: x.ca };
    });
    // Every private key's public half too: an orphan pair is two objects.
    for (const k of keys) expect(keyObjects(s, k.id).privateKeys.length).toBe(1);
    return { keys, certs };
  });
}

/** Starts the command as a process-group leader; a kill point signals the whole group. */
function killedRun(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [cli, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe.skipIf(why !== null)('kill harness, keyStorage "pkcs11" (softhsm2): a PIN-less next start keeps the orphan key recorded; the next run with the PIN removes it', { timeout: 300_000 }, () => {
  for (const point of ['generateKey:keyMade', 'buildRequest'] as const) {
    it(`acquire/SIGKILL/point:${point} → status --recover without the PIN → acquire with the PIN`, async () => {
      const dir = join(work, `${++n}`);
      const db = join(dir, 'nssdb');
      const dataDir = join(dir, 'data');
      await mkdir(db, { recursive: true });
      await newNssDb(db);
      const id = `tok-orphan-${n}-${process.pid}`;
      const password = `pw-${id}`;
      // Expired five days ago: 取得, which makes its key in the token.
      const account = await bank.seedAccount(id, -5, password, { keyType: 'ecdsaP256' });
      await importP12(db, account.p12Path, account.p12Password);
      const policy = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, keyType: 'ecdsaP256' });
      const env: NodeJS.ProcessEnv = { ...process.env, ...token.env, CERTDESK_DATA_DIR: dataDir, TMPDIR: dir, XDG_STATE_HOME: join(dir, 'state'), BANK_PW: password, TOKEN_PIN: token.pin };
      for (const v of ['CERTDESK_TEST_KILL_AT', 'CERTDESK_TEST_KILL_SIGNAL', 'CERTDESK_TEST_KILL_GROUP', 'CERTDESK_TEST_KILL_LOG']) delete env[v];
      const common = ['--policy', policy, '--store', `nss:${db}`, '--json'];
      const acquire = ['acquire', '--login-id', id, '--password-env', 'BANK_PW', '--yes', '--pin-env', 'TOKEN_PIN', ...common];
      const before = await tokenObjects();

      // 1. Killed where the request's key exists in the token and nothing uses it.
      const killed = await killedRun(acquire, { ...env, CERTDESK_TEST_KILL_AT: point, CERTDESK_TEST_KILL_SIGNAL: 'SIGKILL', CERTDESK_TEST_KILL_GROUP: '1', CERTDESK_TEST_KILL_LOG: join(dir, 'kill.log') });
      expect(killed.signal, `${killed.stdout}${killed.stderr}`).toBe('SIGKILL');
      const journal = JSON.parse(readFileSync(join(dataDir, 'renewal-journal.json'), 'utf8')) as { id: string; keyId?: string };
      const label = `CertDesk ${journal.id}`;
      const afterKill = await tokenObjects();
      const orphan = afterKill.keys.filter((k) => !before.keys.some((b) => b.id === k.id));
      expect(orphan.map((k) => k.label)).toEqual([label]);
      if (point === 'buildRequest') expect(journal.keyId).toBe(orphan[0]!.id);
      else expect(journal.keyId).toBeUndefined();

      // 2. The next start without the PIN: it cannot remove the key, so it keeps it recorded and says so.
      const noPinEnv = { ...env };
      delete noPinEnv.TOKEN_PIN;
      const status = await run(process.execPath, [cli, 'status', '--recover', ...common], { env: noPinEnv });
      const doc = JSON.parse(status.stdout) as { result?: { recovered?: { outcome: string }; keysToRemove?: Array<{ label: string; where: string }> } };
      expect(doc.result?.recovered?.outcome, status.stdout + status.stderr).toBe('rolledBack');
      expect(doc.result?.keysToRemove?.map((k) => k.label), status.stdout).toEqual([label]);
      expect(doc.result?.keysToRemove?.[0]?.where).toContain(token.label);
      const stillThere = await tokenObjects();
      expect(stillThere.keys.map((k) => k.id)).toContain(orphan[0]!.id);
      const ledger = JSON.parse(readFileSync(join(dataDir, 'orphan-keys.json'), 'utf8')) as { keys: Array<{ label?: string; keyId?: string; keyStorage: string }> };
      expect(ledger.keys).toEqual([expect.objectContaining({ keyStorage: 'pkcs11', label, ...(point === 'buildRequest' ? { keyId: orphan[0]!.id } : {}) })]);
      // In words too, without --json.
      const human = await run(process.execPath, [cli, 'status', '--policy', policy, '--store', `nss:${db}`, '--lang', 'en'], { env: noPinEnv });
      expect(human.stdout).toContain('1 key of an interrupted renewal is still in');

      // 3. The next run with the PIN: 取得 finishes, and the orphan key is gone from the token.
      const again = await run(process.execPath, [cli, ...acquire], { env });
      expect(again.code, again.stdout + again.stderr).toBe(0);
      const end = await tokenObjects();
      expect(end.keys.map((k) => k.id)).not.toContain(orphan[0]!.id);
      expect(end.keys.filter((k) => k.label === label)).toEqual([]);
      // Every private key in the token carries a certificate: no orphan of any run.
      for (const k of end.keys) expect(end.certs.some((c) => c.id === k.id), `key ${k.id} "${k.label}" has no certificate`).toBe(true);
      expect(existsSync(join(dataDir, 'orphan-keys.json'))).toBe(false);
      expect(existsSync(join(dataDir, 'renewal-journal.json'))).toBe(false);
      const final = await run(process.execPath, [cli, 'status', ...common], { env: noPinEnv });
      expect((JSON.parse(final.stdout) as { result?: { keysToRemove?: unknown } }).result?.keysToRemove).toBeUndefined();
    });
  }
});

