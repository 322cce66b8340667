// Store listing → the contract's summaries, with the bank's phase rules applied.
import type { CertificateSummary } from '../../../shared/contract';
import type { Policy } from '../../../shared/policy';
import { computePhase } from '../../../shared/phase';
import { inspectCertificate } from '../pki';
import type { StoredIdentity } from '../store';

export function summarize(s: StoredIdentity, policy: Policy, now: Date): CertificateSummary {
  const d = inspectCertificate(s.certificateDer);
  const attr = (name: string) => d.subject.rdns.flat().find((a) => a.name === name)?.value;
  const p = computePhase(new Date(d.notAfter), now, policy);
  const org = attr('O');
  return {
    fingerprint: s.fingerprint,
    holder: attr('CN') ?? d.subject.text,
    ...(org ? { organisation: org } : {}),
    notAfter: d.notAfter,
    expiryDate: p.expiryDate,
    phase: p.phase,
    daysLeft: p.daysLeft,
    renewalOpensOn: p.renewalOpensOn,
    graceEndsOn: p.graceEndsOn,
    remindersDue: p.remindersDue,
    noticeDue: p.noticeDue,
    hasPrivateKey: s.hasPrivateKey,
  };
}

/** Newest expiry first: the certificate a user means is usually the latest. */
export function byExpiry(a: CertificateSummary, b: CertificateSummary): number {
  return b.notAfter.localeCompare(a.notAfter);
}
