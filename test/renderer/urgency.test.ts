// The home screen's order (most urgent first) and which certificates get 重要なお知らせ.
import { describe, expect, it } from 'vitest';
import type { CertificateSummary, Phase } from '../../src/shared/contract';
import { byUrgency, noticeKind } from '../../src/renderer/src/flow/urgency';

const card = (holder: string, phase: Phase, daysLeft: number, noticeDue = phase === 'renewable'): CertificateSummary =>
  ({ fingerprint: holder.padEnd(64, '0'), holder, phase, daysLeft, noticeDue }) as CertificateSummary;

describe('home order and notices', () => {
  it('expired first (取得 possible, then past it), then renewable, then valid; the earliest expiry first within each', () => {
    const certs = [card('valid-200', 'valid', 200), card('renew-20', 'renewable', 20), card('valid-60', 'valid', 60), card('reissue', 'reissue', -100), card('expired-5', 'acquirable', -5), card('renew-3', 'renewable', 3), card('expired-40', 'acquirable', -40)];
    expect(byUrgency(certs).map((c) => c.holder)).toEqual(['expired-40', 'expired-5', 'reissue', 'renew-3', 'renew-20', 'valid-60', 'valid-200']);
    expect(certs[0]!.holder).toBe('valid-200'); // the input is left as it was
  });

  it('置き換え済み: a superseded certificate gets no notice and goes last, whatever its phase', () => {
    const old = { ...card('old', 'renewable', 20), supersededBy: 'f'.repeat(64) };
    const expired = { ...card('old-expired', 'acquirable', -5), supersededBy: 'f'.repeat(64) };
    expect(noticeKind(old)).toBeNull();
    expect(noticeKind(expired)).toBeNull();
    expect(byUrgency([old, expired, card('new', 'valid', 365)]).map((c) => c.holder)).toEqual(['new', 'old-expired', 'old']);
  });

  it('a notice for an expired certificate 取得 can replace and for one due renewal; none for valid or reissue', () => {
    expect(noticeKind(card('e', 'acquirable', -5))).toBe('expired');
    expect(noticeKind(card('r', 'renewable', 20))).toBe('renew');
    expect(noticeKind(card('r', 'renewable', 20, false))).toBeNull();
    expect(noticeKind(card('v', 'valid', 60, true))).toBeNull();
    expect(noticeKind(card('x', 'reissue', -100))).toBeNull();
  });
});
