// Strict in what CertDesk sends, tolerant in what it reads: the shapes independent EST
// servers give their answers (base64 line breaks and padding, raw DER, media-type names and
// parameters, WWW-Authenticate variants), each through a real TLS server on loopback.
import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNodeTransport, EstClient, type EstTransport } from '../../src/main/core/est';
import { CoreError } from '../../src/main/core/errors';
import { certsOnlyBase64, makeTlsFixtures, type TlsFixtures } from './support/tls-fixtures';
import { startTlsServer, type Seen, type TestServer } from './support/servers';

let fx: TlsFixtures;
let srv: TestServer;
let transport: EstTransport;
let issuedDer: Buffer;
const creds = { loginId: 'CORP0001', password: 'pw 1' };

type Reply = (s: Seen, res: ServerResponse) => void;
function script(...replies: Reply[]): void {
  let i = 0;
  srv.handler = (s, res) => replies[Math.min(i++, replies.length - 1)]!(s, res);
}
const answer = (type: string, body: string | Buffer, headers: Record<string, string | string[]> = {}): Reply => (_s, res) => {
  res.writeHead(200, { 'Content-Type': type, ...headers });
  res.end(body);
};
const challenge = (...values: string[]): Reply => (_s, res) => {
  res.setHeader('WWW-Authenticate', values.length === 1 ? values[0]! : values);
  res.writeHead(401, { 'Content-Type': 'text/plain' });
  res.end('login needed');
};
const client = () => new EstClient({ baseUrl: srv.base, transport, anchorsDer: [fx.rootDer], pendingMaxAttempts: 0, sleep: async () => {} });

beforeAll(async () => {
  fx = makeTlsFixtures();
  srv = await startTlsServer({ certPem: fx.serverChainPem, keyPem: fx.server.keyPem }, () => {});
  transport = createNodeTransport({ anchorsPem: fx.rootPem, proxy: 'direct', connectTimeoutMs: 5000, requestTimeoutMs: 10000 });
  issuedDer = Buffer.from(certsOnlyBase64(fx.dir, [fx.client.certPem]).replace(/\s+/g, ''), 'base64');
});
afterEach(() => { srv.seen.length = 0; });
afterAll(async () => { transport?.close(); await srv?.close(); fx?.cleanup(); });

describe('reading what other servers send', () => {
  const b64 = () => issuedDer.toString('base64');
  it.each<[string, () => string | Buffer]>([
    ['one line, no final newline', () => b64()],
    ['76-column CRLF lines (MIME)', () => b64().replace(/(.{76})/g, '$1\r\n') + '\r\n'],
    ['64-column lines and a final newline', () => b64().replace(/(.{64})/g, '$1\n') + '\n'],
    ['no padding', () => b64().replace(/=+$/, '')],
    ['raw DER, no base64', () => issuedDer],
  ])('the issued certificate as %s', async (_name, body) => {
    script(challenge('Basic realm="est"'), answer('application/pkcs7-mime; smime-type=certs-only', body()));
    const certs = await client().simpleenroll(fx.csrDer, creds);
    expect(certs).toHaveLength(1);
  });

  it.each([
    'application/pkcs7-mime',
    'application/pkcs7-mime; smime-type=certs-only',
    'application/pkcs7-mime;smime-type="certs-only"; charset=utf-8',
    'Application/PKCS7-MIME; Smime-Type=CERTS-ONLY',
    'application/x-pkcs7-mime; smime-type=certs-only',
    'application/x-pkcs7-certificates',
  ])('Content-Type %s', async (type) => {
    script(challenge('Basic realm="est"'), answer(type, b64()));
    expect(await client().simpleenroll(fx.csrDer, creds)).toHaveLength(1);
  });

  it('a Content-Type that is not certificates stays BAD_RESPONSE (text/html from a portal)', async () => {
    script(challenge('Basic realm="est"'), answer('text/html; charset=utf-8', b64()));
    const err = await client().simpleenroll(fx.csrDer, creds).then(() => null, (e: unknown) => e as CoreError);
    expect(err?.code).toBe('BAD_RESPONSE');
    expect(err?.detail?.reason).toBe('WRONG_CONTENT_TYPE');
  });

  it.each<[string, string[]]>([
    ['Basic realm="estrealm"', ['Basic realm="estrealm"']],
    ['basic realm=est (lower case, token realm)', ['basic realm=est']],
    ['Basic alone', ['Basic']],
    ['Basic with charset', ['Basic realm="Demo", charset="UTF-8"']],
    ['Basic after Digest in one header', ['Digest realm="est", nonce="abc", Basic realm="est"']],
    ['Basic, then Bearer in one header', ['Basic, Bearer realm="x"']],
    ['two WWW-Authenticate headers', ['Negotiate', 'Basic realm="est"']],
  ])('401 challenge %s: the credentials go once', async (_name, values) => {
    script(challenge(...values), answer('application/pkcs7-mime', b64()));
    expect(await client().simpleenroll(fx.csrDer, creds)).toHaveLength(1);
    expect(srv.seen.map((s) => s.headers.authorization === undefined)).toEqual([true, false]);
  });

  it.each(['Basicfoo realm="x"', 'Digest realm="basic"', 'Bearer error="basic"'])('401 challenge %s is not Basic: no credentials sent', async (value) => {
    script(challenge(value));
    const err = await client().simpleenroll(fx.csrDer, creds).then(() => null, (e: unknown) => e as CoreError);
    expect(err?.detail?.reason).toBe('NO_BASIC_CHALLENGE');
    expect(srv.seen.every((s) => s.headers.authorization === undefined)).toBe(true);
  });

  it('csrattrs as raw DER, and base64 without line breaks or padding', async () => {
    const attrs = Buffer.from('300b06092a864886f70d010907', 'hex');
    script(answer('application/csrattrs', attrs));
    expect(Buffer.from((await client().csrattrs())!)).toEqual(attrs);
    script(answer('application/csrattrs; charset=binary', attrs.toString('base64').replace(/=+$/, '')));
    expect(Buffer.from((await client().csrattrs())!)).toEqual(attrs);
  });

  it.each([
    ['204 No Content', 204, ''],
    ['404 Not Found', 404, 'no attributes'],
    ['501 Not Implemented (no /csrattrs at all)', 501, 'not implemented'],
    ['200 with an empty body', 200, ''],
  ])('csrattrs %s: nothing asked of the request', async (_name, status, body) => {
    script((_s, res) => {
      res.writeHead(status, { 'Content-Type': status === 200 ? 'application/csrattrs' : 'text/plain' });
      res.end(body);
    });
    expect(await client().csrattrs()).toBeNull();
  });
});
