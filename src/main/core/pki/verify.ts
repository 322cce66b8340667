// Acceptance of an issued certificate: key, subject, client-auth usage and the path to the
// pinned anchor. The path itself is validated by pkijs's CertificateChainValidationEngine;
// this module only names what failed.
import * as pkijs from 'pkijs';
import { CoreError } from '../errors';
import { children, isUniversal, parseDer, rawOf } from './asn1';
import { clientAuthUsable, keyUsageOf, isCaOf, parseCertificate, type ParsedCertificate } from './certificate';
import { engine } from './engine';
import { bytesEqual } from './encoding';
import { readName } from './name';
import type { ReasonOf } from '../../../shared/contract';

const fail = (reason: ReasonOf<'VERIFY_FAILED'>, message: string) => new CoreError('VERIFY_FAILED', message, { reason });

/** A bank clock a little ahead of this PC's must not fail a certificate issued a moment ago. */
const NOT_BEFORE_LEEWAY_MS = 10 * 60 * 1000;

export interface VerifyChainOptions {
  certificateDer: Uint8Array;
  intermediatesDer: Uint8Array[];
  anchorsDer: Uint8Array[];
  now?: Date;
}

function label(p: ParsedCertificate): string {
  return readName(p.subjectBlock, 'certificate subject').text || '(empty subject)';
}

function parseAll(ders: Uint8Array[] | undefined, what: string, code: 'BAD_RESPONSE' | 'INVALID_INPUT'): ParsedCertificate[] {
  if (!Array.isArray(ders)) throw new CoreError('INVALID_INPUT', `The ${what} must be a list of DER certificates.`, { field: what });
  return ders.map((d, i) => parseCertificate(d, `${what} #${i + 1}`, code));
}

export async function verifyChain(opts: VerifyChainOptions): Promise<void> {
  const leaf = parseCertificate(opts.certificateDer, 'certificate');
  await verifyParsedChain(leaf, parseAll(opts.intermediatesDer, 'CA certificate', 'BAD_RESPONSE'), parseAll(opts.anchorsDer, 'trust anchor', 'INVALID_INPUT'), opts.now ?? new Date());
}

async function verifyParsedChain(leaf: ParsedCertificate, intermediates: ParsedCertificate[], anchors: ParsedCertificate[], now: Date): Promise<void> {
  if (anchors.length === 0) throw new CoreError('INVALID_INPUT', 'No trust anchor is configured; the policy must pin the bank\'s root certificate.', { field: 'anchorsDer' });
  if (Number.isNaN(now.getTime())) throw new CoreError('INVALID_INPUT', 'The verification time is not a valid date.', { field: 'now' });
  // pkijs drops certificates whose TBS repeats an earlier one and then takes the last as the
  // end entity: a copy of the leaf among the others would make it validate a different
  // certificate. Give it each TBS once, with the leaf last.
  const leafTbs = leaf.cert.tbsView;
  const anchorCopy = anchors.find((a) => bytesEqual(a.cert.tbsView, leafTbs));
  if (anchorCopy) {
    if (!bytesEqual(anchorCopy.der, leaf.der)) throw fail('UNTRUSTED_CHAIN', `The certificate "${label(leaf)}" imitates the trust anchor but is not it.`);
    if (outside(leaf, now)) throw fail('CA_EXPIRED', `The trust anchor "${label(leaf)}" is outside its validity (${leaf.cert.notAfter.value.toISOString()}).`);
    return;
  }
  const seen: Uint8Array[] = [leafTbs, ...anchors.map((a) => a.cert.tbsView)];
  intermediates = intermediates.filter((c) => {
    if (seen.some((t) => bytesEqual(t, c.cert.tbsView))) return false;
    seen.push(c.cert.tbsView);
    return true;
  });
  const leafNotBefore = leaf.cert.notBefore.value.getTime();
  const checkDate = leafNotBefore > now.getTime() && leafNotBefore - now.getTime() <= NOT_BEFORE_LEEWAY_MS ? new Date(leafNotBefore) : now;

  const validation = new pkijs.CertificateChainValidationEngine({
    trustedCerts: anchors.map((a) => a.cert),
    // pkijs takes the last entry of `certs` as the end-entity certificate.
    certs: [...intermediates.map((c) => c.cert), leaf.cert],
    checkDate,
  });
  let result: { result: boolean; resultCode?: number; resultMessage?: string };
  try {
    result = await validation.verify({}, engine);
  } catch (e) {
    result = { result: false, resultCode: -1, resultMessage: (e as Error).message };
  }
  if (result.result) return;
  throw explain(leaf, intermediates, anchors, checkDate, result.resultCode ?? -1, result.resultMessage ?? '');
}

