// Serial numbers as openssl prints them. A DER INTEGER is signed: RFC 5280 wants positive
// serials but asks users to tolerate negative and zero ones, and a fuzzer's flipped bit
// makes one (content 86 eb: openssl says -7915). Each certificate here is issued by openssl
// with that serial and read by both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCertificate } from '../../src/main/core/pki';
import { OpensslLab, type TestCa } from './openssl';

let lab: OpensslLab;
let ca: TestCa;
let csr: Uint8Array;

beforeAll(() => {
  lab = new OpensslLab();
  ca = lab.makeRoot('Serial Root');
  csr = lab.request('/C=JP/O=デモ信用金庫/CN=SERIAL').csrDer;
});
afterAll(() => lab?.cleanup());

function opensslSerial(der: Uint8Array): { code: number; serial: string } {
  const r = lab.tryRun('openssl', ['x509', '-inform', 'DER', '-noout', '-serial', '-in', lab.write('serial.der', der)]);
  return { code: r.code, serial: r.stdout.trim().replace(/^serial=/, '').toLowerCase() };
}

/** The certificate with its serial INTEGER's content replaced by `content` (same length): the signature no longer matters to -serial. */
function withSerialContent(der: Uint8Array, from: number[], content: number[]): Uint8Array {
  const b = Buffer.from(der);
  const at = b.indexOf(Buffer.from([0x02, from.length, ...from]));
  expect(at).toBeGreaterThan(0);
  return new Uint8Array(Buffer.concat([b.subarray(0, at), Buffer.from([0x02, content.length, ...content]), b.subarray(at + 2 + from.length)]));
}

describe('serialHex', () => {
  const cases: Array<[string, string]> = [
    ['-0x7915', '-7915'], // content 86 eb: the fuzzer's case
    ['0', '00'],
    ['1', '01'],
    ['0x7f', '7f'],
    ['0x86eb', '86eb'], // content 00 86 eb: the sign byte is not part of the number
    ['0x80', '80'],
    ['-1', '-01'],
    ['-0x80', '-80'],
    ['-0x81', '-81'],
    ['-0x100', '-0100'],
    ['-0x86eb', '-86eb'],
    ['0x00ffeeddccbbaa99887766554433221100112233', 'ffeeddccbbaa99887766554433221100112233'],
    ['0x8000000000000000000000000000000000000001', '8000000000000000000000000000000000000001'],
  ];
  it.each(cases)('serial %s reads as openssl prints it (%s)', (serial, shown) => {
    const der = lab.issue(ca, csr, { serial });
    const theirs = opensslSerial(der);
    expect(theirs.code).toBe(0);
    expect(theirs.serial).toBe(shown);
    expect(inspectCertificate(der).serialHex).toBe(shown);
  });

  it('a padded encoding, which openssl refuses to read, shows its value', () => {
    const der = lab.issue(ca, csr, { serial: '0x0101' });
    for (const [content, shown] of [[[0x00, 0x01], '01'], [[0xff, 0x81], '-7f']] as const) {
      const padded = withSerialContent(der, [0x01, 0x01], [...content]);
      expect(opensslSerial(padded).code).not.toBe(0);
      expect(inspectCertificate(padded).serialHex).toBe(shown);
    }
  });
});
