// What the custody tests share: an NSS db, a test CA that signs a request (openssl, as a bank
// would), and a TLS server that records the client certificate a real client presents.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestPki } from './pki-fixture';

export function newNssDb(parent: string, name: string): string {
  const d = join(parent, name);
  mkdirSync(d);
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${d}`]);
  return d;
}

let serial = 0x5eed00;

/** The test CA's client certificate for a request, as DER; openssl checks the request's signature first. */
export function issueFromCsr(pki: TestPki, csrDer: Uint8Array, days = 365): Uint8Array {
  const name = `req${serial}`;
  writeFileSync(join(pki.dir, `${name}.csr.der`), csrDer);
  execFileSync('openssl', ['req', '-inform', 'DER', '-in', `${name}.csr.der`, '-verify', '-noout'], { cwd: pki.dir, stdio: 'pipe' });
  const pem = execFileSync('openssl', ['x509', '-req', '-inform', 'DER', '-in', `${name}.csr.der`, '-CA', 'issuing.pem', '-CAkey', 'issuing.key', '-days', String(days), '-extfile', 'client.ext', '-set_serial', `0x${(serial++).toString(16)}`, '-outform', 'DER'], { cwd: pki.dir });
  return new Uint8Array(pem);
}

/** `openssl req -verify` on the request: its text output, or throws with openssl's error. */
export function opensslVerifyCsr(csrDer: Uint8Array): string {
  return execFileSync('openssl', ['req', '-inform', 'DER', '-verify', '-noout', '-text', '-nameopt', 'utf8,sep_comma_plus'], { input: csrDer, stdio: 'pipe' }).toString('utf8');
}

export interface RecordingServer {
  port: number;
  /** DER of each client certificate presented, in order. */
  seen: Buffer[];
  close(): Promise<void>;
}

/** An HTTPS server on loopback that asks for a client certificate and records it (no verdict on it). */
export async function recordingServer(pki: TestPki): Promise<RecordingServer> {
  const server = pki.server();
  const seen: Buffer[] = [];
  const srv: Server = createServer({ cert: server.pem + pki.issuing.pem, key: server.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate(false);
    if (peer?.raw) seen.push(peer.raw);
    res.end('ok\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, seen, close: () => new Promise((r) => srv.close(() => r())) };
}

/** NSS's tstclnt with the db's certificate `nickname` (its key in the db or in a registered token), one GET. */
export function tstclnt(dbDir: string, nickname: string, port: number, extra: string[] = []): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('tstclnt', ['-h', '127.0.0.1', '-p', String(port), '-d', `sql:${dbDir}`, '-n', nickname, '-o', ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.stdin.end('GET / HTTP/1.0\r\n\r\n');
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

export function certutilList(dbDir: string): string {
  return execFileSync('certutil', ['-L', '-d', `sql:${dbDir}`], { encoding: 'utf8' });
}

/** certutil -K: the CKA_IDs (lower-case hex) of the db's private keys, as NSS lists them; none → []. */
export function certutilKeyIds(dbDir: string): string[] {
  let out = '';
  try {
    out = execFileSync('certutil', ['-K', '-d', `sql:${dbDir}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // "certutil: no keys found" exits 255; anything else is a failure of the test's reading.
    const e = err as { stdout?: string; stderr?: string };
    if (!/no keys found/.test(`${e.stdout}${e.stderr}`)) throw err;
  }
  return [...out.matchAll(/^<\s*\d+>\s+\w+\s+([0-9a-f]+)/gim)].map((m) => m[1]!.toLowerCase());
}

export function certutilKeys(dbDir: string): string {
  try {
    return execFileSync('certutil', ['-K', '-d', `sql:${dbDir}`], { encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    // certutil -K exits 255 when the db holds no key at all.
    return String((err as { stdout?: string }).stdout ?? '') + String((err as { stderr?: string }).stderr ?? '');
  }
}
