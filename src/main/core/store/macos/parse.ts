// Parsers for macOS `security` output (fixtures/os-store-outputs.md §6–9).

export interface MacCertBlock {
  sha256: string | null; // uppercase hex; absent before macOS 10.15
  sha1: string;
  der: Uint8Array;
}

/** `security find-certificate -a -Z -p`: "SHA-256 hash:", "SHA-1 hash:", then the PEM, per match. */
export function parseFindCertificate(stdout: string): MacCertBlock[] {
  const out: MacCertBlock[] = [];
  let sha256: string | null = null;
  let sha1: string | null = null;
  let pem: string[] | null = null;
  for (const line of stdout.split(/\r?\n/)) {
    const h256 = /^SHA-256 hash:\s*([0-9A-Fa-f]{64})\s*$/.exec(line);
    const h1 = /^SHA-1 hash:\s*([0-9A-Fa-f]{40})\s*$/.exec(line);
    if (h256?.[1]) {
      sha256 = h256[1].toUpperCase();
      sha1 = null;
    } else if (h1?.[1]) {
      sha1 = h1[1].toUpperCase();
    } else if (/^-----BEGIN CERTIFICATE-----/.test(line)) {
      pem = [];
    } else if (/^-----END CERTIFICATE-----/.test(line)) {
      if (pem && sha1) out.push({ sha256, sha1, der: new Uint8Array(Buffer.from(pem.join(''), 'base64')) });
      pem = null;
      sha256 = null;
      sha1 = null;
    } else if (pem) {
      pem.push(line.trim());
    }
  }
  return out;
}

export interface MacIdentityRow {
  sha1: string;
  label: string;
  error?: string;
}

const IDENTITY = /^\s*(\d+)\)\s+([0-9A-Fa-f]{40})\s+"(.*)"(?:\s+\(([A-Z_]+)\))?\s*$/;

/**
 * `security find-identity` (no -v): the "Matching identities" section lists every identity
 * (certificate + private key), trusted or not; "Valid identities only" repeats the trusted
 * ones. An untrusted identity still has its key, so the first section is what counts.
 */
export function parseFindIdentity(stdout: string): MacIdentityRow[] {
  const out = new Map<string, MacIdentityRow>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = IDENTITY.exec(line);
    if (!m?.[2]) continue;
    const sha1 = m[2].toUpperCase();
    if (!out.has(sha1)) out.set(sha1, { sha1, label: m[3] ?? '', ...(m[4] ? { error: m[4] } : {}) });
  }
  return [...out.values()];
}

/** "1 identity imported." / "1 key imported." / "2 certificates imported."; macOS 15+ may print nothing. */
export function parseImportCounts(stdout: string): { identities: number; keys: number; certificates: number } {
  const count = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? 0);
  return {
    identities: count(/(\d+)\s+identit(?:y|ies)\s+imported/),
    keys: count(/(\d+)\s+keys?\s+imported/),
    certificates: count(/(\d+)\s+certificates?\s+imported/),
  };
}

/** "security: <function>: <message>", the one failure format of the tool. */
export function parseSecurityError(stderr: string): { fn: string; message: string } | null {
  const m = /security:\s*(\w+):\s*(.+)/.exec(stderr);
  return m?.[1] && m[2] ? { fn: m[1], message: m[2].trim() } : null;
}
