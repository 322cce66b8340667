// What may go into the log: never a private key, a certificate blob, a PKCS#12, a
// password or a login ID's secret. Applied to every log message before it is written.

const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{120,}={0,2}/g;
const SECRET_ASSIGNMENT = /\b(password|passphrase|passwd|pwd|secret|token|authorization|pin)\b(\s*[:=]\s*|"\s*:\s*")("?)[^\s",}]+/gi;
const SECRET_KEY = /password|passphrase|passwd|secret|token|authorization|privatekey|private_key|pkcs8|pkcs12|pfx|pin$|keypem|journalkey/i;

export function redactText(text: string): string {
  return text
    .replace(PEM, '[PEM removed]')
    .replace(LONG_BASE64, '[data removed]')
    .replace(SECRET_ASSIGNMENT, (_m, name: string, sep: string, quote: string) => `${name}${sep}${quote}[redacted]`);
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[${value.byteLength} bytes removed]`;
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message));
    copy.name = value.name;
    return copy;
  }
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}
