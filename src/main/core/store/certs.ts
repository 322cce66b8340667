// Facts about a certificate that every adapter needs: fingerprints, a readable name, the
// key id NSS files the private key under, and whether it chains to the bank's anchor.
import { X509Certificate, createHash } from 'node:crypto';
import { CoreError } from '../errors';
import { inspectCertificate, sha1Hex, sha256Hex, verifyChain } from '../pki';

export interface CertFacts {
  der: Uint8Array;
  /** Node's parse of it, kept: chain checks and subjects need it again at every listing. */
  cert: X509Certificate;
  sha256: string;
  sha1: string;
  /** The subject as Node prints it (one RDN a line, control characters escaped): for comparing. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  selfSigned: boolean;
  /** NSS CKA_ID: SHA-1 of the RSA modulus or of the EC point, lowercase hex. */
  keyId: string | null;
}

// A listing parses every certificate of the store again after each write: facts depend on
// the DER alone, so they are kept by fingerprint (bounded: a crowded user's db holds hundreds).
const factsByFingerprint = new Map<string, CertFacts>();
const FACTS_KEPT = 4096;

export function certFacts(der: Uint8Array): CertFacts {
  const fp = sha256Hex(der);
  const known = factsByFingerprint.get(fp);
  if (known) return { ...known, der };
  const facts = parseFacts(der, fp);
  if (factsByFingerprint.size >= FACTS_KEPT) factsByFingerprint.delete(factsByFingerprint.keys().next().value!);
  factsByFingerprint.set(fp, facts);
  return { ...facts };
}

function parseFacts(der: Uint8Array, sha256: string): CertFacts {
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch (err) {
    throw new CoreError('INVALID_INPUT', 'The certificate to store is not a valid DER certificate: this is a bug, export diagnostics and contact support.', { reason: 'BAD_CERTIFICATE' }, { cause: err });
  }
  return {
    der,
    cert: x,
    sha256,
    sha1: sha1Hex(der),
    subject: x.subject,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    isCA: x.ca,
    selfSigned: x.checkIssued(x) && safeVerify(x, x),
    keyId: keyIdOf(x),
  };
}

/** The subject's common name as the certificate holds it (else the whole subject): for names and messages. */
export function commonNameOf(facts: CertFacts): string {
  const details = inspectCertificate(facts.der);
  return details.subject.rdns.flat().find((a) => a.oid === '2.5.4.3')?.value ?? details.subject.text;
}

