// The Node transport against real TLS servers on loopback: trust is the pinned anchor only,
// the host name is checked, the identity is presented, failures become contract errors,
// keep-alive stays inside one identity, and proxies only ever see ciphertext.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, type EstTransport } from '../../src/main/core/est';
import { CoreError } from '../../src/main/core/errors';
import { makeTlsFixtures, type TlsFixtures } from './support/tls-fixtures';
import { deadPort, startConnectProxy, startOpensslServer, startSilentTcp, startTlsServer, type TestServer } from './support/servers';

let fx: TlsFixtures;
let bank: TestServer; // server auth only
let mtls: TestServer; // requires a client certificate under the pinned root
const open: EstTransport[] = [];

function transport(over: Partial<Parameters<typeof createNodeTransport>[0]> = {}): EstTransport {
  const t = createNodeTransport({ anchorsPem: fx.rootPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 10000, ...over });
  open.push(t);
  return t;
}

async function failure(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CoreError);
  return err as CoreError;
}

const ok = (_: unknown, res: import('node:http').ServerResponse) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('hello'); };

beforeAll(async () => {
  fx = makeTlsFixtures();
  bank = await startTlsServer({ certPem: fx.serverChainPem, keyPem: fx.server.keyPem }, ok);
  mtls = await startTlsServer({ certPem: fx.serverChainPem, keyPem: fx.server.keyPem, clientCaPem: fx.rootPem + fx.caPem }, ok);
});
afterEach(() => { for (const t of open.splice(0)) t.close(); bank.handler = ok; });
afterAll(async () => { await bank?.close(); await mtls?.close(); fx?.cleanup(); });

