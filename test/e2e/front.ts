// A front end in front of the bank simulator, with the bank's own TLS certificate and key
// (so CertDesk trusts it exactly as it trusts the bank): GET requests go through to the
// bank, enrolments get the answer a test chooses. This is how a misbehaving bank is made:
// a 503, an HTML page, a 401 for the current certificate, a certificate for another key.
import https from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bank } from '../bank';
import { buildCertsOnly, pemToDer } from '../../src/main/core/pki';

export type FrontMode = 'pass' | 'serverError' | 'html' | 'unauthorized' | { otherCertPem: string };

export interface Front {
  url: string;
  setMode(mode: FrontMode): void;
  close(): Promise<void>;
}

function b64Lines(der: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n?$/, '\n'), 'ascii');
}

export async function startFront(bank: Bank, bankDataDir: string): Promise<Front> {
  const caDir = join(bankDataDir, 'ca');
  const key = await readFile(join(caDir, 'tls-server.key.pem'), 'utf8');
  const cert = (await readFile(join(caDir, 'tls-server.pem'), 'utf8')) + bank.issuingCaPem;
  let mode: FrontMode = 'pass';
  const target = new URL(bank.url);
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      const enrol = req.method === 'POST';
      if (enrol && mode !== 'pass') {
        if (mode === 'serverError') {
          res.writeHead(503, { 'Content-Type': 'text/plain', Date: new Date().toUTCString() }).end('Service Unavailable\n');
        } else if (mode === 'html') {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<html><body>Maintenance</body></html>');
        } else if (mode === 'unauthorized') {
          res.writeHead(401, { 'WWW-Authenticate': 'Certificate', 'Content-Type': 'text/plain' }).end('certificate not accepted\n');
        } else {
          const body = b64Lines(buildCertsOnly(pemToDer(mode.otherCertPem, 'CERTIFICATE')));
          res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime; smime-type=certs-only', 'Content-Transfer-Encoding': 'base64', 'Content-Length': String(body.length) }).end(body);
        }
        return;
      }
      const upstream = https.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: target.pathname.replace(/\/$/, '') + path.replace(/^\/\.well-known\/est/, ''),
          headers: { ...req.headers, host: target.host },
          ca: [bank.trustAnchorPem, bank.issuingCaPem],
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no address');
  return {
    url: `https://127.0.0.1:${addr.port}/.well-known/est`,
    setMode: (m) => {
      mode = m;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
