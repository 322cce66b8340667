import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCertsOnly, derToPem, inspectCertificate, parseCertsOnly, pemToDer, sha1Hex, sha256Hex, subjectDerOf } from '../../src/main/core/pki';
import { OpensslLab, toPem, type TestCa } from './openssl';

const JP_SUBJECT = '/C=JP/O=デモ信用金庫/OU=法人IB/CN=DEMO0001';

let lab: OpensslLab;
let root: TestCa;
let issuing: TestCa;
let leaf: Uint8Array;
let cmsDer: Uint8Array;

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    const err = e as CoreError;
    expect(err.message.length).toBeGreaterThan(10);
    return `${err.code}/${String(err.detail?.reason)}`;
  }
  throw new Error('expected a CoreError');
}

beforeAll(() => {
  lab = new OpensslLab();
  root = lab.makeRoot('Test Root CA');
  issuing = lab.makeCa('Test Issuing CA', root);
  const { csrDer } = lab.request(JP_SUBJECT);
  leaf = lab.issue(issuing, csrDer, {
    ext: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth,emailProtection',
      'subjectAltName=email:demo@example.jp,DNS:demo.example.jp,IP:127.0.0.1'],
  });
  lab.write('leaf.pem', toPem(leaf));
  lab.write('chain.pem', toPem(leaf) + toPem(issuing.der) + toPem(root.der));
  cmsDer = new Uint8Array(lab.run(['crl2pkcs7', '-nocrl', '-certfile', lab.path('chain.pem'), '-outform', 'DER']));
});
afterAll(() => lab?.cleanup());

describe('pem, der and digests', () => {
  it('round-trips PEM and matches openssl fingerprints', () => {
    const pem = derToPem(leaf, 'CERTIFICATE');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
    expect(pemToDer(pem)).toEqual([leaf]);
    expect(pemToDer(pem.replace(/\n/g, '\r\n') + toPem(root.der), 'CERTIFICATE')).toEqual([leaf, root.der]);
    expect(lab.run(['x509', '-noout', '-subject'], pem).toString()).toContain('DEMO0001');
    const fp = (alg: string) => lab.run(['x509', '-noout', '-fingerprint', `-${alg}`, '-in', lab.path('leaf.pem')]).toString().split('=')[1]!.trim().replace(/:/g, '').toLowerCase();
    expect(sha256Hex(leaf)).toBe(fp('sha256'));
    expect(sha1Hex(leaf)).toBe(fp('sha1'));
  });

  it('rejects PEM without blocks or with broken base64', () => {
    expect(reasonOf(() => pemToDer('hello'))).toBe('INVALID_INPUT/NO_PEM');
    expect(reasonOf(() => pemToDer('-----BEGIN X-----\nab$d\n-----END X-----\n'))).toBe('INVALID_INPUT/BAD_BASE64');
    expect(reasonOf(() => pemToDer(toPem(leaf), 'PKCS7'))).toBe('INVALID_INPUT/NO_PEM');
  });
});

describe('parseCertsOnly', () => {
  it('reads openssl certs-only CMS in every transfer form', () => {
    const b64 = Buffer.from(cmsDer).toString('base64');
    const lines = b64.replace(/(.{64})/g, '$1\n');
    const forms: Array<Uint8Array | string> = [
      cmsDer,
      b64,
      lines,
      lines + '\n',
      lines.replace(/\n/g, '\r\n') + '\r\n',
      b64.replace(/(.{76})/g, '$1\r\n'),
      new Uint8Array(Buffer.from(lines)),
      toPem(cmsDer, 'PKCS7'),
    ];
    for (const f of forms) expect(parseCertsOnly(f)).toEqual([leaf, issuing.der, root.der]);
  });

  it('builds certs-only CMS that openssl pkcs7 reads to the same certificates', () => {
    const ours = buildCertsOnly([leaf, issuing.der]);
    const printed = lab.run(['pkcs7', '-inform', 'DER', '-print_certs'], ours).toString();
    expect(pemToDer(printed, 'CERTIFICATE')).toEqual([leaf, issuing.der]);
    expect(parseCertsOnly(ours)).toEqual([leaf, issuing.der]);
    // openssl's own re-encoding of ours parses to the same list.
    const viaOpenssl = new Uint8Array(lab.run(['pkcs7', '-inform', 'DER', '-outform', 'DER'], ours));
    expect(parseCertsOnly(viaOpenssl)).toEqual([leaf, issuing.der]);
  });

  it('gives each malformed body its own reason', () => {
    const good = Buffer.from(cmsDer).toString('base64');
    expect(reasonOf(() => parseCertsOnly(good.slice(0, 10) + '*' + good.slice(10)))).toBe('BAD_RESPONSE/BAD_BASE64');
    expect(reasonOf(() => parseCertsOnly(''))).toBe('BAD_RESPONSE/BAD_BASE64');
    expect(reasonOf(() => parseCertsOnly(new Uint8Array()))).toBe('BAD_RESPONSE/BAD_BASE64');
    expect(reasonOf(() => parseCertsOnly(undefined as never))).toBe('BAD_RESPONSE/MALFORMED');
    expect(reasonOf(() => inspectCertificate(undefined as never))).toBe('BAD_RESPONSE/BAD_CERTIFICATE');
    expect(reasonOf(() => parseCertsOnly(cmsDer.subarray(0, cmsDer.length - 7)))).toBe('BAD_RESPONSE/TRUNCATED');
    expect(reasonOf(() => parseCertsOnly(Buffer.concat([cmsDer, Buffer.from([0, 0])])))).toBe('BAD_RESPONSE/TRAILING_DATA');
    expect(reasonOf(() => parseCertsOnly(leaf))).toBe('BAD_RESPONSE/MALFORMED');

    const data = lab.write('data.txt', 'hello');
    const idData = new Uint8Array(lab.run(['cms', '-data_create', '-in', data, '-outform', 'DER']));
    expect(reasonOf(() => parseCertsOnly(idData))).toBe('BAD_RESPONSE/WRONG_CONTENT_TYPE');

    const empty = new Uint8Array(lab.run(['crl2pkcs7', '-nocrl', '-outform', 'DER']));
    expect(reasonOf(() => parseCertsOnly(empty))).toBe('BAD_RESPONSE/NO_CERTIFICATES');

    const signed = new Uint8Array(lab.run(['cms', '-sign', '-in', data, '-signer', issuing.certPath, '-inkey', issuing.keyPath, '-outform', 'DER', '-nodetach']));
    expect(reasonOf(() => parseCertsOnly(signed))).toBe('BAD_RESPONSE/HAS_SIGNERS');

    const junkCert = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x05]);
    expect(reasonOf(() => parseCertsOnly(buildCertsOnly([leaf, junkCert])))).toBe('BAD_RESPONSE/BAD_CERTIFICATE');
  });
});

