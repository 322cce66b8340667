// Login IDs as people type them: full-width letters and digits (ＤＥＭＯ０００１) from a
// Japanese input method, stray spaces. NFKC turns them into what the bank issued.
import type { CertificateSummary } from '../../../shared/contract';
import { validateLoginId } from '../../../shared/validate';

export function normaliseLoginId(raw: string): string {
  return raw.normalize('NFKC').trim();
}

/** The login ID an expired certificate carries in its name (the holder), when it looks like one. */
export function loginIdOf(cert: CertificateSummary): string | undefined {
  const id = normaliseLoginId(cert.holder);
  return validateLoginId(id) === null ? id : undefined;
}
