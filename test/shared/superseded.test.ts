// 置き換え済み (issue 26 item 4): an older certificate of the same holder beside a newer one that
// is unexpired and has its key; never the other way round, never across holders.
import { describe, expect, it } from 'vitest';
import { supersededBy, type HeldCertificate } from '../../src/shared/phase';

const now = new Date('2026-12-07T00:00:00Z');
const cert = (fingerprint: string, notAfter: string, more: Partial<HeldCertificate> = {}): HeldCertificate => ({
  fingerprint,
  subject: 'C=JP, O=Test, CN=yamada',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter,
  hasPrivateKey: true,
  ...more,
});

describe('supersededBy', () => {
  it('the older of one holder is superseded by the newest usable one', () => {
    const old = cert('old', '2026-12-27T00:00:00.000Z');
    const mid = cert('mid', '2027-06-01T00:00:00.000Z');
    const fresh = cert('new', '2027-12-27T00:00:00.000Z');
    expect(supersededBy([old, fresh], now)).toEqual({ old: 'new' });
    expect(supersededBy([fresh, old, mid], now)).toEqual({ old: 'new', mid: 'new' });
  });

  it('not by a newer one without its key, nor an expired one, nor another holder; a lone certificate never', () => {
    const old = cert('old', '2026-12-27T00:00:00.000Z');
    expect(supersededBy([old, cert('new', '2027-12-27T00:00:00.000Z', { hasPrivateKey: false })], now)).toEqual({});
    expect(supersededBy([cert('a', '2026-10-01T00:00:00.000Z'), cert('b', '2026-11-01T00:00:00.000Z')], now)).toEqual({});
    expect(supersededBy([old, cert('other', '2027-12-27T00:00:00.000Z', { subject: 'C=JP, O=Test, CN=suzuki' })], now)).toEqual({});
    expect(supersededBy([old], now)).toEqual({});
  });
});
