// A certificate of the store in the contract's shape, built here once: what the certificate
// says (pki) and what the store knows (its key; its chain, since the store lists only
// certificates whose issuer chains to the anchor).
import type { CertificateDetails } from '../../../shared/contract';
import { inspectCertificate } from '../pki';
import type { StoredIdentity } from '../store';

export function detailsOf(s: Pick<StoredIdentity, 'certificateDer' | 'hasPrivateKey'>): CertificateDetails {
  const d = inspectCertificate(s.certificateDer);
  return { ...d, facts: { ...d.facts, hasPrivateKey: s.hasPrivateKey, chainComplete: true } };
}
