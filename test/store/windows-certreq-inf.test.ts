// certreq's INF, byte for byte, and the adapter's reading of what certreq writes (the request
// file, HRESULTs in its output; test/fixtures/windows, provenance in its README). The requests
// are real: made with WebCrypto from real keys. The commands are in windows-certreq.test.ts.
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { buildNameDer } from '../../src/main/core/pki/name';
import { hresultOf } from '../../src/main/core/store/windows/certreq-errors';
import { buildInf, infBytes, infString, subjectToX500 } from '../../src/main/core/store/windows/certreq-inf';
import { readRequestFile } from '../../src/main/core/store/windows/certreq-request';
import { fail } from './fake-runner';
import { C, CN, fixture, JP_SUBJECT, makeRequest, O } from './certreq-fixture';

describe('the INF', () => {
  it('a Japanese UTF8String subject: RDNs in DER order, every value quoted, quotes and % doubled, FORCE_UTF8_DIR_STR', () => {
    const x = subjectToX500(JP_SUBJECT);
    expect(x).toEqual({ text: 'C="JP", O="テスト銀行", CN="山田 太郎, ""経理"" 100%"', flags: 0x80000 });
    const inf = buildInf({ subjectDer: JP_SUBJECT, keyType: 'rsa2048', storage: 'store', friendlyName: 'Yamada 2027-04-30' });
    expect(inf).toBe(
      [
        '[Version]',
        'Signature="$Windows NT$"',
        '',
        '[NewRequest]',
        'Subject = "C=""JP"", O=""テスト銀行"", CN=""山田 太郎, """"経理"""" 100%%"""',
        'X500NameFlags = 0x80000',
        'KeyAlgorithm = RSA',
        'KeyLength = 2048',
        'ProviderName = "Microsoft Software Key Storage Provider"',
        'Exportable = FALSE',
        'MachineKeySet = FALSE',
        'UseExistingKeySet = FALSE',
        'RequestType = PKCS10',
        'KeyUsage = 0x80',
        'HashAlgorithm = sha256',
        'SMIME = FALSE',
        'Silent = TRUE',
        'FriendlyName = "Yamada 2027-04-30"',
        '',
      ].join('\r\n'),
    );
    // UTF-16LE with a BOM: SetupAPI reads no UTF-8.
    const bytes = Buffer.from(infBytes(inf));
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe(inf);
  });

  it('PrintableString where the value allows it and UTF8String elsewhere: ENABLE_UTF8_UNICODE', () => {
    const mixed = buildNameDer([
      { oid: C, value: 'JP' },
      { oid: O, value: 'Example Bank', encoding: 'printable' },
      { oid: CN, value: '山田' },
    ]);
    expect(subjectToX500(mixed)).toEqual({ text: 'C="JP", O="Example Bank", CN="山田"', flags: 0x40000 });
  });

  it('key types and the TPM provider; an empty subject has no Subject line', () => {
    const tpm = buildInf({ subjectDer: new Uint8Array([0x30, 0]), keyType: 'ecdsaP256', storage: 'tpm', friendlyName: 'a\r\nb"c' });
    expect(tpm).not.toContain('Subject');
    expect(tpm).toContain('KeyAlgorithm = ECDSA_P256\r\nProviderName = "Microsoft Platform Crypto Provider"\r\n');
    expect(tpm).not.toContain('KeyLength');
    expect(tpm).toContain('FriendlyName = "a b""c"\r\n');
    expect(buildInf({ subjectDer: JP_SUBJECT, keyType: 'rsa3072', storage: 'store', friendlyName: 'x' })).toContain('KeyAlgorithm = RSA\r\nKeyLength = 3072\r\n');
    expect(infString('50%"')).toBe('"50%%"""');
  });

  it('subjects certreq cannot reproduce are refused before any key is made', () => {
    const utf8Ascii = buildNameDer([{ oid: O, value: 'Bank', encoding: 'printable' }, { oid: CN, value: 'Ascii' }]);
    const bmp = Buffer.from('300f310d300b06035504031e0400410042', 'hex'); // CN as BMPString
    const teletex = Buffer.from('300d310b3009060355040314024142', 'hex'); // CN as T61String
    const control = buildNameDer([{ oid: CN, value: 'a\tb' }]);
    const spaced = buildNameDer([{ oid: CN, value: 'trailing ' }]);
    const cPrintable = Buffer.from('300d310b3009060355040613024a50', 'hex'); // C as PrintableString: fine
    expect(subjectToX500(new Uint8Array(cPrintable)).text).toBe('C="JP"');
    for (const der of [utf8Ascii, bmp, teletex, control, spaced]) {
      let err: unknown;
      try {
        subjectToX500(new Uint8Array(der));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).detail?.reason).toBe('SUBJECT_NOT_REPRODUCIBLE');
      expect((err as CoreError).message).toMatch(/keyStorage "software"/);
    }
  });

  it('reads certreq\'s request file (NEW CERTIFICATE REQUEST, CRLF) and checks its signature', async () => {
    const made = await makeRequest(JP_SUBJECT);
    const parsed = readRequestFile(made.reqText);
    expect(Buffer.from(parsed.der).equals(Buffer.from(made.csrDer))).toBe(true);
    expect(Buffer.from(parsed.subjectDer).equals(Buffer.from(JP_SUBJECT))).toBe(true);
    // A flipped signature byte: refused.
    const tampered = Buffer.from(made.csrDer);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 5) ^ 1, tampered.length - 5);
    expect(() => readRequestFile(tampered.toString('base64'))).toThrow(/signature/);
    expect(() => readRequestFile('not base64 !')).toThrow(/not base64/);
  });

  it('HRESULTs from the text, else from the exit code (signed or unsigned)', () => {
    expect(hresultOf(fail(1, '', fixture('certreq-new-bad-provider.txt')))).toEqual({ code: '0x80090013', symbol: 'NTE_BAD_PROVIDER' });
    expect(hresultOf(fail(-2146893776, '', ''))).toEqual({ code: '0x80090030', symbol: '' });
    expect(hresultOf(fail(2148073520, '', ''))).toEqual({ code: '0x80090030', symbol: '' });
    expect(hresultOf(fail(1, '', 'garbled cp932 \x83\x65'))).toBeNull();
  });
});