/** For listings: a certificate the store holds but no parser accepts is skipped, not fatal. */
export function tryCertFacts(der: Uint8Array): CertFacts | null {
  try {
    return certFacts(der);
  } catch {
    return null;
  }
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function keyIdOf(x: X509Certificate): string | null {
  const jwk = x.publicKey.export({ format: 'jwk' });
  if (jwk.kty === 'RSA' && jwk.n) return createHash('sha1').update(Buffer.from(jwk.n, 'base64url')).digest('hex');
  if (jwk.kty === 'EC' && jwk.x && jwk.y) {
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
    return createHash('sha1').update(point).digest('hex');
  }
  return null;
}

/** JST calendar date (the bank's dates are JST whatever the PC's zone), YYYY-MM-DD. */
export function jstDate(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** "Taro Yamada 2027-04-30": readable in a browser's certificate picker, distinct across renewals. */
export function readableName(facts: CertFacts): string {
  const cn = commonNameOf(facts).replace(/[\r\n\t:]+/g, ' ').trim() || 'CertDesk';
  return `${cn} ${jstDate(facts.notAfter)}`;
}

/**
 * Whether the certificate's issuer chains to one of the anchors through the CA
 * certificates in `pool`: names and signatures only, no dates, because an expired
 * certificate must still be listed (取得 needs to see it). Full path validation at the
 * present time is verifyTrusted's job.
 */
export function chainsToAnchor(leaf: CertFacts, pool: Uint8Array[], anchorsDer: Uint8Array[]): boolean {
  return chainChecker(pool, anchorsDer)(leaf);
}

/** chainsToAnchor for many leaves: the pool and the anchors parsed once. */
export function chainChecker(pool: Uint8Array[], anchorsDer: Uint8Array[]): (leaf: CertFacts) => boolean {
  const anchors = parseAll(anchorsDer);
  const cas = parseAll(pool).filter((c) => c.ca);
  return (leaf) => {
    let current = leaf.cert;
    if (anchors.some((a) => a.fingerprint256 === current.fingerprint256)) return false;
    for (let depth = 0; depth < 8; depth++) {
      if (anchors.some((a) => issuedBy(current, a))) return true;
      const next = cas.find((c) => c.fingerprint256 !== current.fingerprint256 && issuedBy(current, c));
      if (!next) return false;
      current = next;
    }
    return false;
  };
}

/** Full path validation (pkijs, now): the bank's chain is complete and valid today. */
export async function verifyTrusted(leaf: CertFacts, pool: Uint8Array[], anchorsDer: Uint8Array[]): Promise<boolean> {
  const anchorSet = new Set(anchorsDer.map((a) => sha256Hex(a)));
  try {
    await verifyChain({ certificateDer: leaf.der, intermediatesDer: pool.filter((c) => !anchorSet.has(sha256Hex(c)) && sha256Hex(c) !== leaf.sha256), anchorsDer });
    return true;
  } catch (err) {
    if (err instanceof CoreError) return false;
    throw err;
  }
}

function parseAll(ders: Uint8Array[]): X509Certificate[] {
  return ders.flatMap((d) => {
    const f = tryCertFacts(d);
    return f ? [f.cert] : [];
  });
}

// Signature checks repeat at every listing for the same pairs: their verdicts are kept.
const issuedVerdicts = new Map<string, boolean>();

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (!cert.checkIssued(issuer)) return false;
  const key = `${cert.fingerprint256}>${issuer.fingerprint256}`;
  let v = issuedVerdicts.get(key);
  if (v === undefined) {
    v = safeVerify(cert, issuer);
    if (issuedVerdicts.size >= FACTS_KEPT) issuedVerdicts.delete(issuedVerdicts.keys().next().value!);
    issuedVerdicts.set(key, v);
  }
  return v;
}

/** Lowercase hex without separators: accepts "AB:CD", "ab cd", "ABCD". */
export function normHex(s: string): string {
  return s.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
}

/**
 * The CA certificates of `pool` above `leaf`, issuer first (what pk12util -o adds): the chain a
 * TLS client sends. Each step by names and by the issuer's signature; stops at a self-signed one.
 */
export function issuerChain(leaf: CertFacts, pool: CertFacts[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur = leaf;
  for (let depth = 0; depth < 8; depth++) {
    const up = pool.find((x) => x.isCA && x.sha256 !== cur.sha256 && !out.includes(x.der) && cur.cert.checkIssued(x.cert) && signedBy(cur, x));
    if (!up) break;
    out.push(up.der);
    if (up.selfSigned) break;
    cur = up;
  }
  return out;
}

function signedBy(child: CertFacts, issuer: CertFacts): boolean {
  try {
    return child.cert.verify(issuer.cert.publicKey);
  } catch {
    return false;
  }
}

/**
 * The nickname for a certificate of `subject` among `existing` (subject undefined: one that may
 * not lend its name): NSS files every certificate of one subject under the first one's nickname,
 * so a renewed holder keeps its own; else `base`, made unique.
 */
export function nicknameFor(existing: Array<{ nickname: string; subject: string | undefined }>, subject: string, base: string): string {
  return existing.find((e) => e.subject === subject && e.nickname !== '')?.nickname ?? uniqueNickname(new Set(existing.map((e) => e.nickname)), base);
}

/** `base`, or `base (2)`, `base (3)` … whichever no certificate has yet. */
export function uniqueNickname(taken: Set<string>, base: string): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`;
}
