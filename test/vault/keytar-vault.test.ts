// Runs against a real Secret Service: node scripts/run-vitest.mjs test/vault
// (dbus-run-session + gnome-keyring-daemon with a private HOME).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { createKeytarVault, VAULT_SERVICE } from '../../src/main/core/vault';

const account = `test-${randomUUID()}`;
const vault = createKeytarVault({ account });

/** What the keyring itself holds, read with libsecret's own tool when present, else keytar's view via a fresh vault. */
function secretToolLookup(service: string, acct: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', service, 'account', acct], { encoding: 'utf8' });
  if (r.error) return null;
  return r.status === 0 ? r.stdout.trim() : '';
}

beforeAll(() => {
  // gnome-keyring started with an empty --unlock password creates no "login" collection,
  // and libsecret then has no default collection to write into (it would prompt, which a
  // headless session cannot). Probe in a child (libsecret caches its connection to the
  // daemon) and restart the session's daemon with a password if needed.
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', "import k from 'keytar'; await k.setPassword('CertDesk-probe', 'p', 'x'); await k.deletePassword('CertDesk-probe', 'p');"], { encoding: 'utf8', timeout: 30_000 });
  if (/collection\/login/.test(probe.stderr) && process.env.DBUS_SESSION_BUS_ADDRESS) {
    spawnSync('sh', ['-c', "printf 'certdesk-test' | gnome-keyring-daemon --replace --unlock --components=secrets"], { stdio: 'ignore', timeout: 30_000 });
  }
});

afterAll(async () => {
  await vault.delete();
});

describe('keytar vault (real gnome-keyring)', () => {
  it('creates a 32-byte key once and returns the same key afterwards, also to a new instance', async () => {
    const k1 = await vault.getOrCreateKey();
    expect(k1).toBeInstanceOf(Uint8Array);
    expect(k1.length).toBe(32);
    expect(Buffer.from(k1).equals(Buffer.alloc(32))).toBe(false);
    const k2 = await vault.getOrCreateKey();
    expect(Buffer.from(k2).equals(Buffer.from(k1))).toBe(true);
    const again = await createKeytarVault({ account }).getOrCreateKey();
    expect(Buffer.from(again).equals(Buffer.from(k1))).toBe(true);
    const raw = secretToolLookup(VAULT_SERVICE, account);
    if (raw !== null) expect(raw).toBe(Buffer.from(k1).toString('base64'));
  });

  it('concurrent first calls agree on one key', async () => {
    const v = createKeytarVault({ account: `${account}-race` });
    const keys = await Promise.all([v.getOrCreateKey(), v.getOrCreateKey(), v.getOrCreateKey()]);
    expect(new Set(keys.map((k) => Buffer.from(k).toString('hex'))).size).toBe(1);
    await v.delete();
  });

  it('delete forgets the key: the next call makes a new one; deleting twice is fine', async () => {
    const v = createKeytarVault({ account: `${account}-del` });
    const k1 = await v.getOrCreateKey();
    await v.delete();
    await v.delete();
    const k2 = await v.getOrCreateKey();
    expect(Buffer.from(k2).equals(Buffer.from(k1))).toBe(false);
    await v.delete();
  });

  it('a damaged entry is reported, never silently replaced', async () => {
    const acct = `${account}-bad`;
    const keytar = (await import('keytar')).default;
    await keytar.setPassword(VAULT_SERVICE, acct, 'not a key');
    const err = await createKeytarVault({ account: acct }).getOrCreateKey().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('VAULT_UNAVAILABLE');
    expect((err as CoreError).detail?.reason).toBe('BAD_SECRET');
    expect(await keytar.getPassword(VAULT_SERVICE, acct)).toBe('not a key');
    await keytar.deletePassword(VAULT_SERVICE, acct);
  });

  it('without a Secret Service: VAULT_UNAVAILABLE with what to do', () => {
    // A child without any D-Bus session: libsecret cannot reach a keyring.
    const script = `
      import { createKeytarVault } from './src/main/core/vault/index.ts';
      try { await createKeytarVault({ account: 'x' }).getOrCreateKey(); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, reason: e.detail?.reason, message: e.message, name: e.name })); }`;
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { code?: string; reason?: string; message?: string; name?: string };
    expect(out.name).toBe('CoreError');
    expect(out.code).toBe('VAULT_UNAVAILABLE');
    expect(out.reason).toBe('NO_KEYCHAIN');
    expect(out.message).toMatch(/gnome-keyring/);
  });
});