describe('trust', () => {
  it('talks to a server whose chain ends at the pinned anchor, and returns status, lower-case headers, body', async () => {
    const res = await transport().send({ method: 'GET', url: `${bank.base}/cacerts`, headers: { Accept: 'x/y' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(Buffer.from(res.body).toString()).toBe('hello');
    expect(bank.seen.at(-1)?.headers.accept).toBe('x/y');
  });

  it('refuses a server under another root, before any request reaches it', async () => {
    const rogue = await startTlsServer({ certPem: fx.rogueServer.certPem, keyPem: fx.rogueServer.keyPem }, ok);
    try {
      const err = await failure(transport().send({ method: 'GET', url: `${rogue.base}/cacerts`, headers: {} }));
      expect(err.code).toBe('TLS_UNTRUSTED');
      expect(err.detail?.reason).toBe('ANCHOR');
      expect(rogue.seen).toHaveLength(0);
    } finally { await rogue.close(); }
  });

  it('does not trust the OS store: the pinned anchor replaces it (a rogue-root anchor fails the real bank)', async () => {
    const err = await failure(transport({ anchorsPem: fx.rogueRootPem }).send({ method: 'GET', url: `${bank.base}/cacerts`, headers: {} }));
    expect(err.code).toBe('TLS_UNTRUSTED');
  });

  it('checks the host name: a valid bank certificate for another host is refused', async () => {
    const other = await startTlsServer({ certPem: fx.otherHost.certPem, keyPem: fx.otherHost.keyPem }, ok);
    try {
      const err = await failure(transport().send({ method: 'GET', url: `${other.base}/cacerts`, headers: {} }));
      expect(err.code).toBe('TLS_UNTRUSTED');
      expect(err.detail?.reason).toBe('HOSTNAME');
      expect(other.seen).toHaveLength(0);
    } finally { await other.close(); }
  });

  it('refuses plain http and junk URLs', async () => {
    expect((await failure(transport().send({ method: 'GET', url: `http://127.0.0.1:${bank.port}/x`, headers: {} }))).detail?.reason).toBe('NOT_HTTPS');
    expect((await failure(transport().send({ method: 'GET', url: 'not a url', headers: {} }))).code).toBe('INVALID_INPUT');
  });

  it('rejects a bad anchor, a wrong PKCS#12 password, a key that is not the certificate\'s, bad timeouts and proxies up front', () => {
    const make = (o: Partial<Parameters<typeof createNodeTransport>[0]>) => {
      try { transport(o); return null; } catch (e) { return e as CoreError; }
    };
    expect(make({ anchorsPem: 'junk' })?.detail?.reason).toBe('NO_ANCHOR');
    expect(make({ anchorsPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' })?.detail?.reason).toBe('BAD_ANCHOR');
    expect(make({ identity: { pkcs12: fx.client.p12, password: 'wrong' } })?.detail?.reason).toBe('BAD_PASSWORD');
    expect(make({ identity: { pkcs12: fx.client.legacyP12, password: fx.client.p12Password } })?.detail?.reason).toBe('UNSUPPORTED_PKCS12');
    expect(make({ identity: { certPem: fx.client.certPem, keyPem: fx.client2.keyPem } })?.detail?.reason).toBe('KEY_MISMATCH');
    expect(make({ identity: { pkcs12: new Uint8Array([1, 2, 3]), password: 'x' } })?.code).toBe('INVALID_INPUT');
    expect(make({ connectTimeoutMs: 0 })?.detail?.reason).toBe('TIMEOUTS');
    expect(make({ proxy: 'http://' as 'http://x' })?.detail?.reason).toBe('PROXY_URL');
    expect(make({ proxy: 'socks5://127.0.0.1:1080' as 'http://x' })?.detail?.reason).toBe('PROXY_URL');
  });
});

describe('client identity', () => {
  it('presents the PKCS#12 identity, and the PEM identity', async () => {
    await transport({ identity: { pkcs12: fx.client.p12, password: fx.client.p12Password } }).send({ method: 'GET', url: `${mtls.base}/a`, headers: {} });
    expect(mtls.seen.at(-1)?.peerCN).toBe('CORP0001');
    await transport({ identity: { certPem: fx.client2.certPem, keyPem: fx.client2.keyPem } }).send({ method: 'GET', url: `${mtls.base}/b`, headers: {} });
    expect(mtls.seen.at(-1)?.peerCN).toBe('CORP0002');
  });

  it('maps a refused or missing client certificate to CLIENT_CERT_REJECTED', async () => {
    const before = mtls.seen.length;
    const none = await failure(transport().send({ method: 'GET', url: `${mtls.base}/c`, headers: {} }));
    expect(none.code).toBe('CLIENT_CERT_REJECTED');
    // Node's own TLS server drops a connection with a bad certificate without an alert: under
    // TLS 1.3 the client cannot tell that from a cut cable, so NETWORK is the honest answer.
    const rogue = await failure(transport({ identity: fx.rogueClient }).send({ method: 'GET', url: `${mtls.base}/c`, headers: {} }));
    expect(['CLIENT_CERT_REJECTED', 'NETWORK']).toContain(rogue.code);
    expect(mtls.seen.length).toBe(before);
  });

  it('keeps one connection alive within an identity and never shares it across identities', async () => {
    const a = transport({ identity: { pkcs12: fx.client.p12, password: fx.client.p12Password } });
    const b = transport({ identity: fx.client2 });
    const start = mtls.seen.length;
    for (const t of [a, b, a, b, a]) await t.send({ method: 'GET', url: `${mtls.base}/k`, headers: {} });
    const seen = mtls.seen.slice(start);
    const byCn = (cn: string) => new Set(seen.filter((s) => s.peerCN === cn).map((s) => s.socketId));
    expect(seen.map((s) => s.peerCN)).toEqual(['CORP0001', 'CORP0002', 'CORP0001', 'CORP0002', 'CORP0001']);
    expect(byCn('CORP0001').size).toBe(1);
    expect(byCn('CORP0002').size).toBe(1);
    expect([...byCn('CORP0001')][0]).not.toBe([...byCn('CORP0002')][0]);
  });

  it('resends once on a fresh connection when the server drops a pooled socket before answering', async () => {
    const t = transport();
    await t.send({ method: 'GET', url: `${bank.base}/1`, headers: {} });
    const dropped = new Set<number>();
    // The race of a server closing an idle keep-alive connection just as the next request is sent.
    bank.handler = (s, res) => {
      if (s.socketId !== -1 && !dropped.has(s.socketId) && bank.seen.filter((x) => x.socketId === s.socketId).length > 1) {
        dropped.add(s.socketId);
        res.socket?.destroy();
        return;
      }
      ok(s, res);
    };
    const start = bank.seen.length;
    const res = await t.send({ method: 'POST', url: `${bank.base}/2`, headers: {}, body: new Uint8Array([1, 2, 3]) });
    expect(res.status).toBe(200);
    expect(dropped.size).toBe(1);
    const two = bank.seen.slice(start);
    expect(two).toHaveLength(2);
    expect(two[0]!.body).toEqual(two[1]!.body);
    expect(two[0]!.socketId).not.toBe(two[1]!.socketId);
  });

  it('maps a TLS alert from a server that rejects the client certificate (openssl s_server, unknown CA)', async () => {
    const srv = await startOpensslServer(fx.dir, ['-cert', 'server.pem', '-key', 'server.key', '-cert_chain', 'ca.pem', '-CAfile', 'root.pem', '-Verify', '2', '-verify_return_error']);
    try {
      const err = await failure(transport({ identity: fx.rogueClient }).send({ method: 'GET', url: `https://127.0.0.1:${srv.port}/`, headers: {} }));
      expect(err.code).toBe('CLIENT_CERT_REJECTED');
      expect(String(err.detail?.reason)).toMatch(/ALERT/);
    } finally { srv.close(); }
  });
});

describe('network failures', () => {
  it('refused: nothing listening', async () => {
    const port = await deadPort();
    const err = await failure(transport().send({ method: 'GET', url: `https://127.0.0.1:${port}/x`, headers: {} }));
    expect(err.code).toBe('NETWORK');
    expect(err.detail?.reason).toBe('REFUSED');
  });

  it('DNS: a name that does not resolve', async () => {
    const err = await failure(transport().send({ method: 'GET', url: 'https://no-such-host.invalid/.well-known/est/cacerts', headers: {} }));
    expect(err.code).toBe('NETWORK');
    expect(err.detail?.reason).toBe('DNS');
  });

  it('connect timeout: TCP accepted, no TLS handshake', async () => {
    const silent = await startSilentTcp();
    try {
      const err = await failure(transport({ connectTimeoutMs: 300 }).send({ method: 'GET', url: `https://127.0.0.1:${silent.port}/x`, headers: {} }));
      expect(err.code).toBe('NETWORK');
      expect(err.detail?.reason).toBe('CONNECT_TIMEOUT');
    } finally { await silent.close(); }
  });

  it('whole-request timeout: connected, no answer', async () => {
    bank.handler = () => { /* never answers */ };
    const err = await failure(transport({ requestTimeoutMs: 400 }).send({ method: 'GET', url: `${bank.base}/slow`, headers: {} }));
    expect(err.code).toBe('NETWORK');
    expect(err.detail?.reason).toBe('TIMEOUT');
  });

  it('reset: the server drops the connection mid-request', async () => {
    bank.handler = (_s, res) => { res.socket?.destroy(); };
    const err = await failure(transport().send({ method: 'POST', url: `${bank.base}/simpleenroll`, headers: {}, body: new Uint8Array(10) }));
    expect(err.code).toBe('NETWORK');
    expect(err.detail?.reason).toBe('RESET');
  });

  it('reset: the server dies in the middle of the body', async () => {
    bank.handler = (_s, res) => { res.writeHead(200, { 'Content-Length': '1000' }); res.write('partial'); setTimeout(() => res.socket?.destroy(), 20); };
    const err = await failure(transport().send({ method: 'GET', url: `${bank.base}/cut`, headers: {} }));
    expect(err.code).toBe('NETWORK');
    expect(err.detail?.reason).toBe('RESET');
  });

  it('cancel: an AbortSignal ends the request with CANCELLED', async () => {
    bank.handler = () => { /* never answers */ };
    const ac = new AbortController();
    const p = transport().send({ method: 'GET', url: `${bank.base}/slow`, headers: {}, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    expect((await failure(p)).code).toBe('CANCELLED');
    const pre = new AbortController();
    pre.abort();
    expect((await failure(transport().send({ method: 'GET', url: `${bank.base}/x`, headers: {}, signal: pre.signal }))).code).toBe('CANCELLED');
  });

  it('a body larger than any EST answer is BAD_RESPONSE', async () => {
    bank.handler = (_s, res) => { res.writeHead(200); res.end(Buffer.alloc(2 * 1024 * 1024)); };
    const err = await failure(transport().send({ method: 'GET', url: `${bank.base}/big`, headers: {} }));
    expect(err.code).toBe('BAD_RESPONSE');
    expect(err.detail?.reason).toBe('TOO_LARGE');
  });
});

describe('proxy', () => {
  const secret = 'Basic Q09SUDAwMDE6c2VjcmV0LXBhc3N3b3Jk';
  const marker = 'PLAINTEXT-MARKER-1234567890';

  it('tunnels through an http:// proxy with CONNECT; the proxy sees only ciphertext', async () => {
    const proxy = await startConnectProxy();
    try {
      bank.handler = (_s, res) => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end(`answer ${marker}`); };
      const t = transport({ proxy: proxy.url as `http://${string}`, identity: { pkcs12: fx.client.p12, password: fx.client.p12Password } });
      const res = await t.send({ method: 'POST', url: `${bank.base}/simpleenroll`, headers: { Authorization: secret, 'Content-Type': 'application/pkcs10' }, body: new TextEncoder().encode(marker) });
      expect(Buffer.from(res.body).toString()).toBe(`answer ${marker}`);
      expect(proxy.connects).toEqual([`127.0.0.1:${bank.port}`]);
      const relayed = proxy.relayed();
      expect(relayed.length).toBeGreaterThan(500);
      for (const plain of [marker, 'simpleenroll', secret, 'Authorization', 'application/pkcs10', 'POST /']) {
        expect(relayed.includes(Buffer.from(plain))).toBe(false);
      }
      // TLS records all the way: content type 0x16 (handshake) first, then 0x17 (application data).
      expect(relayed[0]).toBe(0x16);
    } finally { await proxy.close(); }
  });

  it('system: HTTPS_PROXY is honoured, and NO_PROXY bypasses it', async () => {
    const proxy = await startConnectProxy();
    const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    try {
      process.env.HTTPS_PROXY = proxy.url;
      delete process.env.NO_PROXY;
      await transport({ proxy: 'system' }).send({ method: 'GET', url: `${bank.base}/viaenv`, headers: {} });
      expect(proxy.connects).toHaveLength(1);
      process.env.NO_PROXY = '127.0.0.1';
      await transport({ proxy: 'system' }).send({ method: 'GET', url: `${bank.base}/bypass`, headers: {} });
      expect(proxy.connects).toHaveLength(1);
      await transport({ proxy: 'direct' }).send({ method: 'GET', url: `${bank.base}/direct`, headers: {} });
      expect(proxy.connects).toHaveLength(1);
    } finally {
      for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
      await proxy.close();
    }
  });

  it('a proxy that refuses CONNECT is PROXY_FAILED, not an answer from the bank', async () => {
    const proxy = await startConnectProxy();
    proxy.refuseWith = 403;
    try {
      const err = await failure(transport({ proxy: proxy.url as `http://${string}` }).send({ method: 'GET', url: `${bank.base}/x`, headers: {} }));
      expect(err.code).toBe('PROXY_FAILED');
      expect(err.detail?.reason).toBe('CONNECT_REFUSED');
      expect(err.detail?.status).toBe(403);
    } finally { await proxy.close(); }
  });

  it('a proxy that is down is PROXY_FAILED/REFUSED: the proxy\'s fault, not the bank\'s', async () => {
    const port = await deadPort();
    const err = await failure(transport({ proxy: `http://127.0.0.1:${port}` }).send({ method: 'GET', url: `${bank.base}/x`, headers: {} }));
    expect(err.code).toBe('PROXY_FAILED');
    expect(err.detail?.reason).toBe('REFUSED');
  });

  it('through the proxy, an untrusted server is still refused', async () => {
    const proxy = await startConnectProxy();
    const rogue = await startTlsServer({ certPem: fx.rogueServer.certPem, keyPem: fx.rogueServer.keyPem }, ok);
    try {
      const err = await failure(transport({ proxy: proxy.url as `http://${string}` }).send({ method: 'GET', url: `${rogue.base}/x`, headers: { Authorization: secret } }));
      expect(err.code).toBe('TLS_UNTRUSTED');
      expect(rogue.seen).toHaveLength(0);
    } finally { await rogue.close(); await proxy.close(); }
  });
});
