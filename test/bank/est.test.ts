// The bank as a strict EST server, driven by curl and openssl only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BankServer } from './server';
import { certField, certsFromEst, curl, EST_CERTS_ONLY, estBase64, fingerprintOf, makeCsr, openssl, run, subj, tempDir } from './tools';

const CLOCK = new Date('2026-06-01T03:00:00Z');
let bank: BankServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let data: Awaited<ReturnType<typeof tempDir>>;
let anchor: string;
let chain: string;
const logs: string[] = [];

beforeAll(async () => {
  tmp = await tempDir();
  data = await tempDir('bank-data-');
  bank = await BankServer.start({ dataDir: data.dir, clock: CLOCK, label: 'ib', log: (l) => logs.push(l) });
  anchor = bank.trustAnchorPath;
  chain = await tmp.file('issuing.pem', bank.issuingCaPem);
});

afterAll(async () => {
  await bank?.stop();
  await tmp?.remove();
  await data?.remove();
});

const at = (path: string) => `${bank.url}/${path}`;
const attime = String(CLOCK.getTime() / 1000 + 3600);

async function verify(pem: string): Promise<string> {
  const f = await tmp.file(`v${Math.random().toString(36).slice(2)}.pem`, pem);
  return openssl(['verify', '-CAfile', anchor, '-untrusted', chain, '-attime', attime, f]);
}