function outside(p: ParsedCertificate, at: Date): boolean {
  return p.cert.notBefore.value > at || p.cert.notAfter.value < at;
}

/** Turns pkijs's result code into our reason, naming the certificate at fault. */
function explain(leaf: ParsedCertificate, intermediates: ParsedCertificate[], anchors: ParsedCertificate[], at: Date, code: number, message: string): CoreError {
  const cas = [...intermediates, ...anchors];
  if (code === 8) {
    if (outside(leaf, at)) {
      return fail('VALIDITY', `The issued certificate is not valid at ${at.toISOString()} (valid ${leaf.cert.notBefore.value.toISOString()} to ${leaf.cert.notAfter.value.toISOString()}). Check this PC's date and time.`);
    }
    const stale = cas.find((c) => c.cert.notAfter.value < at);
    if (stale) return fail('CA_EXPIRED', `The CA certificate "${label(stale)}" expired on ${stale.cert.notAfter.value.toISOString()}. The bank must send its current CA certificates.`);
    const early = cas.find((c) => outside(c, at));
    return fail('CA_NOT_YET_VALID', `The CA certificate "${early ? label(early) : '?'}" is not valid yet. Check this PC's date and time.`);
  }
  if (code === 14 || (code >= 3 && code <= 7)) {
    const noSign = intermediates.find((c) => isCaOf(c) && !(keyUsageOf(c)?.includes('keyCertSign') ?? true));
    if (noSign) return fail('CA_NOT_KEYCERTSIGN', `The CA certificate "${label(noSign)}" may not sign certificates (its key usage lacks keyCertSign).`);
    const notCa = intermediates.find((c) => !isCaOf(c));
    return fail('NOT_A_CA', `The certificate "${notCa ? label(notCa) : '?'}" in the chain is not a CA certificate.`);
  }
  return fail('UNTRUSTED_CHAIN', `The certificate "${label(leaf)}" does not chain to the pinned trust anchor through the CA certificates given (${message || `code ${code}`}).`);
}

export interface VerifyCaOptions {
  certificateDer: Uint8Array;
  /** Other CA certificates that may complete the path (each on the path is validated too). */
  othersDer: Uint8Array[];
  anchorsDer: Uint8Array[];
  now?: Date;
}

/**
 * A certificate CertDesk may store as a CA: a CA by its basic constraints, allowed to sign
 * certificates when it has a key usage, on a path to a pinned anchor (pkijs validates it).
 */
export async function verifyCaCertificate(opts: VerifyCaOptions): Promise<void> {
  const ca = parseCertificate(opts.certificateDer, 'CA certificate');
  // A pinned anchor is the policy's own choice, whatever its extensions say.
  if (opts.anchorsDer.some((a) => bytesEqual(a, ca.der))) return;
  if (!isCaOf(ca)) {
    throw fail('NOT_A_CA', `The certificate "${label(ca)}" is not a CA certificate (its basic constraints do not make it a CA).`);
  }
  if (!(keyUsageOf(ca)?.includes('keyCertSign') ?? true)) {
    throw fail('CA_NOT_KEYCERTSIGN', `The CA certificate "${label(ca)}" may not sign certificates (its key usage lacks keyCertSign).`);
  }
  await verifyParsedChain(ca, parseAll(opts.othersDer, 'CA certificate', 'BAD_RESPONSE'), parseAll(opts.anchorsDer, 'trust anchor', 'INVALID_INPUT'), opts.now ?? new Date());
}

