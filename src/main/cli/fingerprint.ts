// --fingerprint as the helpdesk reads it out: SHA-256 (as CertDesk shows it) or SHA-1 (the
// 拇印 that Windows' certmgr shows), with or without colons or spaces, in either case.
import type { CertificateSummary, Language } from '../../shared/contract';
import { formatDay, groupHex } from '../../shared/format';

export interface FingerprintArg {
  algorithm: 'sha256' | 'sha1';
  hex: string;
}

/** The argument's hex digits and which hash they are; null when it is neither length. */
export function parseFingerprint(given: string): FingerprintArg | null {
  const hex = given.replace(/[:\s-]/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return { algorithm: 'sha256', hex };
  if (/^[0-9a-f]{40}$/.test(hex)) return { algorithm: 'sha1', hex };
  return null;
}

/** AA:BB:… as certificate viewers show a fingerprint. */
export function withColons(hex: string): string {
  return hex.toUpperCase().match(/../g)?.join(':') ?? hex;
}

/** One line per certificate, for a list to choose from: holder, expiry, phase, fingerprint. */
export function describeChoice(s: CertificateSummary, phaseWord: string, lang: Language): string {
  return `${s.holder}${s.organisation ? ` (${s.organisation})` : ''}  ${formatDay(s.expiryDate, lang)}  ${phaseWord}  ${groupHex(s.fingerprint)}`;
}
