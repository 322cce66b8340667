// Chromium itself, pointed at an NSS db through HOME, presents the identity the NSS adapter
// installed to a TLS server that asks for a client certificate. The server reports the
// fingerprint of the certificate the handshake used. AutoSelectCertificateForUrls (a
// managed policy) selects it without a dialog, as headless Chromium needs.
import { test, expect, chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, rmdirSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath } from '../../playwright.config';
import { openNssStore } from '../../src/main/core/store';
import { makeTestPki, type TestCert, type TestPki } from '../support/pki-fixture';

const POLICY_DIR = '/etc/chromium/policies/managed';
const POLICY_FILE = join(POLICY_DIR, 'certdesk-test.json');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let pki: TestPki;
let client: TestCert;
let server: Server;
let origin: string;
let home: string;
let emptyHome: string;
let policyDirCreated = false;

const sha256 = (der: Uint8Array) => createHash('sha256').update(der).digest('hex');

test.beforeAll(async () => {
  pki = makeTestPki('Chromium Test Bank');
  client = pki.client({ subject: '/C=JP/O=Example Corp/CN=Chromium User', days: 200 });
  const tls = pki.server();

  home = mkdtempSync(join(tmpdir(), 'certdesk-chromium-home-'));
  emptyHome = mkdtempSync(join(tmpdir(), 'certdesk-chromium-empty-'));
  const store = await openNssStore({ dbDir: join(home, '.pki', 'nssdb'), create: true });
  // The issuing CA as CertDesk stores it: chain material, trusted for nothing.
  await store.installCaCertificates([pki.issuing.der, pki.root.der]);
  const installed = await store.install({ privateKeyPkcs8: client.pkcs8, certificateDer: client.der, chainDer: [pki.issuing.der], friendlyName: 'Chromium User' });
  expect(installed.hasPrivateKey).toBe(true);
  // The control profile holds the CA too, but no identity.
  await (await openNssStore({ dbDir: join(emptyHome, '.pki', 'nssdb'), create: true })).installCaCertificates([pki.issuing.der]);
  for (const h of [home, emptyHome]) {
    const db = `sql:${join(h, '.pki', 'nssdb')}`;
    expect(execFileSync('certutil', ['-L', '-d', db], { encoding: 'utf8' })).toMatch(/Chromium Test Bank Issuing CA\s+,,\s*$/m);
    // The server is trusted the way a real bank's is (a web CA the browser already trusts),
    // not through anything CertDesk wrote: the test root, trusted for TLS servers only.
    writeFileSync(join(h, 'web-root.der'), pki.root.der);
    execFileSync('certutil', ['-A', '-n', 'Test web root', '-t', 'C,,', '-i', join(h, 'web-root.der'), '-d', db]);
  }

  server = createServer({ key: tls.keyPem, cert: tls.pem, ca: [pki.issuing.pem, pki.root.pem], requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerX509Certificate?.();
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ fingerprint: peer ? sha256(new Uint8Array(peer.raw)) : null, authorized: socket.authorized, subject: peer?.subject ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  if (!existsSync(POLICY_DIR)) {
    mkdirSync(POLICY_DIR, { recursive: true });
    policyDirCreated = true;
  }
  const rule = JSON.stringify({ pattern: origin, filter: { ISSUER: { CN: 'Chromium Test Bank Issuing CA' } } });
  writeFileSync(POLICY_FILE, JSON.stringify({ AutoSelectCertificateForUrls: [rule] }));
});

test.afterAll(async () => {
  rmSync(POLICY_FILE, { force: true });
  // Only folders this test created, and only when empty: other tests may hold policies there.
  if (policyDirCreated) {
    for (const d of [POLICY_DIR, '/etc/chromium/policies']) {
      try {
        rmdirSync(d);
      } catch {
        break;
      }
    }
  }
  await new Promise((resolve) => server?.close(resolve));
  for (const d of [home, emptyHome, pki?.dir]) if (d) rmSync(d, { recursive: true, force: true });
});

async function whoami(homeDir: string): Promise<{ fingerprint: string | null; authorized: boolean; subject: string | null }> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ARGS, env: { ...process.env, HOME: homeDir } });
  try {
    // No ignoreHTTPSErrors: the server is trusted through the test's web root in the NSS db.
    const page = await (await browser.newContext()).newPage();
    const res = await page.goto(`${origin}/whoami`);
    expect(res?.status()).toBe(200);
    return JSON.parse(await page.locator('body').innerText()) as { fingerprint: string | null; authorized: boolean; subject: string | null };
  } finally {
    await browser.close();
  }
}

test('Chromium presents the certificate installed in $HOME/.pki/nssdb, and the server verifies it', async () => {
  const seen = await whoami(home);
  expect(seen.fingerprint).toBe(sha256(client.der));
  expect(seen.authorized).toBe(true);
  expect(seen.subject).toContain('CN=Chromium User');
  expect(new X509Certificate(client.der).fingerprint256.replace(/:/g, '').toLowerCase()).toBe(seen.fingerprint);
});

test('control: the same Chromium with an NSS db without the identity presents nothing', async () => {
  const seen = await whoami(emptyHome);
  expect(seen.fingerprint).toBeNull();
  expect(seen.authorized).toBe(false);
});
