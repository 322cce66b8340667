import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, buildPkcs12, derToPem, exportPkcs8, generateKeyPair, pemToDer, readPkcs12 } from '../../src/main/core/pki';
import { bmpPassword, pkcs12Kdf } from '../../src/main/core/pki/pkcs12-kdf';
import { rc2CbcDecrypt } from '../../src/main/core/pki/rc2';
import { der } from '../../src/main/core/pki/encoding';
import { OpensslLab, toPem, type TestCa } from './openssl';

let lab: OpensslLab;
let root: TestCa;
let issuing: TestCa;
let pkcs8: Uint8Array;
let cert: Uint8Array;
let keyPath: string;
let certPath: string;
let chainPath: string;
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
  keyPath = lab.write('id.key', derToPem(pkcs8, 'PRIVATE KEY'));
  certPath = lab.write('id.pem', toPem(cert));
  chainPath = lab.write('chain.pem', toPem(issuing.der) + toPem(root.der));
});
afterAll(() => lab?.cleanup());

describe('PKCS#12 KDF (RFC 7292 B.2)', () => {
  it('RC2 matches the RFC 2268 vectors', () => {
    const h = (s: string) => Buffer.from(s, 'hex');
    const z = h('0000000000000000');
    expect(Buffer.from(rc2CbcDecrypt(h('0000000000000000'), 63, z, h('ebb773f993278eff'), false)!).toString('hex')).toBe('0000000000000000');
    expect(Buffer.from(rc2CbcDecrypt(h('ffffffffffffffff'), 64, z, h('278b27e42e2f0d49'), false)!).toString('hex')).toBe('ffffffffffffffff');
    expect(Buffer.from(rc2CbcDecrypt(h('3000000000000000'), 64, z, h('30649edf9be7d2c2'), false)!).toString('hex')).toBe('1000000000000001');
  });

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

  it('readPkcs12 reads it back and refuses a wrong password', async () => {
    expect(await readPkcs12(p12, PASSWORD)).toEqual({ privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [issuing.der, root.der] });
    expect(await reason(readPkcs12(p12, 'wrong'))).toBe('INVALID_INPUT/BAD_PASSWORD');
  });
});

