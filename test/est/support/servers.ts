// Small real servers for the transport tests: a TLS server that records what reaches it,
// and an HTTP CONNECT proxy that records every byte it relays.
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface Seen { method: string; path: string; headers: http.IncomingHttpHeaders; body: Buffer; peerCN?: string; socketId: number }
export type Handler = (req: Seen, res: http.ServerResponse) => void;

export interface TestServer {
  port: number;
  base: string; // https://127.0.0.1:P/.well-known/est
  seen: Seen[];
  connections: number;
  handler: Handler;
  close(): Promise<void>;
}

export async function startTlsServer(tls: { certPem: string; keyPem: string; clientCaPem?: string }, handler: Handler): Promise<TestServer> {
  const server = https.createServer({
    cert: tls.certPem,
    key: tls.keyPem,
    ...(tls.clientCaPem ? { requestCert: true, rejectUnauthorized: true, ca: tls.clientCaPem } : {}),
  });
  const ids = new WeakMap<object, number>();
  const state: TestServer = {
    port: 0, base: '', seen: [], connections: 0, handler,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  server.on('secureConnection', (s) => { ids.set(s, ++state.connections); });
  server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sock = req.socket as TLSSocket;
      const peer = sock.getPeerCertificate?.();
      const cn = peer && 'subject' in peer && peer.subject ? peer.subject.CN : undefined;
      const seen: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), socketId: ids.get(sock) ?? -1 };
      if (typeof cn === 'string') seen.peerCN = cn;
      state.seen.push(seen);
      state.handler(seen, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as AddressInfo).port;
  state.base = `https://127.0.0.1:${state.port}/.well-known/est`;
  return state;
}

export interface TestProxy {
  url: string;
  connects: string[];
  relayed(): Buffer;
  refuseWith: number | null;
  close(): Promise<void>;
}

/** `resolve` stands in for the proxy's DNS: it may send any host name to loopback. */
export async function startConnectProxy(resolve: (host: string) => string = (h) => h): Promise<TestProxy> {
  const bytes: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
  const state: TestProxy = {
    url: '', connects: [], refuseWith: null,
    relayed: () => Buffer.concat(bytes),
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.closeAllConnections(); server.close(() => r()); }),
  };
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    state.connects.push(req.url ?? '');
    sockets.add(client);
    if (state.refuseWith !== null) {
      client.end(`HTTP/1.1 ${state.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), resolve(host ?? '127.0.0.1'), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) { bytes.push(head); upstream.write(head); }
      client.on('data', (c: Buffer) => { bytes.push(c); upstream.write(c); });
      upstream.on('data', (c: Buffer) => { bytes.push(c); client.write(c); });
    });
    sockets.add(upstream);
    const end = () => { client.destroy(); upstream.destroy(); };
    for (const s of [client, upstream]) for (const ev of ['error', 'end', 'close']) s.on(ev, end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** A TCP port that accepts and then says nothing (for the connect timeout). */
export async function startSilentTcp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => { sockets.add(s); s.on('error', () => {}); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** A port with nothing listening: bind, note the port, close. */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** `openssl s_server` (a non-Node TLS stack that sends real alerts), on a free loopback port. */
export async function startOpensslServer(dir: string, args: string[]): Promise<{ port: number; close(): void }> {
  const { spawn } = await import('node:child_process');
  const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', '-www', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const m = /ACCEPT .*:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`openssl s_server exited ${code}: ${out}`)));
  });
  return { port, close: () => { child.kill(); } };
}

/**
 * A TCP relay in front of a server: once the client has finished its side of the handshake
 * (and sent its request), the next bytes from the server are never delivered; instead the
 * server is killed and both sides are cut. The client never sees an answer.
 */
export async function startKillingRelay(targetPort: number, kill: () => Promise<void>): Promise<{ port: number; killed: () => boolean; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let killed = false;
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    let clientFlights = 0;
    let cut = false;
    client.on('data', (c: Buffer) => { clientFlights++; if (!cut) upstream.write(c); });
    upstream.on('data', (c: Buffer) => {
      if (cut) return;
      if (clientFlights < 2) { client.write(c); return; }
      cut = true;
      void kill().finally(() => { killed = true; client.destroy(); upstream.destroy(); });
    });
    for (const s of [client, upstream]) s.on('error', () => { client.destroy(); upstream.destroy(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    killed: () => killed,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
