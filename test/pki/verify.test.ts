import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildCsr, generateKeyPair, screenCaCertificates, subjectDerOf, verifyCaCertificate, verifyChain, verifyIssued } from '../../src/main/core/pki';
import { OpensslLab, toPem, type TestCa } from './openssl';

const DAY = 86_400_000;
const JP = [
  { oid: '2.5.4.6', value: 'JP' },
  { oid: '2.5.4.10', value: 'デモ信用金庫' },
  { oid: '2.5.4.11', value: '法人IB' },
  { oid: '2.5.4.3', value: 'DEMO0001' },
];

let lab: OpensslLab;
let root: TestCa;
let issuing: TestCa;
let requestDer: Uint8Array;
let subjectDer: Uint8Array;

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).message.length).toBeGreaterThan(20);
    if (process.env.PKI_DEBUG) console.log((e as CoreError).message);
    return `${(e as CoreError).code}/${String((e as CoreError).detail?.reason ?? (e as CoreError).detail?.field)}`;
  }
  return 'OK';
}

/** openssl's own verdict on the same chain (at `at`, when given). */
function opensslVerify(leaf: Uint8Array, chain: TestCa[], anchor: TestCa, at?: Date): boolean {
  const leafPath = lab.write(`v-leaf-${Math.random().toString(36).slice(2)}.pem`, toPem(leaf));
  const untrusted = lab.write(`v-chain-${Math.random().toString(36).slice(2)}.pem`, chain.map((c) => toPem(c.der)).join('') || toPem(anchor.der));
  const args = ['verify', '-CAfile', anchor.certPath, '-untrusted', untrusted, '-purpose', 'sslclient'];
  if (at) args.push('-attime', String(Math.floor(at.getTime() / 1000)));
  return lab.tryRun('openssl', [...args, leafPath]).code === 0;
}

beforeAll(async () => {
  lab = new OpensslLab();
  root = lab.makeRoot('Demo Root CA');
  issuing = lab.makeCa('Demo Issuing CA', root);
  const keys = await generateKeyPair('ecdsaP256');
  const csr = await buildCsr({ keys, subject: JP });
  requestDer = csr.der;
  subjectDer = subjectDerOf(lab.issue(issuing, requestDer));
});
afterAll(() => lab?.cleanup());