export interface ScreenedCaCertificates {
  accepted: Uint8Array[];
  refused: { der: Uint8Array; error: CoreError }[];
}

/** Splits a CA list into what verifyCaCertificate accepts (the others as path material) and what it refuses, with why. */
export async function screenCaCertificates(caDer: Uint8Array[], anchorsDer: Uint8Array[], now?: Date): Promise<ScreenedCaCertificates> {
  const out: ScreenedCaCertificates = { accepted: [], refused: [] };
  for (const der of caDer) {
    try {
      await verifyCaCertificate({ certificateDer: der, othersDer: caDer.filter((c) => c !== der), anchorsDer, ...(now ? { now } : {}) });
      out.accepted.push(der);
    } catch (err) {
      if (!(err instanceof CoreError) || (err.code !== 'VERIFY_FAILED' && err.code !== 'BAD_RESPONSE')) throw err;
      out.refused.push({ der, error: err });
    }
  }
  return out;
}

export interface VerifyIssuedOptions {
  certificateDer: Uint8Array;
  requestDer: Uint8Array;
  caCertsDer: Uint8Array[];
  anchorsDer: Uint8Array[];
  expectedSubjectDer?: Uint8Array;
  now?: Date;
}

/** The request's SubjectPublicKeyInfo, exact bytes. */
function requestSpki(requestDer: Uint8Array): Uint8Array {
  const root = parseDer(requestDer, 'certificate request', 'INVALID_INPUT');
  const info = children(root)[0];
  const spki = info ? children(info)[2] : undefined;
  if (!isUniversal(root, 16) || !info || !spki || !isUniversal(spki, 16)) {
    throw new CoreError('INVALID_INPUT', 'The certificate request is not a PKCS#10 request.', { reason: 'BAD_REQUEST' });
  }
  return rawOf(spki);
}

/** RFC 5280 name matching, simplified: same attributes per RDN, values equal ignoring case and runs of spaces. */
function sameName(a: Uint8Array, b: Uint8Array, bBlockName: ParsedCertificate): boolean {
  if (bytesEqual(a, b)) return true;
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  const x = readName(parseDer(a, 'expected subject', 'INVALID_INPUT'), 'expected subject', 'INVALID_INPUT').rdns;
  const y = readName(bBlockName.subjectBlock, 'certificate subject').rdns;
  return x.length === y.length && x.every((rdn, i) => {
    const other = y[i]!;
    const key = (r: typeof rdn) => r.map((v) => `${v.oid}=${norm(v.value)}`).sort().join('+');
    return rdn.length === other.length && key(rdn) === key(other);
  });
}

export async function verifyIssued(opts: VerifyIssuedOptions): Promise<void> {
  const leaf = parseCertificate(opts.certificateDer, 'issued certificate');
  const spki = requestSpki(opts.requestDer);
  if (!bytesEqual(spki, leaf.spkiDer)) {
    throw fail('KEY_MISMATCH', 'The issued certificate carries a different public key from the one in our request. The bank returned someone else\'s certificate or a stale one; do not install it.');
  }
  if (opts.expectedSubjectDer && !sameName(opts.expectedSubjectDer, leaf.subjectDer, leaf)) {
    const expected = readName(parseDer(opts.expectedSubjectDer, 'expected subject', 'INVALID_INPUT'), 'expected subject', 'INVALID_INPUT').text;
    throw fail('SUBJECT_MISMATCH', `The issued certificate's subject "${label(leaf)}" is not the requested "${expected}".`);
  }
  if (!clientAuthUsable(leaf)) {
    throw fail('NOT_CLIENT_AUTH', 'The issued certificate cannot be used for TLS client authentication (its extended key usage lacks clientAuth, or its key usage lacks digitalSignature).');
  }
  await verifyParsedChain(leaf, parseAll(opts.caCertsDer, 'CA certificate', 'BAD_RESPONSE'), parseAll(opts.anchorsDer, 'trust anchor', 'INVALID_INPUT'), opts.now ?? new Date());
}
