// The bank shaped like other EST servers (one-tier CA, commonName required, csrattrs with
// content), driven by curl and openssl only, and the CLI that offers those shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { BankServer } from './server';
import { certField, certsFromEst, curl, fingerprintOf, makeCsr, openssl, run, tempDir } from './tools';

const CLOCK = new Date('2026-06-01T03:00:00Z');
const attime = String(CLOCK.getTime() / 1000 + 3600);
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => { tmp = await tempDir(); });
afterAll(async () => { await tmp?.remove(); });

async function withBank(opts: Partial<Parameters<typeof BankServer.start>[0]>, body: (bank: BankServer) => Promise<void>): Promise<void> {
  const data = await tempDir('bank-data-');
  const bank = await BankServer.start({ dataDir: data.dir, clock: CLOCK, ...opts });
  try {
    await body(bank);
  } finally {
    await bank.stop();
    await data.remove();
  }
}

const enroll = (bank: BankServer, csrB64: string, user: string) =>
  curl(`${bank.url}/simpleenroll`, { anchor: bank.trustAnchorPath, method: 'POST', body: csrB64, contentType: 'application/pkcs10', user });

describe('bank shapes', () => {
  it('one tier: cacerts holds only the self-signed root, which issues the TLS and client certificates', async () => {
    await withBank({ oneTier: true }, async (bank) => {
      const certs = await certsFromEst((await curl(`${bank.url}/cacerts`, { anchor: bank.trustAnchorPath })).body);
      expect(certs).toHaveLength(1);
      expect(await fingerprintOf(certs[0]!)).toBe(await fingerprintOf(await readFile(bank.trustAnchorPath, 'utf8')));
      expect(bank.issuingCaPem).toBe(bank.trustAnchorPem);
      await bank.addAccount('one-1', 'pw-1');
      const csr = await makeCsr(tmp.dir, 'one-1', '/');
      const r = await enroll(bank, csr.csrB64, 'one-1:pw-1');
      expect(r.status).toBe(200);
      const [cert] = await certsFromEst(r.body);
      const f = await tmp.file('one-1.pem', cert!);
      // No -untrusted: the anchor alone is the whole chain.
      expect(await openssl(['verify', '-CAfile', bank.trustAnchorPath, '-attime', attime, f])).toContain(': OK');
      expect(await certField(cert!, ['-issuer'])).toBe(await certField(bank.trustAnchorPem, ['-subject']).then((s) => s.replace(/^subject/, 'issuer')));
    });
  });

  it('commonName required: an empty subject gets 500 in plain text, a wrong CN 403, the login ID as CN is issued as sent', async () => {
    await withBank({ requireCommonName: true }, async (bank) => {
      await bank.addAccount('cn-1', 'pw-1');
      const empty = await enroll(bank, (await makeCsr(tmp.dir, 'cn-e', '/')).csrB64, 'cn-1:pw-1');
      expect(empty.status).toBe(500);
      expect(empty.headers['content-type']).toBe('text/plain');
      expect(empty.body.toString()).toContain('commonName field needed to be supplied');
      const other = await enroll(bank, (await makeCsr(tmp.dir, 'cn-o', '/CN=someone-else')).csrB64, 'cn-1:pw-1');
      expect(other.status).toBe(403);
      expect(other.json().reason).toBe('SUBJECT_MISMATCH');
      const ok = await enroll(bank, (await makeCsr(tmp.dir, 'cn-ok', '/CN=cn-1/O=Example')).csrB64, 'cn-1:pw-1');
      expect(ok.status).toBe(200);
      const [cert] = await certsFromEst(ok.body);
      expect(await certField(cert!, ['-subject', '-nameopt', 'RFC2253'])).toBe('subject=O=Example,CN=cn-1');
    });
  });

  it('by default an empty subject is still filled in by the bank (the shapes are options)', async () => {
    await withBank({}, async (bank) => {
      await bank.addAccount('def-1', 'pw-1');
      const r = await enroll(bank, (await makeCsr(tmp.dir, 'def-1', '/')).csrB64, 'def-1:pw-1');
      expect(r.status).toBe(200);
      const [cert] = await certsFromEst(r.body);
      expect(await certField(cert!, ['-subject', '-nameopt', 'RFC2253,-esc_msb,utf8'])).toBe('subject=CN=def-1,OU=法人IB,O=デモ信用金庫,C=JP');
      expect((await certsFromEst((await curl(`${bank.url}/cacerts`, { anchor: bank.trustAnchorPath })).body))).toHaveLength(2);
    });
  });

  it('csrattrs rich: challengePassword, ecPublicKey on secp256r1, an extensionRequest and sha256WithRSA, in DER openssl reads', async () => {
    await withBank({ csrAttrs: 'rich' }, async (bank) => {
      const r = await curl(`${bank.url}/csrattrs`, { anchor: bank.trustAnchorPath });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe('application/csrattrs');
      const der = Buffer.from(r.body.toString('ascii').replace(/\s+/g, ''), 'base64');
      const parsed = await openssl(['asn1parse', '-inform', 'DER'], der);
      const objects = parsed.split('\n').filter((l) => l.includes('OBJECT')).map((l) => l.split(':').pop()!.trim());
      expect(objects).toEqual(['challengePassword', 'id-ecPublicKey', 'prime256v1', 'Extension Request', '1.3.6.1.1.1.1.22', 'sha256WithRSAEncryption']);
    });
  });

  it('npm run bank -- --help lists the shapes', async () => {
    const r = await run(process.execPath, ['--import', 'tsx', 'test/bank/cli.ts', '--help']);
    const help = r.stdout.toString();
    expect(r.code).toBe(0);
    for (const flag of ['--one-tier', '--require-common-name', '--csrattrs <content>']) expect(help).toContain(flag);
  });

  it('the CLI refuses an unknown csrattrs content', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bank/cli.ts', '--csrattrs', 'nonsense'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const code = await new Promise<number | null>((ok) => child.once('exit', ok));
    expect(code).not.toBe(0);
    expect(stderr).toContain('--csrattrs must be algorithms or rich');
  });
});
