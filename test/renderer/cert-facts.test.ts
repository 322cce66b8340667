// One formatter for a certificate's facts (issue 26): the window's details rows are the
// shared formatter's facts, label for label and value for value, in both languages; the
// command line's `inspect` prints the same formatter's lines (test/cli/inspect-facts.test.ts).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { certificateFacts, factLines } from '../../src/shared/cert-facts';
import type { CertificateDetails, Language } from '../../src/shared/contract';
import { formatDay, formatInstant, groupHex } from '../../src/shared/format';
import { CertFacts } from '../../src/renderer/src/components/CertFacts';

const details: CertificateDetails = {
  subject: { rdns: [], text: 'C=JP, O=テスト株式会社, CN=yamada' },
  issuer: { rdns: [], text: 'C=JP, O=Test Bank, CN=Test Bank Issuing CA' },
  serialHex: '0a1b2c3d4e5f',
  notBefore: '2026-02-05T11:17:02.000Z',
  // 15:17 UTC is already the next day in Japan.
  notAfter: '2026-12-27T11:17:02.000Z',
  sha256: 'ab'.repeat(32),
  sha1: 'cd'.repeat(20),
  keyAlgorithm: 'RSA',
  keySize: 2048,
  keyUsage: ['digitalSignature', 'keyEncipherment'],
  extendedKeyUsage: ['clientAuth'],
  subjectAltNames: [],
  isCA: false,
  facts: { clientAuthUsable: true, selfSigned: false, hasPrivateKey: true, chainComplete: true },
  pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};

/** The rendered rows as `label: value`, as the window shows them. */
function windowLines(d: CertificateDetails, lang: Language, compact = false): string[] {
  const html = renderToStaticMarkup(createElement(CertFacts, { details: d, lang, compact }));
  const text = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&');
  return [...html.matchAll(/<dt>(.*?)<\/dt><dd[^>]*>(.*?)<\/dd>/g)].map((m) => `${text(m[1]!)}: ${text(m[2]!)}`);
}

describe('certificate facts', () => {
  it('the window shows exactly the formatter\'s facts, in both languages', () => {
    for (const lang of ['ja', 'en'] as const) {
      expect(windowLines(details, lang)).toEqual(factLines(details, lang));
      expect(windowLines(details, lang, true)).toEqual(factLines(details, lang, true));
    }
  });

  it('dates in JST in each language\'s form, hex as upper-case colon pairs, SHA-1 beside SHA-256, key usage in words', () => {
    const ja = Object.fromEntries(certificateFacts(details, 'ja').map((f) => [f.key, f.value]));
    expect(ja.notBefore).toBe('2026年2月5日 20:17:02 JST');
    expect(ja.notAfter).toBe('2026年12月27日 20:17:02 JST');
    expect(ja.serial).toBe('0A:1B:2C:3D:4E:5F');
    expect(ja.sha256).toBe(Array(32).fill('AB').join(':'));
    expect(ja.sha1).toBe(Array(20).fill('CD').join(':'));
    expect(ja.key).toBe('RSA 2048 ビット');
    expect(ja.keyUsage).toBe('デジタル署名、鍵の暗号化');
    expect(ja.eku).toBe('クライアント認証（ログインに使う）');
    expect(ja.chain).toBe('はい');
    expect(ja.isCA).toBe('いいえ');
    const en = Object.fromEntries(certificateFacts(details, 'en').map((f) => [f.key, f.value]));
    expect(en.notAfter).toBe('Dec 27, 2026 20:17:02 JST');
    expect(en.keyUsage).toBe('Digital signature, Key encipherment');
    expect(certificateFacts(details, 'ja').map((f) => f.key)).toEqual(['subject', 'issuer', 'serial', 'notBefore', 'notAfter', 'sha256', 'sha1', 'key', 'keyUsage', 'eku', 'san', 'isCA', 'clientAuth', 'selfSigned', 'hasKey', 'chain']);
  });

  it('a time after 15:00 UTC is the next JST day; a negative serial keeps its sign; an EC key names its curve', () => {
    expect(formatInstant('2026-12-27T15:00:00.000Z', 'ja')).toBe('2026年12月28日 00:00:00 JST');
    expect(formatDay('2027-05-26', 'en')).toBe('May 26, 2027');
    expect(groupHex('-0a1b')).toBe('-0A:1B');
    const ec = certificateFacts({ ...details, keyAlgorithm: 'EC', keySize: 256, curve: 'P-256', extendedKeyUsage: ['1.2.3.4'] }, 'ja');
    expect(ec.find((f) => f.key === 'key')?.value).toBe('EC P-256');
    expect(ec.find((f) => f.key === 'eku')?.value).toBe('1.2.3.4');
  });
});
