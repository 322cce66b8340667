// The bank's /csrattrs turned into the request CertDesk builds (requestShapeOf), and that
// request as openssl reads it: a hand-made CsrAttrs with items CertDesk can and cannot honour.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { defaultShape, readCsrAttrs, requestShapeOf } from '../../src/main/core/est/csrattrs';
import { buildCsr, generateKeyPair } from '../../src/main/core/pki';

const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const attr = (type: string, ...values: asn1js.AsnType[]) => new asn1js.Sequence({ value: [oid(type), new asn1js.Set({ value: values })] });

/** challengePassword, EC P-384, RSA 2048, an extensionRequest (keyUsage, extKeyUsage, subjectAltName), SHA-512, SHA-384, an unknown OID. */
const MIXED = new Uint8Array(
  new asn1js.Sequence({
    value: [
      oid('1.2.840.113549.1.9.7'),
      attr('1.2.840.10045.2.1', oid('1.3.132.0.34')),
      attr('1.2.840.113549.1.1.1', new asn1js.Integer({ value: 2048 })),
      attr('1.2.840.113549.1.9.14', oid('2.5.29.15'), oid('2.5.29.37'), oid('2.5.29.17')),
      oid('1.2.840.10045.4.3.4'),
      oid('1.2.840.10045.4.3.3'),
      oid('1.2.3.4'),
    ],
  }).toBER(false),
);

const IGNORED_BY_READING = [
  'challengePassword: CertDesk never puts a password into the request (取得 sends it in the HTTP Basic header only)',
  'ecPublicKey on secp384r1: CertDesk makes P-256 keys only',
  'extensionRequest (subjectAltName): CertDesk cannot fill it in',
  'ecdsa-with-SHA512: CertDesk signs with SHA-256 or SHA-384',
  '1.2.3.4: CertDesk does not add it to the request',
];

describe('requestShapeOf', () => {
  it('reads what it can honour and names the rest', () => {
    expect(readCsrAttrs(MIXED)).toEqual({
      keyType: 'rsa2048', hash: 'SHA-384', extensions: ['keyUsage', 'extKeyUsage'], ignored: IGNORED_BY_READING,
      // The same five as codes with parameters: each front end words them in its language.
      ignoredNotes: [{ code: 'CHALLENGE_PASSWORD' }, { code: 'EC_CURVE', curve: 'secp384r1' }, { code: 'EXTENSION_UNKNOWN', names: 'subjectAltName' }, { code: 'HASH_UNSUPPORTED', name: 'ecdsa-with-SHA512' }, { code: 'NOT_ADDED', name: '1.2.3.4' }],
    });
  });

  it('a policy that sets keyType keeps it; the bank\'s other key type is ignored, named', () => {
    const shape = requestShapeOf(readCsrAttrs(MIXED), { keyType: 'ecdsaP256', keyTypeSet: true });
    expect(shape).toMatchObject({ keyType: 'ecdsaP256', hash: 'SHA-384', honoured: ['signature hash SHA-384', 'keyUsage digitalSignature', 'extKeyUsage clientAuth'] });
    expect(shape.ignored).toEqual([...IGNORED_BY_READING, 'key type rsa2048: the policy sets keyType ecdsaP256']);
    expect(shape.attributesDer).toHaveLength(1);
  });

  it('a policy that leaves keyType at its default takes the key type the bank asks for', () => {
    const shape = requestShapeOf(readCsrAttrs(MIXED), { keyType: 'ecdsaP256', keyTypeSet: false });
    expect(shape.keyType).toBe('rsa2048');
    expect(shape.honoured[0]).toBe('key type rsa2048 (the policy leaves keyType at its default)');
  });

  it('no csrattrs (404, 501, empty): the policy\'s request, SHA-256, nothing extra', () => {
    expect(requestShapeOf(null, { keyType: 'rsa3072', keyTypeSet: false })).toEqual(defaultShape('rsa3072'));
    expect(defaultShape('rsa3072')).toEqual({ keyType: 'rsa3072', hash: 'SHA-256', attributesDer: [], honoured: [], ignored: [], notes: { honoured: [], ignored: [] } });
  });

  it('the request built from the shape: openssl verifies it and reads SHA-384, keyUsage digitalSignature (critical) and clientAuth', async () => {
    const shape = requestShapeOf(readCsrAttrs(MIXED), { keyType: 'ecdsaP256', keyTypeSet: true });
    const keys = await generateKeyPair(shape.keyType);
    const subjectDer = new Uint8Array(Buffer.from('3012311030 0e06035504030c0773686170652d31'.replace(/\s/g, ''), 'hex'));
    const csr = await buildCsr({ keys, subjectDer, hash: shape.hash, attributesDer: shape.attributesDer });
    const dir = mkdtempSync(join(tmpdir(), 'certdesk-shape-'));
    try {
      writeFileSync(join(dir, 'req.der'), csr.der);
      const text = execFileSync('openssl', ['req', '-inform', 'DER', '-in', join(dir, 'req.der'), '-noout', '-text', '-verify'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
      expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
      expect(text).not.toMatch(/challengePassword/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
