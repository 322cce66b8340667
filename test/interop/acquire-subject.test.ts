// The subject of a 取得 request against a bank that needs a commonName: empty without a
// policy template (the error names the field that fixes it), the policy's acquireSubject
// with the login ID put in otherwise; the template checked when the policy loads.
import { chmodSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { subjectFromTemplate } from '../../src/main/core/pki';
import { BankServer } from '../bank/server';
import { bankCertificates, ensureKeyring, rm, run, tempDir } from '../support/cli-world';
import { serviceFor } from './support';

let bank: BankServer;
let work: string;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-acquire-subject-');
  bank = await BankServer.start({ dataDir: join(work, 'bank'), requireCommonName: true });
});
afterAll(async () => {
  await bank?.stop();
  chmodSync(work, 0o700);
  await rm(work, { recursive: true, force: true });
});

async function subjectOf(pem: string): Promise<string> {
  const r = await run('openssl', ['x509', '-noout', '-subject', '-nameopt', 'multiline,show_type,utf8,-esc_msb'], { input: pem });
  return r.stdout.trim();
}

describe('acquireSubject against a bank that needs a commonName', { timeout: 120_000 }, () => {
  it('without it the request has an empty subject, and the error says which policy field gives one', async () => {
    const { service, db } = await serviceFor(bank, join(work, `s${++n}`));
    await bank.addAccount('cn-none', 'pw-cn');
    const r = await service.acquire({ loginId: 'cn-none', password: 'pw-cn' });
    expect(r.ok).toBe(false);
    const error = r.ok ? null : r.error;
    expect(error?.code).toBe('SERVER_ERROR');
    expect(error?.message).toContain('acquireSubject');
    expect(error?.message).toContain('commonName field needed to be supplied');
    expect(error?.detail).toMatchObject({ status: 500, reason: 'SUBJECT_REQUIRED', field: 'acquireSubject' });
    expect(await bankCertificates(db, bank.trustAnchorPem)).toEqual([]);
    expect(bank.account('cn-none')?.issued).toEqual([]);
  });

  it('with "CN={loginId},O=…" the bank issues the certificate with that subject, UTF8String, one attribute per RDN', async () => {
    const { service, db } = await serviceFor(bank, join(work, `s${++n}`), { acquireSubject: 'CN={loginId},O=デモ商事 株式会社' });
    await bank.addAccount('cn-1', 'pw-cn');
    const r = await service.acquire({ loginId: 'cn-1', password: 'pw-cn' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const mine = await bankCertificates(db, bank.issuingCaPem);
    expect(mine.map((c) => c.sha256)).toEqual([r.ok && r.value.certificate.sha256]);
    expect(await subjectOf(mine[0]!.pem)).toBe('subject=\n    organizationName          = UTF8STRING:デモ商事 株式会社\n    commonName                = UTF8STRING:cn-1');
  });

  it('"CN={loginId}" alone: the login ID as the only attribute', async () => {
    const { service, db } = await serviceFor(bank, join(work, `s${++n}`), { acquireSubject: 'CN={loginId}' });
    await bank.addAccount('cn-2', 'pw-cn');
    const r = await service.acquire({ loginId: 'cn-2', password: 'pw-cn' });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const [cert] = await bankCertificates(db, bank.issuingCaPem);
    expect(await subjectOf(cert!.pem)).toBe('subject=\n    commonName                = UTF8STRING:cn-2');
  });

  it('a login ID with DN syntax in it stays one value (the template is parsed before the ID is put in)', () => {
    const der = subjectFromTemplate('CN={loginId}', 'a,O=evil+OU=x');
    const text = Buffer.from(der).toString('utf8');
    expect(text).toContain('a,O=evil+OU=x');
    // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String } } }: one RDN.
    expect(der[2]).toBe(0x31);
    expect(der[1]).toBe(der.length - 2);
    expect(der[3]).toBe(der.length - 4);
  });

  it.each([
    ['a multi-valued RDN', 'CN={loginId}+O=x', 'has a multi-valued RDN'],
    ['an unknown attribute', 'XX={loginId}', 'names the attribute "XX"'],
    ['an unknown placeholder', 'CN={user}', 'has the placeholder {user}'],
    ['no NAME=value', 'CN={loginId},just text', 'has "just text", which is not NAME=value'],
    ['an empty value', 'CN={loginId},O=', 'gives O an empty value'],
    ['an empty text', '', 'must have at least 1 character'],
  ])('the policy refuses %s in acquireSubject, naming the field', async (_what, template, words) => {
    const dir = join(work, `p${++n}`);
    await run('mkdir', ['-p', dir]);
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ bankName: 'x', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, acquireSubject: template }));
    const e = await loadPolicy({ file }).then(() => null, (err: unknown) => err as { code: string; message: string; detail: Record<string, unknown> });
    expect(e?.code).toBe('POLICY_INVALID');
    expect(e?.detail.field).toBe('acquireSubject');
    expect(e?.message).toContain(`acquireSubject ${words}`);
  });

  it('the policy accepts escapes, spaces, dotted OIDs and case-insensitive names', async () => {
    const dir = join(work, `p${++n}`);
    await run('mkdir', ['-p', dir]);
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ bankName: 'x', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, acquireSubject: 'cn = {loginId} , 2.5.4.10=A\\, B' }));
    const { policy } = await loadPolicy({ file });
    const der = subjectFromTemplate(policy.acquireSubject!, 'id-9');
    await writeFile(join(dir, 'name.der'), der);
    const r = await run('openssl', ['asn1parse', '-inform', 'DER', '-in', join(dir, 'name.der')]);
    expect(r.stdout).toMatch(/organizationName\s*\n.*UTF8STRING\s*:A, B\s*\n[\s\S]*commonName\s*\n.*UTF8STRING\s*:id-9/);
  });
});