describe('verifyIssued', () => {
  it('accepts a good certificate, as openssl does, whatever the order and duplicates of the CA list', async () => {
    const cert = lab.issue(issuing, requestDer);
    expect(opensslVerify(cert, [issuing], root)).toBe(true);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [issuing.der], anchorsDer: [root.der], expectedSubjectDer: subjectDer }))).toBe('OK');
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [root.der, issuing.der, issuing.der], anchorsDer: [root.der] }))).toBe('OK');
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: [], anchorsDer: [issuing.der] }))).toBe('OK');
  });

  it('accepts an openssl-made request and certificate', async () => {
    const { csrDer } = lab.request('/C=JP/O=デモ信用金庫/OU=法人IB/CN=DEMO0001', 'rsa');
    const cert = lab.issue(issuing, csrDer);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer: csrDer, caCertsDer: [issuing.der], anchorsDer: [root.der], expectedSubjectDer: subjectDer }))).toBe('OK');
  });

  it('rejects another public key', async () => {
    const { csrDer } = lab.request('/C=JP/O=デモ信用金庫/OU=法人IB/CN=DEMO0001');
    const cert = lab.issue(issuing, csrDer);
    expect(opensslVerify(cert, [issuing], root)).toBe(true);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [issuing.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/KEY_MISMATCH');
  });

  it('rejects a certificate from an untrusted CA, even one with the same name', async () => {
    const otherRoot = lab.makeRoot('Other Root CA');
    const impostor = lab.makeCa('Demo Issuing CA', otherRoot);
    const cert = lab.issue(impostor, requestDer);
    expect(opensslVerify(cert, [impostor], root)).toBe(false);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [impostor.der, otherRoot.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
    // A copy of the bad leaf among the CA certificates must not make pkijs validate another one.
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: [cert, issuing.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: [issuing.der, cert], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
    // The anchor itself is trusted as it is; the issuing CA checks out as a CA certificate.
    expect(await reason(verifyChain({ certificateDer: root.der, intermediatesDer: [issuing.der], anchorsDer: [root.der] }))).toBe('OK');
    expect(await reason(verifyChain({ certificateDer: issuing.der, intermediatesDer: [root.der, issuing.der], anchorsDer: [root.der] }))).toBe('OK');
    expect(await reason(verifyChain({ certificateDer: impostor.der, intermediatesDer: [otherRoot.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
    // And without the intermediate the path is incomplete.
    const good = lab.issue(issuing, requestDer);
    expect(await reason(verifyChain({ certificateDer: good, intermediatesDer: [], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
  });

  it('rejects a chain through an expired CA', async () => {
    const shortCa = lab.makeCa('Short-lived CA', root, { days: 1 });
    const cert = lab.issue(shortCa, requestDer, { days: 365 });
    const later = new Date(Date.now() + 3 * DAY);
    expect(opensslVerify(cert, [shortCa], root, later)).toBe(false);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [shortCa.der], anchorsDer: [root.der], now: later }))).toBe('VERIFY_FAILED/CA_EXPIRED');
  });

  it('rejects a CA without keyCertSign', async () => {
    const weak = lab.makeCa('No-keyCertSign CA', root, { keyUsage: 'digitalSignature,cRLSign' });
    const cert = lab.issue(weak, requestDer);
    expect(opensslVerify(cert, [weak], root)).toBe(false);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [weak.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/CA_NOT_KEYCERTSIGN');
  });

  it('rejects a serverAuth-only certificate', async () => {
    const cert = lab.issue(issuing, requestDer, { ext: ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'] });
    expect(opensslVerify(cert, [issuing], root)).toBe(false);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [issuing.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/NOT_CLIENT_AUTH');
  });

  it('rejects a different subject, and accepts the same subject re-encoded', async () => {
    const other = await buildCsr({ keys: await generateKeyPair('ecdsaP256'), subject: [...JP.slice(0, 3), { oid: '2.5.4.3', value: 'DEMO0002' }] });
    const cert = lab.issue(issuing, other.der);
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer: other.der, caCertsDer: [issuing.der], anchorsDer: [root.der], expectedSubjectDer: subjectDer }))).toBe('VERIFY_FAILED/SUBJECT_MISMATCH');
    const recoded = await buildCsr({ keys: await generateKeyPair('ecdsaP256'), subject: JP.map((a) => (a.oid === '2.5.4.3' ? { ...a, encoding: 'printable' as const } : a)) });
    const cert2 = lab.issue(issuing, recoded.der);
    expect(Buffer.from(subjectDerOf(cert2)).equals(Buffer.from(subjectDer))).toBe(false);
    expect(await reason(verifyIssued({ certificateDer: cert2, requestDer: recoded.der, caCertsDer: [issuing.der], anchorsDer: [root.der], expectedSubjectDer: subjectDer }))).toBe('OK');
  });

  it('rejects an issued certificate outside its validity', async () => {
    const cert = lab.issue(issuing, requestDer, { days: 30 });
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [issuing.der], anchorsDer: [root.der], now: new Date(Date.now() + 40 * DAY) }))).toBe('VERIFY_FAILED/VALIDITY');
  });

  it('answers bad inputs with CoreErrors', async () => {
    const cert = lab.issue(issuing, requestDer);
    expect(await reason(verifyIssued({ certificateDer: new Uint8Array([1]), requestDer, caCertsDer: [], anchorsDer: [root.der] }))).toBe('BAD_RESPONSE/BAD_CERTIFICATE');
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer: new Uint8Array([0x30, 0]), caCertsDer: [], anchorsDer: [root.der] }))).toBe('INVALID_INPUT/BAD_REQUEST');
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer, caCertsDer: [new Uint8Array([0x30, 0])], anchorsDer: [root.der] }))).toBe('BAD_RESPONSE/BAD_CERTIFICATE');
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: [issuing.der], anchorsDer: [] }))).toBe('INVALID_INPUT/anchorsDer');
    expect(await reason(verifyIssued({ certificateDer: cert, requestDer: undefined as never, caCertsDer: [], anchorsDer: [root.der] }))).toBe('INVALID_INPUT/MALFORMED');
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: undefined as never, anchorsDer: [root.der] }))).toBe('INVALID_INPUT/CA certificate');
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: [issuing.der], anchorsDer: [new Uint8Array([5, 0])] }))).toBe('INVALID_INPUT/BAD_CERTIFICATE');
    expect(await reason(verifyChain({ certificateDer: cert, intermediatesDer: [issuing.der], anchorsDer: [root.der], now: new Date(NaN) }))).toBe('INVALID_INPUT/now');
  });
});

