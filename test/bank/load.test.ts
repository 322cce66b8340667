// 50 concurrent 取得 from 50 curl processes: 50 certificates, 50 distinct serials, all on
// disk after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { BankServer } from './server';
import { certsFromEst, curl, fingerprintOf, makeCsr, openssl, subj, tempDir } from './tools';

const N = 50;
const CLOCK = new Date('2026-06-01T03:00:00Z');
let bank: BankServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let data: Awaited<ReturnType<typeof tempDir>>;
const csrs: string[] = [];

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  return out;
}

beforeAll(async () => {
  tmp = await tempDir();
  data = await tempDir('bank-data-');
  bank = await BankServer.start({ dataDir: data.dir, clock: CLOCK });
  await inBatches(N, 10, async (i) => {
    await bank.addAccount(`load-${i}`, `pw-${i}`);
    csrs[i] = (await makeCsr(tmp.dir, `load-${i}`, subj(`load-${i}`))).csrB64;
  });
});

afterAll(async () => {
  await bank?.stop();
  await tmp?.remove();
  await data?.remove();
});

describe('bank under load', () => {
  it(`completes ${N} concurrent enrolments with ${N} distinct serials, nothing lost on disk`, async () => {
    const answers = await Promise.all(csrs.map((body, i) => curl(`${bank.url}/simpleenroll`, {
      anchor: bank.trustAnchorPath, method: 'POST', body, contentType: 'application/pkcs10', user: `load-${i}:pw-${i}`,
    })));
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
    const certs = await Promise.all(answers.map(async (a) => (await certsFromEst(a.body))[0]!));
    // Reading serials and fingerprints needs no process per certificate: node:crypto parses PEM.
    const parsed = certs.map((c) => new X509Certificate(c));
    const serials = parsed.map((c) => c.serialNumber);
    expect(new Set(serials).size).toBe(N);
    const files = await Promise.all(certs.map((c, i) => tmp.file(`issued-${i}.pem`, c)));
    const chain = await tmp.file('issuing.pem', bank.issuingCaPem);
    const verified = await openssl(['verify', '-CAfile', bank.trustAnchorPath, '-untrusted', chain, '-attime', String(CLOCK.getTime() / 1000 + 60), ...files]);
    expect(verified.match(/: OK/g)).toHaveLength(N);
    const fingerprints = parsed.map((c) => c.fingerprint256.replace(/:/g, '').toLowerCase());
    expect(fingerprints[0]).toBe(await fingerprintOf(certs[0]!));

    await bank.stop();
    const lines = (await readFile(join(data.dir, 'certificates.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { fingerprint: string });
    expect(lines).toHaveLength(N);
    expect(new Set(lines.map((c) => c.fingerprint))).toEqual(new Set(fingerprints));
    bank = await BankServer.start({ dataDir: data.dir, clock: CLOCK });
    fingerprints.forEach((fp, i) => expect(bank.account(`load-${i}`)).toEqual({ id: `load-${i}`, active: true, currentFingerprint: fp, issued: [fp] }));
  });
});
