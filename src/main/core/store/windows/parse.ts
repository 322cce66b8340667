// Parsers for what Windows PowerShell and certutil.exe print (fixtures/os-store-outputs.md §1–4).

export interface WinCertRow {
  store: string;
  thumbprint: string; // uppercase SHA-1 hex
  hasPrivateKey: boolean;
  friendlyName: string;
  notAfter: Date | null;
  rawDer: Uint8Array | null;
}

/**
 * ConvertTo-Json output: empty (no item), one object (one item piped), or an array.
 * PowerShell 5.1 and 7 differ in spacing and date encoding; JSON.parse does not care about
 * the former and parsePsDate handles the latter.
 */
export function parsePsJson(stdout: string): unknown[] {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  if (Array.isArray(value)) return value;
  return value === null ? [] : [value];
}

/** `\/Date(ms)\/` (5.1, optionally with ±hhmm), `{value, DisplayHint, DateTime}` (5.1 ETS), or ISO 8601 (7). */
export function parsePsDate(v: unknown): Date | null {
  if (v && typeof v === 'object' && 'value' in v) return parsePsDate((v as { value: unknown }).value);
  if (typeof v !== 'string') return null;
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(v);
  if (ms?.[1]) return new Date(Number(ms[1]));
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function parseCertRows(stdout: string): WinCertRow[] {
  return parsePsJson(stdout).flatMap((item) => {
    if (!item || typeof item !== 'object') return [];
    const o = item as Record<string, unknown>;
    const thumbprint = typeof o.Thumbprint === 'string' ? o.Thumbprint.replace(/\s/g, '').toUpperCase() : '';
    if (!/^[0-9A-F]{40}$/.test(thumbprint)) return [];
    const raw = typeof o.Raw === 'string' && o.Raw ? new Uint8Array(Buffer.from(o.Raw, 'base64')) : null;
    return [{
      store: typeof o.Store === 'string' ? o.Store : 'My',
      thumbprint,
      hasPrivateKey: o.HasPrivateKey === true,
      friendlyName: typeof o.FriendlyName === 'string' ? o.FriendlyName : '',
      notAfter: parsePsDate(o.NotAfter),
      rawDer: raw,
    }];
  });
}

export interface CertutilFailure {
  verb: string;
  hresult: string; // "0x80070056"
  symbol: string; // "ERROR_INVALID_PASSWORD", "CRYPT_E_SELF_SIGNED", or ""
}

/** `CertUtil: -<verb> command FAILED: 0x<hex> (<detail>)`; the line after it is localised, so only this one is read. */
export function parseCertutilFailure(output: string): CertutilFailure | null {
  const m = /CertUtil:\s*-(\w+)\s+command FAILED:\s*(0x[0-9a-fA-F]{8})\s*\(([^)]*)\)/i.exec(output);
  if (!m?.[1] || !m[2]) return null;
  const detail = m[3] ?? '';
  const symbol = /([A-Z][A-Z0-9_]+)\s*$/.exec(detail.trim())?.[1] ?? '';
  return { verb: m[1], hresult: m[2].toLowerCase(), symbol };
}

export function certutilSucceeded(output: string, verb: string): boolean {
  return new RegExp(`CertUtil:\\s*-${verb}\\s+command completed successfully`, 'i').test(output);
}

/** `Cert Hash(sha1): b5dd…` or the older spaced pairs; any language's label ends in "(sha1)". */
export function parseCertutilStoreHashes(output: string): string[] {
  const out: string[] = [];
  for (const m of output.matchAll(/\(sha1\)\s*:\s*((?:[0-9a-fA-F]{2}\s?){20})/g)) {
    if (m[1]) out.push(m[1].replace(/\s/g, '').toUpperCase());
  }
  return out;
}
