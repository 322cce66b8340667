import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, buildPkcs12, exportPkcs8, generateKeyPair, pemToDer } from '../../src/main/core/pki';
import { bmpPassword, pkcs12Kdf } from '../../src/main/core/pki/pkcs12-kdf';
import { OpensslLab, type TestCa } from './openssl';

let lab: OpensslLab;
let root: TestCa;
let issuing: TestCa;
let pkcs8: Uint8Array;
let cert: Uint8Array;
const PASSWORD = 'pW-42_ランダム';
const NAME = 'デモ信用金庫 DEMO0001';

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return `${(e as CoreError).code}/${String((e as CoreError).detail?.reason ?? (e as CoreError).detail?.field)}`;
  }
  return 'OK';
}

beforeAll(async () => {
  lab = new OpensslLab();
  root = lab.makeRoot('P12 Root CA');
  issuing = lab.makeCa('P12 Issuing CA', root);
  const keys = await generateKeyPair('rsa2048');
  pkcs8 = await exportPkcs8(keys.privateKey);
  cert = lab.issue(issuing, (await buildCsr({ keys, subject: [{ oid: '2.5.4.6', value: 'JP' }, { oid: '2.5.4.3', value: 'DEMO0001' }] })).der);
});
afterAll(() => lab?.cleanup());

describe('PKCS#12 KDF (RFC 7292 B.2)', () => {
  it('matches the published test vectors', () => {
    const hex = (s: string) => Buffer.from(s, 'hex');
    const kdf = (pw: string, salt: string, id: number, it: number, n: number) => Buffer.from(pkcs12Kdf('sha1', bmpPassword(pw), hex(salt), id, it, n)).toString('hex').toUpperCase();
    expect(kdf('smeg', '0A58CF64530D823F', 1, 1, 24)).toBe('8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3');
    expect(kdf('smeg', '0A58CF64530D823F', 2, 1, 8)).toBe('79993DFE048D3B76');
    expect(kdf('queeg', '05DEC959ACFF72F7', 1, 1000, 24)).toBe('ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4');
    expect(kdf('queeg', '05DEC959ACFF72F7', 2, 1000, 8)).toBe('11DEDAD7758D4860');
  });
});

describe.each(['modern', 'legacy'] as const)('buildPkcs12 %s', (profile) => {
  let file: string;
  let p12: Uint8Array;
  beforeAll(async () => {
    p12 = await buildPkcs12({ privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [issuing.der, root.der], friendlyName: NAME, password: PASSWORD, profile });
    file = lab.write(`ours-${profile}.p12`, p12);
  });

  it('openssl pkcs12 -info reads it with the password, with the profile\'s algorithms, and refuses a wrong one', () => {
    const args = ['pkcs12', '-info', '-in', file, '-nodes', ...(profile === 'legacy' ? ['-legacy'] : [])];
    const r = lab.tryRun('openssl', [...args, '-passin', `pass:${PASSWORD}`]);
    expect(r.code, r.stderr).toBe(0);
    const info = r.stderr + r.stdout;
    if (profile === 'modern') {
      expect(info).toMatch(/MAC: sha256, Iteration 2048/);
      expect(info).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
      expect(info).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/);
    } else {
      expect(info).toMatch(/MAC: sha1, Iteration 2048/);
      expect(info).toMatch(/Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
      expect(info).toMatch(/PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048/);
    }
    expect(pemToDer(r.stdout, 'CERTIFICATE')).toEqual([cert, issuing.der, root.der]);
    const keyOut = pemToDer(r.stdout, 'PRIVATE KEY')[0]!;
    expect(Buffer.from(keyOut).equals(Buffer.from(pkcs8))).toBe(true);
    expect(r.stdout).toContain('localKeyID:');
    const wrong = lab.tryRun('openssl', [...args, '-passin', 'pass:wrong']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/mac verify (failure|error)/i);
  });

  it('pk12util imports it into an NSS db, key and certificate', () => {
    const db = mkdtempSync(join(tmpdir(), 'certdesk-nss-'));
    try {
      execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      const pwFile = join(db, 'pw.txt');
      writeFileSync(pwFile, PASSWORD, { mode: 0o600 });
      const imp = spawnSync('pk12util', ['-i', file, '-d', `sql:${db}`, '-w', pwFile, '-K', ''], { encoding: 'utf8' });
      expect(imp.status, imp.stderr + imp.stdout).toBe(0);
      const list = execFileSync('certutil', ['-L', '-d', `sql:${db}`], { encoding: 'utf8' });
      expect(list).toContain(NAME);
      const keys = execFileSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8' });
      expect(keys).toContain(NAME);
      const pem = execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-n', NAME, '-a'], { encoding: 'utf8' });
      expect(pemToDer(pem)).toEqual([cert]);
      writeFileSync(pwFile, 'wrong', { mode: 0o600 });
      const bad = spawnSync('pk12util', ['-i', file, '-d', `sql:${db}`, '-w', pwFile, '-K', ''], { encoding: 'utf8' });
      expect(bad.status).not.toBe(0);
    } finally {
      rmSync(db, { recursive: true, force: true });
    }
  });
});

describe('buildPkcs12 refusals', () => {
  it('answers bad arguments with CoreErrors', async () => {
    const other = await exportPkcs8((await generateKeyPair('ecdsaP256')).privateKey);
    const base = { privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [], friendlyName: 'x', password: PASSWORD, profile: 'modern' as const };
    expect(await reason(buildPkcs12({ ...base, privateKeyPkcs8: other }))).toBe('INVALID_INPUT/KEY_MISMATCH');
    expect(await reason(buildPkcs12({ ...base, password: '' }))).toBe('INVALID_INPUT/password');
    expect(await reason(buildPkcs12({ ...base, profile: 'rc2' as never }))).toBe('INVALID_INPUT/profile');
    expect(await reason(buildPkcs12({ ...base, chainDer: [new Uint8Array([0x30, 0])] }))).toBe('INVALID_INPUT/BAD_CERTIFICATE');
    expect(await reason(buildPkcs12({ ...base, privateKeyPkcs8: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }))).toBe('INVALID_INPUT/BAD_KEY');
  });
});
