// doctor says what the policy layers did and what the keys will be (review MED2), and a proxy
// asking for a password gets advice for the transport that met it (review LOW7): HTTPS_PROXY
// carries credentials for Node's transport only, never for the app's Chromium stack that the
// shipped headless command uses. The CLI in this process (runCli, as the headless app calls
// it) against the bank simulator and real NSS dbs; the Chromium stack is a stand-in that
// fails as src/main/net/net-transport.ts does.
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBank, type Bank } from '../bank';
import { runCli } from '../../src/main/cli';
import { catalogs, errorHeadline } from '../../src/main/cli/messages';
import { CoreError, type ChromiumTransport } from '../../src/main/core/compose';
import { ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';

let bank: Bank;
let work: string;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-cli-policy-doctor-');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

async function certdesk(argv: string[], env: Record<string, string | undefined>, chromium?: ChromiumTransport) {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end();
  const code = await runCli(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin, env }, { platform: 'linux', exec: async () => undefined, ...(chromium ? { chromium } : {}) });
  return { code, stdout, stderr };
}

/** A PC with one valid bank certificate in an NSS db. */
async function pc() {
  const dir = join(work, `pc${++n}`);
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const a = await bank.seedAccount(`pd${n}`, 100, `pw-${n}`);
  await importP12(db, a.p12Path, a.p12Password);
  const env = { ...process.env, LANG: 'C.UTF-8', LC_ALL: '', LC_MESSAGES: '', CERTDESK_DATA_DIR: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'xdg'), CERTDESK_STATUS_FILE: join(dir, 'status.json') };
  return { dir, db, env };
}

describe('proxy advice per transport', () => {
  const chromiumDetail = { reason: 'PROXY_AUTH' as const, proxy: '127.0.0.1:3128', scheme: 'basic' };
  const nodeDetail = { reason: 'PROXY_AUTH' as const, proxy: '127.0.0.1:3128', status: 407, scheme: 'Basic' };

  it('Node\'s transport (no app): HTTPS_PROXY; the app\'s Chromium stack: the app asks, HTTPS_PROXY is not used', () => {
    for (const c of [catalogs.ja, catalogs.en]) {
      expect(errorHeadline(c, { code: 'PROXY_AUTH_REQUIRED', detail: nodeDetail }, false)).toBe(c.error.PROXY_AUTH_REQUIRED);
      expect(errorHeadline(c, { code: 'PROXY_AUTH_REQUIRED', detail: chromiumDetail }, false)).toBe(c.error.PROXY_AUTH_REQUIRED);
      // Headless with an NSS store lends the key to Node's transport: its error has the status.
      expect(errorHeadline(c, { code: 'PROXY_AUTH_REQUIRED', detail: nodeDetail }, true)).toBe(c.error.PROXY_AUTH_REQUIRED);
      expect(errorHeadline(c, { code: 'PROXY_AUTH_REQUIRED', detail: chromiumDetail }, true)).toBe(c.proxyAuthApp);
      expect(errorHeadline(c, { code: 'PROXY_AUTH_REQUIRED', detail: { reason: 'PROXY_AUTH', net: 'ERR_PROXY_AUTH_UNSUPPORTED' } }, true)).toBe(c.proxyAuthApp);
    }
    expect(catalogs.en.proxyAuthApp).toContain('Start the CertDesk app');
    expect(catalogs.en.proxyAuthApp).toContain('HTTPS_PROXY are not used');
    expect(catalogs.ja.proxyAuthApp).toContain('CertDesk アプリを起動して');
  });

  it('the headless command (Chromium stack) meeting a proxy that wants a password says to use the app, not HTTPS_PROXY', { timeout: 120_000 }, async () => {
    const p = await pc();
    const policy = await writePolicy(p.dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, language: 'en' });
    const opened: string[] = [];
    const chromium: ChromiumTransport = {
      open: () => {
        opened.push('open');
        return {
          send: async () => {
            throw new CoreError('PROXY_AUTH_REQUIRED', 'The proxy 127.0.0.1:3128 wants a user name and password (basic) and the sign-in was cancelled or refused; the bank was not reached. Start the CertDesk app (it asks for them), or ask your network administrator.', chromiumDetail);
          },
          close: () => undefined,
        };
      },
      onRenewing: () => undefined,
    };
    const r = await certdesk(['doctor', '--lang', 'en', '--policy', policy, '--store', `nss:${p.db}`], p.env, chromium);
    expect(opened.length).toBeGreaterThan(0);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(`${catalogs.en.proxyAuthApp} [PROXY_AUTH_REQUIRED]`);
    expect(r.stderr).not.toContain('Set HTTPS_PROXY');
  });
});

describe('doctor and the policy layers', () => {
  it('lists the per-user fields the bank\'s built-in policy overrides, and says when keyStorage "store" becomes a software key with several stores', { timeout: 120_000 }, async () => {
    const p = await pc();
    const db2 = join(p.dir, 'nssdb2');
    await run('mkdir', ['-p', db2]);
    await newNssDb(db2);
    // The packaged app's resources folder (process.resourcesPath) holding the bank's built-in policy.
    const resources = join(p.dir, 'resources');
    await run('mkdir', ['-p', resources, join(p.env.XDG_CONFIG_HOME, 'certdesk')]);
    const builtin = await writePolicy(resources, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, language: 'ja', stores: [`nss:${p.db}`, `nss:${db2}`] });
    // The per-user file holds only preferences (issue 23); the bank's language wins over the user's.
    const userPolicy = await writePolicy(join(p.env.XDG_CONFIG_HOME, 'certdesk'), { language: 'en', reminderDays: [5] });
    // The core reads the layers' places from the process (the headless app's own environment).
    const proc = process as { resourcesPath?: string };
    const xdg = process.env.XDG_CONFIG_HOME;
    proc.resourcesPath = resources;
    process.env.XDG_CONFIG_HOME = p.env.XDG_CONFIG_HOME;
    try {
      const d = await certdesk(['doctor', '--json'], p.env);
      expect(d.code, d.stdout + d.stderr).toBe(0);
      const doc = JSON.parse(d.stdout) as { result: { policy: { ignored: unknown[]; keyStorageEffective?: string; origins: Record<string, string> } } };
      expect(doc.result.policy.ignored).toEqual([{ field: 'language', file: userPolicy, by: builtin, reason: 'SET_BY_BANK' }]);
      expect(doc.result.policy.origins).toMatchObject({ language: builtin, reminderDays: userPolicy, stores: builtin });
      expect(doc.result.policy.keyStorageEffective).toBe('software');
      const text = await certdesk(['doctor', '--lang', 'en'], p.env);
      expect(text.stdout).toContain(`  ${catalogs.en.policyIgnored('language', userPolicy, builtin, 'SET_BY_BANK')}\n`);
      expect(text.stdout).toContain(catalogs.en.keyStorageSoftware(2));
      const one = await certdesk(['doctor', '--json', '--store', `nss:${p.db}`], p.env);
      expect((JSON.parse(one.stdout) as typeof doc).result.policy.keyStorageEffective).toBeUndefined();
    } finally {
      delete proc.resourcesPath;
      if (xdg === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = xdg;
    }
  });
});
