// Debian's firefox-esr, headless, presents the certificate `certdesk renew` put into the
// profile that discovery found (`"stores": ["firefox"]`, no --store), to a server that asks
// for a client certificate. Firefox makes its own profile in a private home first, as on a
// user's first start. The server reports the fingerprint of the certificate the handshake
// carried. Skipped, with the reason printed, only where firefox-esr is not installed (CI
// installs it: .ci/run).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPath } from '../support/required';
import { startBank, type Bank } from '../bank';
import { buildCliBundle, certutil, dbCertificates, ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';
import { makeTestPki, type TestPki } from '../support/pki-fixture';
import { defaultFirefoxProfile, firefoxRoots } from '../../src/main/core/store/nss/firefox';

const FIREFOX = commandPath('firefox-esr', 'firefox-esr', 'test/firefox (the real Firefox)');

let work: string;
let home: string;
let bank: Bank;
let web: TestPki;
let server: Server;
let cli: string;
const seen: Array<string | null> = [];

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

/** The environment Firefox and the CLI share: the private home, and its XDG folder. */
const homeEnv = () => ({ ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), MOZ_HEADLESS: '1' });

/**
 * firefox-esr --screenshot loads the page and exits by itself. Started in its own process
 * group, killed as a group whatever happens, so that no content process outlives the test.
 */