describe('verifyCaCertificate: what CertDesk may store as a CA', () => {
  const hex = (d: Uint8Array) => Buffer.from(d).toString('hex');

  it('accepts the issuing CA (through the others given) and the pinned anchor itself', async () => {
    expect(await reason(verifyCaCertificate({ certificateDer: issuing.der, othersDer: [root.der], anchorsDer: [root.der] }))).toBe('OK');
    expect(await reason(verifyCaCertificate({ certificateDer: issuing.der, othersDer: [], anchorsDer: [root.der] }))).toBe('OK');
    expect(await reason(verifyCaCertificate({ certificateDer: root.der, othersDer: [issuing.der], anchorsDer: [root.der] }))).toBe('OK');
  });

  it('refuses a certificate that is not a CA: cA=false, or no basic constraints at all, though openssl-signed by the bank CA', async () => {
    const leaf = lab.issue(issuing, requestDer);
    expect(await reason(verifyCaCertificate({ certificateDer: leaf, othersDer: [issuing.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/NOT_A_CA');
    const bare = lab.issue(issuing, requestDer, { ext: ['keyUsage=critical,keyCertSign,cRLSign'] });
    expect(await reason(verifyCaCertificate({ certificateDer: bare, othersDer: [issuing.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/NOT_A_CA');
  });

  it('refuses a CA whose key usage lacks keyCertSign, as openssl does for a path through it', async () => {
    const weak = lab.makeCa('Sign-only CA', root, { keyUsage: 'digitalSignature,cRLSign' });
    expect(opensslVerify(lab.issue(weak, requestDer), [weak], root)).toBe(false);
    expect(await reason(verifyCaCertificate({ certificateDer: weak.der, othersDer: [], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/CA_NOT_KEYCERTSIGN');
  });

  it('refuses an "Evil Intermediate CA" of an unrelated root, even sent together with that root', async () => {
    const evilRoot = lab.makeRoot('Evil Root CA');
    const evil = lab.makeCa('Evil Intermediate CA', evilRoot);
    expect(await reason(verifyCaCertificate({ certificateDer: evil.der, othersDer: [evilRoot.der, issuing.der, root.der], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
    expect(await reason(verifyCaCertificate({ certificateDer: evilRoot.der, othersDer: [], anchorsDer: [root.der] }))).toBe('VERIFY_FAILED/UNTRUSTED_CHAIN');
  });

  it('a sub-CA reached only through a non-CA is refused; screenCaCertificates splits a list and says why', async () => {
    const leaf = lab.issue(issuing, requestDer);
    const evilRoot = lab.makeRoot('Evil Root CA 2');
    const evil = lab.makeCa('Evil Intermediate CA', evilRoot);
    const { accepted, refused } = await screenCaCertificates([issuing.der, leaf, evil.der, root.der], [root.der]);
    expect(accepted.map(hex)).toEqual([issuing.der, root.der].map(hex));
    expect(refused.map((r) => `${hex(r.der) === hex(leaf) ? 'leaf' : 'evil'}:${String(r.error.detail?.reason)}`)).toEqual(['leaf:NOT_A_CA', 'evil:UNTRUSTED_CHAIN']);
    expect(refused[1]!.error.message).toContain('Evil Intermediate CA');
  });
});
