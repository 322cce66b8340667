// Property test: mutated and random inputs end in a CoreError or a result that is right,
// never in another exception or a hang.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCertsOnly, inspectCertificate, parseCertsOnly, pemToDer, sha256Hex } from '../../src/main/core/pki';
import { fuzzParams } from '../support/seed';
import { OpensslLab, toPem } from './openssl';

type Mutation =
  | { kind: 'set'; pos: number; value: number }
  | { kind: 'truncate'; pos: number }
  | { kind: 'insert'; pos: number; bytes: Uint8Array }
  | { kind: 'delete'; pos: number; len: number }
  | { kind: 'dup'; pos: number; len: number };

// Half the positions land in the first bytes, where tags and lengths live.
const pos = fc.oneof(fc.nat(48), fc.nat(1 << 16));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pos, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), pos }),
  fc.record({ kind: fc.constant('insert' as const), pos, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), pos, len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('dup' as const), pos, len: fc.integer({ min: 1, max: 64 }) }),
);

function apply(seed: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Buffer.from(seed);
  for (const m of ms) {
    const p = b.length === 0 ? 0 : m.pos % b.length;
    if (m.kind === 'set') {
      b = Buffer.from(b);
      if (b.length > 0) b[p] = m.value;
    } else if (m.kind === 'truncate') b = b.subarray(0, p);
    else if (m.kind === 'insert') b = Buffer.concat([b.subarray(0, p), m.bytes, b.subarray(p)]);
    else if (m.kind === 'delete') b = Buffer.concat([b.subarray(0, p), b.subarray(p + m.len)]);
    else b = Buffer.concat([b.subarray(0, p + m.len), b.subarray(p, p + m.len), b.subarray(p + m.len)]);
  }
  return new Uint8Array(b);
}

const mutated = (seed: fc.Arbitrary<Uint8Array>) => fc.tuple(seed, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([s, ms]) => apply(s, ms));

/** Runs fn; a CoreError is a fine answer, anything else thrown fails the property. */
function settle<T>(fn: () => T): T | CoreError {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CoreError && e.code && e.message) return e;
    throw e;
  }
}

let lab: OpensslLab;
let cms: Uint8Array;
let certs: Uint8Array[];
const accepted: { cms: Uint8Array[]; certs: Uint8Array[] } = { cms: [], certs: [] };

beforeAll(async () => {
  lab = new OpensslLab();
  const root = lab.makeRoot('Fuzz Root');
  const issuing = lab.makeCa('Fuzz Issuing', root);
  const { csrDer } = lab.request('/C=JP/O=デモ信用金庫/OU=法人IB/CN=DEMO0001');
  const leaf = lab.issue(issuing, csrDer, { ext: ['keyUsage=digitalSignature', 'extendedKeyUsage=clientAuth', 'subjectAltName=email:a@b.jp,IP:::1'] });
  certs = [leaf, issuing.der, root.der];
  cms = new Uint8Array(lab.run(['crl2pkcs7', '-nocrl', '-certfile', lab.write('chain.pem', certs.map((c) => toPem(c)).join('')), '-outform', 'DER']));
});
afterAll(() => lab?.cleanup());

function checkCms(input: Uint8Array | string, der?: Uint8Array): void {
  const r = settle(() => parseCertsOnly(input));
  if (r instanceof CoreError) {
    expect(r.code).toBe('BAD_RESPONSE');
    return;
  }
  expect(r.length).toBeGreaterThan(0);
  // Right means: each certificate is a verbatim slice of the message, and the list survives a rebuild.
  if (der) for (const c of r) expect(Buffer.from(der).includes(Buffer.from(c))).toBe(true);
  expect(parseCertsOnly(buildCertsOnly(r))).toEqual(r);
  // The certificates it hands on are checked where they are used; they must parse or fail typed.
  for (const c of r) {
    if (certs.some((seed) => Buffer.from(seed).equals(Buffer.from(c)))) continue;
    const d = settle(() => inspectCertificate(c));
    if (d instanceof CoreError) expect(d.code).toBe('BAD_RESPONSE');
  }
  if (der && accepted.cms.length < 10 && !Buffer.from(der).equals(Buffer.from(cms))) accepted.cms.push(der);
}

function checkCert(input: Uint8Array): void {
  const r = settle(() => inspectCertificate(input));
  if (r instanceof CoreError) {
    expect(r.code).toBe('BAD_RESPONSE');
    return;
  }
  expect(r.sha256).toBe(sha256Hex(input));
  // Whole bytes of the magnitude, signed (a flipped bit makes a negative serial): see serial.test.ts.
  expect(r.serialHex).toMatch(/^-?([0-9a-f]{2})+$/);
  expect(Number.isNaN(Date.parse(r.notAfter))).toBe(false);
  expect(pemToDer(r.pem)).toEqual([input]);
  if (accepted.certs.length < 10 && !certs.some((c) => Buffer.from(c).equals(Buffer.from(input)))) accepted.certs.push(input);
}

describe('parsers under mutated and random input', () => {
  // 6,000 + 4,000 inputs; every certificate a mutated CMS yields goes on into inspectCertificate too.
  it('parseCertsOnly: 6,000 inputs (mutated DER, mutated base64, random bytes and text)', () => {
    fc.assert(fc.property(mutated(fc.constant(cms)), (der) => checkCms(der, der)), fuzzParams('parseCertsOnly, mutated DER', 3500));
    const b64 = mutated(fc.constant(cms)).chain((der) =>
      fc.constantFrom('', '\n', '\r\n').map((nl) => Buffer.from(der).toString('base64').replace(/(.{64})/g, `$1${nl}`)).map((s) => ({ s, der })));
    fc.assert(fc.property(b64, ({ s, der }) => checkCms(s, der)), fuzzParams('parseCertsOnly, mutated base64', 1000));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => checkCms(bytes)), fuzzParams('parseCertsOnly, random bytes', 750));
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'ABCDMIwgZ0123+/=\r\n -'.split('')), maxLength: 400 }), (s) => checkCms(s)), fuzzParams('parseCertsOnly, random text', 750));
  });

  it('inspectCertificate: 4,000 inputs (mutated certificates, random bytes)', () => {
    fc.assert(fc.property(mutated(fc.constantFrom(...certs)), checkCert), fuzzParams('inspectCertificate, mutated certificates', 3500));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), checkCert), fuzzParams('inspectCertificate, random bytes', 500));
  });

  it('openssl agrees with what the parsers accepted', () => {
    for (const der of accepted.cms) {
      const r = lab.tryRun('openssl', ['pkcs7', '-inform', 'DER', '-print_certs', '-in', lab.write('acc.p7', der)]);
      // Where openssl reads the message too, it must find the same certificates.
      if (r.code === 0) expect(pemToDer(r.stdout, 'CERTIFICATE').map((c) => sha256Hex(c))).toEqual(parseCertsOnly(der).map((c) => sha256Hex(c)));
    }
    for (const der of accepted.certs) {
      const d = inspectCertificate(der);
      const r = lab.tryRun('openssl', ['x509', '-inform', 'DER', '-noout', '-serial', '-in', lab.write('acc.der', der)]);
      if (r.code === 0) expect(r.stdout.trim().toLowerCase()).toBe(`serial=${d.serialHex}`);
    }
  });
});