async function firefox(args: string[], timeoutMs = 30_000): Promise<void> {
  const p = spawn(FIREFOX, ['--headless', '--no-remote', ...args], { env: homeEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => p.on('close', resolve));
  const timer = setTimeout(() => killGroup(p.pid), timeoutMs);
  try {
    const code = await exited;
    if (code !== 0) throw new Error(`firefox-esr ${args.join(' ')} ended with ${code}:\n${out}`);
  } finally {
    clearTimeout(timer);
    killGroup(p.pid);
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group has already gone.
  }
}

beforeAll(async () => {
  if (!FIREFOX) return;
  await ensureKeyring();
  work = await tempDir('certdesk-firefox-');
  home = join(work, 'home');
  const [built, started] = await Promise.all([buildCliBundle('firefox'), startBank({ dataDir: join(work, 'bank') })]);
  cli = built;
  bank = started;
  web = makeTestPki('Firefox Test Web');
  const tls = web.server();
  // The bank's CAs in the CertificateRequest: Firefox picks a certificate they issued.
  server = createServer({ key: tls.keyPem, cert: `${tls.pem}\n${web.issuing.pem}`, ca: [bank.issuingCaPem, bank.trustAnchorPem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerX509Certificate?.();
    seen.push(peer ? sha256(new Uint8Array(peer.raw)) : null);
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await bank?.stop();
  for (const d of [work, web?.dir, cli && dirname(cli)]) if (d) await rm(d, { recursive: true, force: true });
});

describe.skipIf(!FIREFOX)('Firefox (firefox-esr, headless)', { timeout: 90_000 }, () => {
  it('presents the certificate renewed into the profile that discovery found', async () => {
    // First start: Firefox creates its profiles (and installs.ini) under the XDG folder.
    await firefox(['--screenshot', join(work, 'first.png'), 'about:blank']);
    const profile = await defaultFirefoxProfile({ home, xdgConfigHome: join(home, '.config'), platform: 'linux' });
    // firefox-esr 153 writes to the XDG folder on a fresh home, older ones to ~/.mozilla.
    expect(firefoxRoots({ home, xdgConfigHome: join(home, '.config'), platform: 'linux' }).slice(0, 2)).toContain(profile.root);
    console.log(`test/firefox: Firefox made its profile "${profile.name}" in ${profile.root}`);
    expect(profile.hasDb).toBe(true);
    const db = `sql:${profile.dir}`;

    // The old certificate as the bank's first issuance left it in the profile.
    const account = await bank.seedAccount('firefox-user', 20, 'pw-firefox-secret');
    await importP12(profile.dir, account.p12Path, account.p12Password);
    // The web server is trusted the way a real bank's site is, for TLS servers only.
    writeFileSync(join(work, 'web-root.der'), web.root.der);
    await certutil(['-A', '-n', 'Test web root', '-t', 'C,,', '-i', join(work, 'web-root.der'), '-d', db]);
    writeFileSync(join(profile.dir, 'user.js'), 'user_pref("security.default_personal_cert", "Select Automatically");\n');

    const policy = await writePolicy(work, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, stores: ['firefox'] });
    const r = await run(process.execPath, [cli, 'renew', '--yes', '--json', '--policy', policy], { env: { ...homeEnv(), CERTDESK_DATA_DIR: join(work, 'data') } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const renewed = (JSON.parse(r.stdout) as { result: { certificate: { sha256: string } } }).result.certificate.sha256;
    expect(renewed).not.toBe(account.fingerprint);
    expect(bank.account(account.id)?.currentFingerprint).toBe(renewed);
    const inDb = (await dbCertificates(profile.dir)).map((c) => c.sha256);
    expect(inDb).toContain(renewed);
    expect(inDb).not.toContain(account.fingerprint);

    const port = (server.address() as AddressInfo).port;
    await firefox(['--screenshot', join(work, 'page.png'), `https://127.0.0.1:${port}/whoami`]);
    expect(existsSync(join(work, 'page.png'))).toBe(true);
    expect(seen).toEqual([renewed]);

    // While Firefox runs with the profile, CertDesk still reads it (status), and doctor's store
    // check says to close Firefox; nothing is written.
    const running = spawn(FIREFOX, ['--headless', '--no-remote', 'about:blank'], { env: homeEnv(), detached: true, stdio: 'ignore' });
    try {
      const lock = join(profile.dir, 'lock');
      const deadline = Date.now() + 20_000;
      // The first start left a stale lock: wait until it names a live process.
      const live = () => {
        try {
          return process.kill(Number(/\+(\d+)$/.exec(readlinkSync(lock))?.[1]), 0);
        } catch {
          return false;
        }
      };
      while (!live() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(live(), 'Firefox took its profile lock').toBe(true);
      const before = await dbCertificates(profile.dir);
      const status = await run(process.execPath, [cli, 'status', '--json', '--policy', policy], { env: { ...homeEnv(), CERTDESK_DATA_DIR: join(work, 'data') } });
      expect(status.stdout).toContain(renewed);
      const refused = await run(process.execPath, [cli, 'doctor', '--json', '--policy', policy], { env: { ...homeEnv(), CERTDESK_DATA_DIR: join(work, 'data') } });
      expect(refused.code, refused.stdout).not.toBe(0);
      const error = (JSON.parse(refused.stdout) as { error: { code: string; message: string; detail?: { reason?: string } } }).error;
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'FIREFOX_RUNNING' } });
      // The reader's language (ja here): Firefox's own advice, not the store's "restart the PC".
      expect(error.message).toContain('Firefox のウィンドウをすべて閉じてから、もう一度お試しください。');
      expect(error.message).not.toContain('再起動');
      expect(await dbCertificates(profile.dir)).toEqual(before);
    } finally {
      killGroup(running.pid);
    }
  });

  it('"stores": ["os", "firefox"]: a renewal killed after the OS store took the new certificate is finished by the next start; both hold the new one, neither the old', async () => {
    // Runs after the first case: Firefox's profile exists in the private home.
    const profile = await defaultFirefoxProfile({ home, xdgConfigHome: join(home, '.config'), platform: 'linux' });
    const osDb = join(home, '.pki', 'nssdb');
    mkdirSync(osDb, { recursive: true });
    if (!existsSync(join(osDb, 'cert9.db'))) await newNssDb(osDb);
    const account = await bank.seedAccount('firefox-both', 20, 'pw-both-secret');
    for (const db of [osDb, profile.dir]) await importP12(db, account.p12Path, account.p12Password);
    const dir = await tempDir('certdesk-firefox-both-');
    const policy = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, stores: ['os', 'firefox'] });
    const env = { ...homeEnv(), CERTDESK_DATA_DIR: join(work, 'data-both') };

    // Killed right after the first store (the OS's) holds the new certificate and the journal says so.
    const killed = await run(process.execPath, [cli, 'renew', '--yes', '--json', '--policy', policy], { env: { ...env, CERTDESK_TEST_KILL_AT: 'install:store1' } });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    const issued = bank.account(account.id)?.currentFingerprint;
    expect(issued).toBeDefined();
    expect(issued).not.toBe(account.fingerprint);
    expect((await dbCertificates(osDb)).map((c) => c.sha256)).toEqual(expect.arrayContaining([issued, account.fingerprint]));
    expect((await dbCertificates(profile.dir)).map((c) => c.sha256)).not.toContain(issued);

    const next = await run(process.execPath, [cli, 'status', '--recover', '--json', '--policy', policy], { env });
    expect(next.code, next.stdout + next.stderr).toBe(0);
    for (const db of [osDb, profile.dir]) {
      const inDb = await dbCertificates(db);
      expect(inDb.find((c) => c.sha256 === issued)?.hasKey, db).toBe(true);
      expect(inDb.map((c) => c.sha256), db).not.toContain(account.fingerprint);
    }
    await rm(dir, { recursive: true, force: true });
  });
});
