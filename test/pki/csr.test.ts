import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, derToPem, exportPkcs8, generateKeyPair, importPkcs8, inspectCertificate, pemToDer, subjectDerOf } from '../../src/main/core/pki';
import { OpensslLab, toPem, type TestCa } from './openssl';

let lab: OpensslLab;
let issuing: TestCa;

async function rejects(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return `${(e as CoreError).code}/${String((e as CoreError).detail?.reason ?? (e as CoreError).detail?.field)}`;
  }
  throw new Error('expected a CoreError');
}

beforeAll(() => {
  lab = new OpensslLab();
  issuing = lab.makeRoot('CSR Test CA');
});
afterAll(() => lab?.cleanup());

const ATTRS = [
  { oid: '2.5.4.6', value: 'JP' },
  { oid: '2.5.4.10', value: 'デモ信用金庫' },
  { oid: '2.5.4.11', value: 'Corporate IB', encoding: 'printable' as const },
  { oid: '2.5.4.3', value: 'DEMO0002' },
];

describe('keys and requests', () => {
  it.each(['rsa2048', 'ecdsaP256'] as const)('%s: openssl req -verify accepts the request; one attribute per RDN', async (type) => {
    const keys = await generateKeyPair(type);
    const { der, pem } = await buildCsr({ keys, subject: ATTRS });
    expect(pemToDer(pem, 'CERTIFICATE REQUEST')).toEqual([der]);
    const path = lab.write(`${type}.csr`, pem);
    const out = lab.run(['req', '-in', path, '-verify', '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus_space,-esc_msb,-space_eq']);
    expect(out.toString()).toContain('subject=C=JP, O=デモ信用金庫, OU=Corporate IB, CN=DEMO0002');
    // Four SETs (RDNs), the string types as asked, and an empty attribute set.
    const asn = lab.run(['asn1parse', '-inform', 'DER', '-in', lab.write(`${type}.der`, der)]).toString();
    expect(asn.match(/cons: SET\s*$/gm)?.length).toBe(4);
    expect(asn.match(/PRINTABLESTRING/g)?.length).toBe(2);
    expect(asn.match(/UTF8STRING/g)?.length).toBe(2);
    expect(asn).toMatch(/cont \[ 0 \]\s*$/m);
    expect(asn).toContain(type === 'rsa2048' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA256');
    // The PKCS#8 export is the same key openssl sees in the request.
    const keyPath = lab.write(`${type}.key`, derToPem(await exportPkcs8(keys.privateKey), 'PRIVATE KEY'));
    const pubFromKey = lab.run(['pkey', '-in', keyPath, '-pubout']).toString();
    const pubFromCsr = lab.run(['req', '-in', path, '-noout', '-pubkey']).toString();
    expect(pubFromCsr).toBe(pubFromKey);
  });

  it('rsa3072 keys have 3072 bits and import back with their type', async () => {
    const keys = await generateKeyPair('rsa3072');
    const pkcs8 = await exportPkcs8(keys.privateKey);
    const text = lab.run(['pkey', '-inform', 'DER', '-noout', '-text'], pkcs8).toString();
    expect(text).toContain('3072 bit');
    expect((await importPkcs8(pkcs8)).type).toBe('rsa3072');
  });

  it('renewal: the subject of a certificate goes byte-for-byte into the request and the next certificate', async () => {
    const { csrDer: oldCsr } = lab.request('/C=JP/O=デモ信用金庫/OU=法人IB/CN=DEMO0001');
    const current = lab.issue(issuing, oldCsr);
    const subjectDer = subjectDerOf(current);
    const keys = await generateKeyPair('rsa2048');
    const { der } = await buildCsr({ keys, subjectDer });
    expect(Buffer.from(der).indexOf(Buffer.from(subjectDer))).toBeGreaterThan(0);
    lab.run(['req', '-inform', 'DER', '-in', lab.write('renew.der', der), '-verify', '-noout']);
    const next = lab.issue(issuing, der);
    expect(Buffer.from(subjectDerOf(next)).equals(Buffer.from(subjectDer))).toBe(true);
    expect(inspectCertificate(next).subject.text).toBe('C=JP, O=デモ信用金庫, OU=法人IB, CN=DEMO0001');
  });

  it('keeps a multi-valued RDN and odd string types as they were', async () => {
    const cnf = lab.write('mv.cnf', '[req]\ndistinguished_name=dn\nprompt=no\nstring_mask=default\n[dn]\nC=JP\nO=Bank\n1.CN=a\n+UID=u1\n');
    const key = lab.path('mv.key');
    lab.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    const cert = new Uint8Array(lab.run(['req', '-x509', '-new', '-key', key, '-config', cnf, '-multivalue-rdn', '-subj', '/C=JP/O=Bank/CN=a+UID=u1', '-outform', 'DER']));
    const d = inspectCertificate(cert);
    expect(d.subject.rdns.length).toBe(3);
    expect(d.subject.rdns[2]!.map((a) => a.name).sort()).toEqual(['CN', 'UID']);
    const { der } = await buildCsr({ keys: await generateKeyPair('ecdsaP256'), subjectDer: subjectDerOf(cert) });
    expect(Buffer.from(der).indexOf(Buffer.from(subjectDerOf(cert)))).toBeGreaterThan(0);
  });

  it('reads openssl-made PKCS#8 keys', async () => {
    const pkcs8 = (genpkeyArgs: string[]) => {
      const pem = lab.run(['genpkey', ...genpkeyArgs]);
      return new Uint8Array(lab.run(['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], pem));
    };
    expect((await importPkcs8(pkcs8(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']))).type).toBe('ecdsaP256');
    expect((await importPkcs8(pkcs8(['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']))).type).toBe('rsa2048');
    expect(await rejects(importPkcs8(pkcs8(['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'])))).toBe('INVALID_INPUT/UNSUPPORTED_KEY');
    expect(await rejects(importPkcs8(pkcs8(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'])))).toBe('INVALID_INPUT/UNSUPPORTED_KEY');
    expect(await rejects(importPkcs8(pkcs8(['-algorithm', 'ED25519'])))).toBe('INVALID_INPUT/UNSUPPORTED_KEY');
  });

  it('rejects bad inputs with CoreErrors', async () => {
    const keys = await generateKeyPair('ecdsaP256');
    expect(await rejects(buildCsr({ keys }))).toBe('INVALID_INPUT/subject');
    expect(await rejects(buildCsr({ keys, subject: ATTRS, subjectDer: new Uint8Array([0x30, 0]) }))).toBe('INVALID_INPUT/subject');
    expect(await rejects(buildCsr({ keys, subject: [{ oid: 'cn', value: 'x' }] }))).toBe('INVALID_INPUT/subject');
    expect(await rejects(buildCsr({ keys, subject: [{ oid: '2.5.4.3', value: '' }] }))).toBe('INVALID_INPUT/subject');
    expect(await rejects(buildCsr({ keys, subject: [{ oid: '2.5.4.10', value: '信用', encoding: 'printable' }] }))).toBe('INVALID_INPUT/subject');
    expect(await rejects(buildCsr({ keys, subjectDer: new Uint8Array([0x30, 0x06, 0x31, 0x04, 0x30, 0x02, 0x05, 0x00]) }))).toBe('INVALID_INPUT/BAD_NAME');
    expect(await rejects(buildCsr({ keys, subjectDer: new Uint8Array([0x30, 0x05]) }))).toBe('INVALID_INPUT/TRUNCATED');
    expect(await rejects(importPkcs8(new Uint8Array([1, 2, 3])))).toBe('INVALID_INPUT/TRUNCATED');
    expect(await rejects(importPkcs8(new Uint8Array([5, 0])))).toBe('INVALID_INPUT/UNSUPPORTED_KEY');
    expect(await rejects(generateKeyPair('rsa1024' as never))).toBe('INVALID_INPUT/keyType');
    const fixed = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    expect(await rejects(exportPkcs8(fixed.privateKey))).toBe('INVALID_INPUT/key');
    expect(await rejects(exportPkcs8(fixed.publicKey))).toBe('INVALID_INPUT/key');
    expect(toPem(new Uint8Array([1]))).toContain('BEGIN');
  });
});