describe('bank: EST endpoints', () => {
  it('serves cacerts as base64 certs-only CMS with exact headers, the root equal to the anchor', async () => {
    expect(bank.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\.well-known\/est\/ib$/);
    const r = await curl(at('cacerts'), { anchor });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/pkcs7-mime');
    expect(r.headers['content-transfer-encoding']).toBe('base64');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    expect(r.headers['transfer-encoding']).toBeUndefined();
    expect(new Date(r.headers.date!).getTime()).toBe(CLOCK.getTime());
    expect(r.body.toString().split('\n').every((l) => l.length <= 64)).toBe(true);
    const certs = await certsFromEst(r.body);
    expect(certs).toHaveLength(2);
    expect(await fingerprintOf(certs[1]!)).toBe(await fingerprintOf(await readFile(anchor, 'utf8')));
    expect(await certField(certs[0]!, ['-ext', 'basicConstraints'])).toContain('CA:TRUE');
  });

  it('serves the unlabelled path too, and 404 for an unknown label or resource', async () => {
    expect((await curl(`${bank.origin}/.well-known/est/cacerts`, { anchor })).status).toBe(200);
    const other = await curl(`${bank.origin}/.well-known/est/other/cacerts`, { anchor });
    expect(other.status).toBe(404);
    expect(other.json().reason).toBe('NOT_FOUND');
    expect((await curl(at('fullcmc'), { anchor })).status).toBe(404);
  });

  it('serves csrattrs as application/csrattrs', async () => {
    const r = await curl(at('csrattrs'), { anchor });
    expect(r.headers['content-type']).toBe('application/csrattrs');
    const der = Buffer.from(r.body.toString().replace(/\s+/g, ''), 'base64');
    const parsed = await openssl(['asn1parse', '-inform', 'DER'], der);
    expect(parsed).toContain('sha256WithRSAEncryption');
    expect(parsed).toContain('ecdsa-with-SHA256');
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const r = await curl(at('simpleenroll'), { anchor });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('speaks TLS 1.2 and TLS 1.3', async () => {
    expect((await curl(at('cacerts'), { anchor, tls: '1.2' })).status).toBe(200);
    expect((await curl(at('cacerts'), { anchor, tls: '1.3' })).status).toBe(200);
    for (const v of ['1_2', '1_3']) {
      const s = await run('openssl', ['s_client', '-connect', bank.origin.slice('https://'.length), `-tls${v}`, '-CAfile', anchor, '-verify_return_error', '-brief'], '');
      expect(s.stderr).toContain(`Protocol version: TLSv${v.replace('_', '.')}`);
      expect(s.stderr).toContain('Verification: OK');
    }
  });
});

describe('bank: 取得 (simpleenroll)', () => {
  it('challenges with 401 + WWW-Authenticate, then issues a verifiable client certificate', async () => {
    await bank.addAccount('new-1', 'パスワード-1');
    const csr = await makeCsr(tmp.dir, 'new-1', subj('new-1'), 'rsa');
    const first = await curl(at('simpleenroll'), { anchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10' });
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
    expect(first.json().reason).toBe('AUTH_REQUIRED');
    const r = await curl(at('simpleenroll'), {
      anchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', user: 'new-1:パスワード-1',
      extraHeaders: ['Content-Transfer-Encoding: base64'],
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(EST_CERTS_ONLY);
    expect(r.headers['content-transfer-encoding']).toBe('base64');
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const [cert] = await certsFromEst(r.body);
    expect(await verify(cert!)).toContain(': OK');
    expect(await certField(cert!, ['-subject', '-nameopt', 'multiline,show_type,utf8,-esc_msb'])).toBe(
      'subject=\n    countryName               = PRINTABLESTRING:JP\n    organizationName          = UTF8STRING:デモ信用金庫\n' +
      '    organizationalUnitName    = UTF8STRING:法人IB\n    commonName                = UTF8STRING:new-1');
    expect(await certField(cert!, ['-ext', 'keyUsage,extendedKeyUsage'])).toMatch(/critical\s+Digital Signature, Key Encipherment[\s\S]*TLS Web Client Authentication/);
    const pub = await openssl(['pkey', '-in', csr.keyPath, '-pubout']);
    expect(await openssl(['x509', '-noout', '-pubkey'], cert!)).toBe(pub);
    const days = (new Date(await certField(cert!, ['-enddate']).then((s) => s.split('=')[1]!)).getTime() - CLOCK.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(bank.account('new-1')?.currentFingerprint).toBe(await fingerprintOf(cert!));
    expect(logs.some((l) => /POST \/\.well-known\/est\/ib\/simpleenroll 200 account=new-1/.test(l))).toBe(true);
    expect(logs.join('\n')).not.toContain('パスワード-1');
  });

  it('gives EC keys digitalSignature only and resends the same certificate for an identical request', async () => {
    await bank.addAccount('new-2', 'pw-2');
    const csr = await makeCsr(tmp.dir, 'new-2', subj('new-2'));
    const send = () => curl(at('simpleenroll'), { anchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', user: 'new-2:pw-2' });
    const a = await send();
    const b = await send();
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [ca] = await certsFromEst(a.body);
    const [cb] = await certsFromEst(b.body);
    expect(cb).toBe(ca);
    expect(await certField(ca!, ['-ext', 'keyUsage'])).toMatch(/critical\s+Digital Signature\s*$/);
    expect(bank.account('new-2')?.issued).toHaveLength(1);
  });

  it('refuses a wrong Content-Type, bad base64, a bad DER, a bad signature and a weak key with 400 and a reason', async () => {
    await bank.addAccount('new-3', 'pw-3');
    const csr = await makeCsr(tmp.dir, 'new-3', subj('new-3'));
    const post = (body: string, contentType = 'application/pkcs10', extraHeaders: string[] = []) =>
      curl(at('simpleenroll'), { anchor, method: 'POST', body, contentType, user: 'new-3:pw-3', extraHeaders });
    const wrongType = await post(csr.csrB64, 'application/octet-stream');
    expect([wrongType.status, wrongType.json().reason]).toEqual([400, 'WRONG_CONTENT_TYPE']);
    expect(wrongType.headers['content-type']).toBe('application/json');
    expect(String(wrongType.json().message)).toContain('application/pkcs10');
    const badCte = await post(csr.csrB64, 'application/pkcs10', ['Content-Transfer-Encoding: binary']);
    expect([badCte.status, badCte.json().reason]).toEqual([400, 'WRONG_TRANSFER_ENCODING']);
    const bad64 = await post('MIIB*not base64*\n');
    expect([bad64.status, bad64.json().reason]).toEqual([400, 'BAD_BASE64']);
    const notCsr = await post(estBase64(Buffer.from('30030201ff', 'hex')));
    expect([notCsr.status, notCsr.json().reason]).toEqual([400, 'BAD_CSR']);
    const tampered = Buffer.from(csr.csrDer);
    tampered[tampered.length - 5]! ^= 0x01; // inside the signature value
    const badSig = await post(estBase64(tampered));
    expect([badSig.status, badSig.json().reason]).toEqual([400, 'BAD_SIGNATURE']);
    const weak = await makeCsr(tmp.dir, 'weak', subj('new-3'), 'rsa1024');
    const weakR = await post(weak.csrB64);
    expect([weakR.status, weakR.json().reason]).toEqual([400, 'UNSUPPORTED_KEY']);
    expect(bank.account('new-3')?.issued).toEqual([]);
  });

  it('answers 202 with Retry-After while pending, then the certificate on the identical request', async () => {
    await bank.addAccount('new-4', 'pw-4');
    const csr = await makeCsr(tmp.dir, 'new-4', subj('new-4'));
    bank.setPending(1, 7);
    const send = () => curl(at('simpleenroll'), { anchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', user: 'new-4:pw-4' });
    const first = await send();
    expect(first.status).toBe(202);
    expect(first.headers['retry-after']).toBe('7');
    expect(bank.account('new-4')?.issued).toEqual([]);
    const second = await send();
    expect(second.status).toBe(200);
    expect(await certsFromEst(second.body)).toHaveLength(1);
  });
});

describe('bank: 更新 (simplereenroll) and whoami', () => {
  it('renews with the PKCS#12 identity over mutual TLS, superseding the old certificate', async () => {
    const id = await bank.seedAccount('renew-1', 20, 'pw', { keyType: 'rsa2048' });
    const p12 = { path: id.p12Path, password: id.p12Password };
    const who = await curl(`${bank.origin}/whoami`, { anchor, p12 });
    expect(who.json()).toEqual({ fingerprint: id.fingerprint, subject: expect.stringContaining('CN=renew-1') });
    expect(new Date(who.headers.date!).getTime()).toBe(CLOCK.getTime());
    const anon = await curl(`${bank.origin}/whoami`, { anchor });
    expect(anon.status).toBe(401);

    const csr = await makeCsr(tmp.dir, 'renew-1', subj('renew-1'));
    const r = await curl(at('simplereenroll'), { anchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', p12 });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(EST_CERTS_ONLY);
    const [cert] = await certsFromEst(r.body);
    expect(await verify(cert!)).toContain(': OK');
    const fp = await fingerprintOf(cert!);
    const typed = ['-subject', '-nameopt', 'multiline,show_type,utf8,-esc_msb'];
    expect(await certField(cert!, typed)).toBe(await certField(id.certPem, typed));
    expect(bank.account('renew-1')).toEqual({ id: 'renew-1', active: true, currentFingerprint: fp, issued: [id.fingerprint, fp] });
    // The answer was lost: the identical request with the old certificate gets the same one back …
    const again = await curl(at('simplereenroll'), { anchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', p12 });
    expect(await certsFromEst(again.body)).toEqual([cert]);
    // … but any other request with the superseded certificate is refused.
    const other = await makeCsr(tmp.dir, 'renew-1b', subj('renew-1'));
    const refused = await curl(at('simplereenroll'), { anchor, method: 'POST', body: other.csrB64, contentType: 'application/pkcs10', p12 });
    expect([refused.status, refused.json().reason]).toEqual([403, 'SUPERSEDED']);
    expect(refused.headers['content-type']).toBe('application/json');
  });

  it('keeps everything across a restart from the same data folder', async () => {
    const before = bank.account('renew-1');
    const anchorPem = bank.trustAnchorPem;
    await bank.stop();
    // A crash mid-append leaves a torn last line: that answer was never sent, the rest loads.
    await appendFile(join(data.dir, 'certificates.jsonl'), '{"serial":"0badc0de","fingerp');
    bank = await BankServer.start({ dataDir: data.dir, clock: CLOCK, label: 'ib', log: (l) => logs.push(l) });
    expect(bank.trustAnchorPem).toBe(anchorPem);
    expect(await readFile(join(data.dir, 'certificates.jsonl'), 'utf8')).not.toContain('0badc0de');
    expect(bank.account('renew-1')).toEqual(before);
    const r = await curl(at('cacerts'), { anchor });
    expect(r.status).toBe(200);
  });
});

describe('startBank (the in-process API other tests use)', () => {
  it('starts without a label, seeds an identity openssl can read, and stops', async () => {
    const { startBank } = await import('./index');
    const dir = await tempDir('bank-api-');
    const b = await startBank({ dataDir: dir.dir, port: 0 });
    try {
      expect(b.url).toBe(`${b.origin}/.well-known/est`);
      expect(b.trustAnchorPem).toBe(await readFile(b.trustAnchorPath, 'utf8'));
      const id = await b.seedAccount('api-1', 100);
      expect(id.password.length).toBeGreaterThanOrEqual(12);
      const fromP12 = await openssl(['pkcs12', '-in', id.p12Path, '-passin', `pass:${id.p12Password}`, '-nokeys', '-clcerts']);
      expect(await fingerprintOf(fromP12)).toBe(id.fingerprint);
      expect(id.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const keyPub = await openssl(['pkey', '-pubout'], id.keyPem);
      expect(await openssl(['x509', '-noout', '-pubkey'], id.certPem)).toBe(keyPub);
      expect(b.account('api-1')).toEqual({ id: 'api-1', active: true, currentFingerprint: id.fingerprint, issued: [id.fingerprint] });
      expect(b.account('nobody')).toBeUndefined();
      const r = await curl(`${b.url}/cacerts`, { anchor: b.trustAnchorPath });
      expect(Math.abs(new Date(r.headers.date!).getTime() - Date.now())).toBeLessThan(120_000);
    } finally {
      await b.stop();
      await dir.remove();
    }
  });
});
