// The home screen's order and its 重要なお知らせ, as pure rules (tested without a browser).
import type { CertificateSummary, Phase } from '../../../shared/contract';

// Most urgent first: expired (取得 still possible, then past it), renewal open, valid.
const URGENCY: Record<Phase, number> = { acquirable: 0, reissue: 1, renewable: 2, valid: 3 };

/** The cards in the order a user should act on them; within a phase, the earliest expiry first. */
export function byUrgency(certs: readonly CertificateSummary[]): CertificateSummary[] {
  // A superseded certificate (置き換え済み) needs nothing: last.
  const rank = (c: CertificateSummary) => (c.supersededBy ? 9 : URGENCY[c.phase]);
  return [...certs].sort((a, b) => rank(a) - rank(b) || a.daysLeft - b.daysLeft);
}

/** 重要なお知らせ: an expired certificate that 取得 can replace, or one whose renewal is due. */
export function noticeKind(cert: CertificateSummary): 'expired' | 'renew' | null {
  if (cert.supersededBy) return null;
  if (cert.phase === 'acquirable') return 'expired';
  return cert.noticeDue && cert.phase === 'renewable' ? 'renew' : null;
}