describe('readPkcs12 on files made by others', () => {
  const exportArgs = () => ['pkcs12', '-export', '-inkey', keyPath, '-in', certPath, '-certfile', chainPath, '-passout', `pass:${PASSWORD}`, '-name', 'x'];
  const expected = () => ({ privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [issuing.der, root.der] });

  it('openssl defaults (PBES2/AES-256, SHA-256 MAC)', async () => {
    const p12 = lab.run([...exportArgs()]);
    expect(await readPkcs12(p12, PASSWORD)).toEqual(expected());
  });

  it('openssl 3DES with a SHA-1 MAC', async () => {
    const p12 = lab.run([...exportArgs(), '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    expect(await readPkcs12(p12, PASSWORD)).toEqual(expected());
  });

  it('openssl AES-128 with PBKDF2-SHA1 and no MAC; unencrypted certificates', async () => {
    const p12 = lab.run([...exportArgs(), '-keypbe', 'AES-128-CBC', '-certpbe', 'NONE', '-nomac']);
    expect(await readPkcs12(p12, PASSWORD)).toEqual(expected());
    // Without a MAC a wrong password shows as a padding failure, still BAD_PASSWORD.
    expect(await reason(readPkcs12(p12, 'wrong'))).toBe('INVALID_INPUT/BAD_PASSWORD');
  });

  it('openssl -legacy defaults (RC2-40 certificates, 3DES key, SHA-1 MAC)', async () => {
    const p12 = lab.run([...exportArgs(), '-legacy']);
    const info = lab.tryRun('openssl', ['pkcs12', '-info', '-noout', '-legacy', '-passin', `pass:${PASSWORD}`], p12);
    expect(info.stderr).toContain('pbeWithSHA1And40BitRC2-CBC');
    expect(await readPkcs12(p12, PASSWORD)).toEqual(expected());
    expect(await reason(readPkcs12(p12, 'wrong'))).toBe('INVALID_INPUT/BAD_PASSWORD');
    const p12rc2 = lab.run([...exportArgs(), '-legacy', '-keypbe', 'PBE-SHA1-RC2-128', '-certpbe', 'PBE-SHA1-RC2-128']);
    expect(await readPkcs12(p12rc2, PASSWORD)).toEqual(expected());
  });

  it('an unknown encryption is refused with a clear reason', async () => {
    const p12 = Buffer.from(await buildPkcs12({ privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [], friendlyName: 'x', password: PASSWORD, profile: 'legacy' }));
    // Rename the 3DES PBE OID (…12.1.3) to an unknown one (…12.1.9): the reader must say so.
    const oid = Buffer.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03]);
    const at = p12.indexOf(oid);
    expect(at).toBeGreaterThan(0);
    p12[at + oid.length - 1] = 0x09;
    // With the MAC the change shows as a wrong password; without it (openssl -nomac) as what it is.
    expect(await reason(readPkcs12(p12, PASSWORD))).toBe('INVALID_INPUT/BAD_PASSWORD');
    const [version, authSafe] = (asn1js.fromBER(p12).result.valueBlock as unknown as { value: asn1js.AsnType[] }).value;
    const noMac = der.seq(version!.valueBeforeDecodeView, authSafe!.valueBeforeDecodeView);
    expect(await reason(readPkcs12(noMac, PASSWORD))).toBe('INVALID_INPUT/UNSUPPORTED_ALGORITHM');
  });

  it('an NSS export (pk12util -o)', async () => {
    const db = mkdtempSync(join(tmpdir(), 'certdesk-nss-'));
    try {
      execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
      const pwFile = join(db, 'pw.txt');
      writeFileSync(pwFile, PASSWORD, { mode: 0o600 });
      const ours = lab.write('for-nss.p12', await buildPkcs12({ privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [issuing.der], friendlyName: 'nss-id', password: PASSWORD, profile: 'modern' }));
      execFileSync('pk12util', ['-i', ours, '-d', `sql:${db}`, '-w', pwFile, '-K', '']);
      const out = join(db, 'out.p12');
      execFileSync('pk12util', ['-o', out, '-n', 'nss-id', '-d', `sql:${db}`, '-w', pwFile, '-K', '']);
      const read = await readPkcs12(readFileSync(out), PASSWORD);
      expect(read.certificateDer).toEqual(cert);
      expect(Buffer.from(read.privateKeyPkcs8).equals(Buffer.from(pkcs8))).toBe(true);
    } finally {
      rmSync(db, { recursive: true, force: true });
    }
  });

  it('answers bad files and bad arguments with CoreErrors', async () => {
    const p12 = await buildPkcs12({ privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [], friendlyName: '', password: PASSWORD, profile: 'modern' });
    expect(await reason(readPkcs12(p12.subarray(0, p12.length - 10), PASSWORD))).toBe('INVALID_INPUT/MALFORMED');
    expect(await reason(readPkcs12(cert, PASSWORD))).toBe('INVALID_INPUT/MALFORMED');
    expect(await reason(readPkcs12(new Uint8Array(), PASSWORD))).toBe('INVALID_INPUT/MALFORMED');
    const other = await exportPkcs8((await generateKeyPair('ecdsaP256')).privateKey);
    const base = { privateKeyPkcs8: pkcs8, certificateDer: cert, chainDer: [], friendlyName: 'x', password: PASSWORD, profile: 'modern' as const };
    expect(await reason(buildPkcs12({ ...base, privateKeyPkcs8: other }))).toBe('INVALID_INPUT/KEY_MISMATCH');
    expect(await reason(buildPkcs12({ ...base, password: '' }))).toBe('INVALID_INPUT/password');
    expect(await reason(buildPkcs12({ ...base, profile: 'rc2' as never }))).toBe('INVALID_INPUT/profile');
    expect(await reason(buildPkcs12({ ...base, chainDer: [new Uint8Array([0x30, 0])] }))).toBe('INVALID_INPUT/BAD_CERTIFICATE');
    expect(await reason(buildPkcs12({ ...base, privateKeyPkcs8: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }))).toBe('INVALID_INPUT/BAD_KEY');
    // Only a key, no certificate (openssl -nocerts).
    const keyOnly = lab.run(['pkcs12', '-export', '-nocerts', '-inkey', keyPath, '-passout', `pass:${PASSWORD}`]);
    expect(await reason(readPkcs12(keyOnly, PASSWORD))).toBe('INVALID_INPUT/NO_CERTIFICATE');
    const certOnly = lab.run(['pkcs12', '-export', '-nokeys', '-in', certPath, '-passout', `pass:${PASSWORD}`]);
    expect(await reason(readPkcs12(certOnly, PASSWORD))).toBe('INVALID_INPUT/NO_KEY');
  });
});