describe('inspectCertificate', () => {
  it('agrees with openssl x509 on every field', () => {
    const d = inspectCertificate(leaf);
    const x = (...a: string[]) => lab.run(['x509', '-noout', '-in', lab.path('leaf.pem'), ...a]).toString().trim();
    expect(d.subject.text).toBe('C=JP, O=デモ信用金庫, OU=法人IB, CN=DEMO0001');
    expect(d.subject.rdns.map((r) => r.map((a) => `${a.name}:${a.encoding}`))).toEqual([['C:PrintableString'], ['O:UTF8String'], ['OU:UTF8String'], ['CN:UTF8String']]);
    expect(x('-subject', '-nameopt', 'utf8,sep_comma_plus_space,-esc_msb,-space_eq')).toBe(`subject=${d.subject.text}`);
    expect(x('-issuer', '-nameopt', 'utf8,sep_comma_plus_space,-esc_msb,-space_eq')).toBe(`issuer=${d.issuer.text}`);
    expect(x('-serial')).toBe(`serial=${d.serialHex.toUpperCase()}`);
    expect(new Date(x('-startdate').split('=')[1]!).toISOString()).toBe(d.notBefore);
    expect(new Date(x('-enddate').split('=')[1]!).toISOString()).toBe(d.notAfter);
    expect(d.sha256).toBe(sha256Hex(leaf));
    expect(d.keyAlgorithm).toBe('EC');
    expect(d.keySize).toBe(256);
    expect(d.curve).toBe('P-256');
    expect(d.keyUsage).toEqual(['digitalSignature']);
    expect(d.extendedKeyUsage).toEqual(['clientAuth', 'emailProtection']);
    expect(d.subjectAltNames).toEqual(['email:demo@example.jp', 'DNS:demo.example.jp', 'IP:127.0.0.1']);
    expect(d.isCA).toBe(false);
    expect(d.facts).toEqual({ clientAuthUsable: true, selfSigned: false });
    expect(pemToDer(d.pem)).toEqual([leaf]);
  });

  it('reads CAs and RSA keys', () => {
    const r = inspectCertificate(root.der);
    expect(r.isCA).toBe(true);
    expect(r.facts.selfSigned).toBe(true);
    expect(r.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    const { csrDer } = lab.request('/CN=rsa-user', 'rsa');
    const rsa = inspectCertificate(lab.issue(issuing, csrDer, { ext: ['extendedKeyUsage=serverAuth'] }));
    expect([rsa.keyAlgorithm, rsa.keySize, rsa.facts.clientAuthUsable]).toEqual(['RSA', 2048, false]);
  });

  it('returns the subject bytes exactly and rejects junk with a CoreError', () => {
    const d = subjectDerOf(leaf);
    expect(Buffer.from(leaf).includes(Buffer.from(d))).toBe(true);
    const opensslSubject = lab.run(['x509', '-in', lab.path('leaf.pem'), '-noout', '-subject', '-nameopt', 'RFC2253']);
    expect(opensslSubject.toString()).toContain('CN=DEMO0001');
    expect(reasonOf(() => inspectCertificate(leaf.subarray(0, 100)))).toBe('BAD_RESPONSE/BAD_CERTIFICATE');
    expect(reasonOf(() => inspectCertificate(cmsDer))).toBe('BAD_RESPONSE/BAD_CERTIFICATE');
    expect(reasonOf(() => subjectDerOf(new Uint8Array([1, 2, 3])))).toBe('INVALID_INPUT/BAD_CERTIFICATE');
  });
});
