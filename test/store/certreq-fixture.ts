// What the certreq tests share: certreq's output fixtures (test/fixtures/windows), a Japanese
// subject with the characters the INF must escape, and a real key with the request certreq
// would write for it; certreq's placeholder certificate made with openssl from that key.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyType } from '../../src/shared/policy';
import { buildCsr, derToPem, exportPkcs8, generateKeyPair } from '../../src/main/core/pki';
import { buildNameDer } from '../../src/main/core/pki/name';

export const FIX = join(__dirname, '..', 'fixtures', 'windows');
export const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

export const CN = '2.5.4.3';
export const O = '2.5.4.10';
export const C = '2.5.4.6';
// 山田 太郎, "経理" 100%: a Japanese CN with a comma, quotes and a percent sign.
export const JP_SUBJECT = buildNameDer([
  { oid: C, value: 'JP' },
  { oid: O, value: 'テスト銀行' },
  { oid: CN, value: '山田 太郎, "経理" 100%' },
]);

/** A real key and the request certreq would write for it, in certreq's PEM layout. */
export interface Made {
  keyPem: string;
  csrDer: Uint8Array;
  spki: Uint8Array;
  keyId: string;
  reqText: string;
}
export async function makeRequest(subjectDer: Uint8Array, keyType: KeyType = 'rsa2048'): Promise<Made> {
  const keys = await generateKeyPair(keyType);
  const csr = await buildCsr({ keys, subjectDer });
  const keyPem = derToPem(await exportPkcs8(keys.privateKey), 'PRIVATE KEY');
  const spki = new Uint8Array(new X509CertificateFromCsr(csr.der).spki);
  const b64 = Buffer.from(csr.der).toString('base64').replace(/(.{64})/g, '$1\r\n').replace(/\r\n$/, '');
  return { keyPem, csrDer: csr.der, spki, keyId: createHash('sha256').update(spki).digest('hex'), reqText: `-----BEGIN NEW CERTIFICATE REQUEST-----\r\n${b64}\r\n-----END NEW CERTIFICATE REQUEST-----\r\n` };
}

/** The SubjectPublicKeyInfo of a request, read with openssl (independent of the adapter's parser). */
class X509CertificateFromCsr {
  readonly spki: Buffer;
  constructor(csrDer: Uint8Array) {
    const pem = execFileSync('openssl', ['req', '-inform', 'DER', '-noout', '-pubkey'], { input: Buffer.from(csrDer) });
    this.spki = Buffer.from(pem.toString('utf8').replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  }
}

/** certreq's placeholder in CurrentUser\REQUEST: a self-signed certificate with the new key (written to `scratch` for openssl). */
export function placeholderCert(scratch: string, keyPem: string, subject = '/CN=placeholder'): Uint8Array {
  const keyFile = join(scratch, `k${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  return new Uint8Array(execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', subject, '-days', '2', '-outform', 'DER']));
}
