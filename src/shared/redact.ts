// The one redactor: what may go into a log, a diagnostics export or a message. Never a
// private key, a certificate blob, a PKCS#12 or its password, a login password or PIN, an
// Authorization or Cookie header's value, or a URL's credentials. Pure string code, for the
// core, the shell and the command line alike.

const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
const LONG_BASE64 = /[A-Za-z0-9+/]{120,}={0,2}/g;
/** scheme://user:pass@host → scheme://***@host (the userinfo ends at the last @ before the path). */
const URL_USERINFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/g;
/** user:pass@host:port without a scheme (as HTTPS_PROXY is sometimes written). */
const BARE_USERINFO = /(^|[\s"'(=])[^\s:/@"'(=]+:[^\s/@"']+@(?=[A-Za-z0-9.-]+(?::\d+)?(?:[\s/"')]|$))/g;
/** A name, then = or : (full-width too), possibly quoted (also \" inside a JSON string). */
const NAME_AND_SEPARATOR = /(\\?["']|)([\p{L}\p{N}_.-]+)\1([ \t]*[:=：＝][ \t]*)/gu;
/** Command-line passwords: pk12util -W/-K, security -P, certutil -p, openssl -passin/-passout, --…password. */
const PASSWORD_ARGUMENT = /(^|\s)(-(?:W|K|P|p|passin|passout|password|pass)|--[A-Za-z-]*pass(?:word|phrase)?(?![A-Za-z-]))(\s+|=)(?!\[redacted\])(\S+)/g;
/** openssl's pass:SECRET anywhere. */
const OPENSSL_PASS = /\bpass:(?!\[redacted\])\S+/g;

const SECRET_WORD = /password|passwd|passphrase|secret|token|pwd|credential|authorization|cookie|パスワード|暗証番号|ＰＩＮ/i;
// "pin" (and "pw") alone or as a part (pinCode, user_pin, userPin, PIN), not inside a word (spinner, pinned, shipping).
const PIN = /^[Pp]in(?![a-z])|(?:^|[_.-])pw$|[_.-]pin(?![a-z])|[a-z0-9]Pin(?![a-z])|(?<![A-Z])PIN(?![A-Z])/;
/** Header-like names whose value runs to the end of the line (the scheme and its token, every cookie). */
const WHOLE_LINE = /authorization|cookie/i;
// Object keys that hold key material or key-sealing secrets, beyond the names above.
const KEY_MATERIAL = /privatekey|private_key|pkcs8|pkcs12|p12|pfx|keypem|journalkey/i;

/** Whether a field called `name` holds a secret (password, PIN, token, credentials). */
export function isSecretName(name: string): boolean {
  return SECRET_WORD.test(name) || PIN.test(name);
}

/** Where the value starting at `from` ends, for the separator `sep`. Quoted values end at their closing quote. */
function valueEnd(text: string, from: number, sep: string, wholeLine: boolean): { end: number; quote: string } {
  const escaped = text.startsWith('\\"', from);
  const q = escaped ? '\\"' : text[from] === '"' || text[from] === "'" ? text[from]! : '';
  if (q) {
    let i = from + q.length;
    while (i < text.length && text[i] !== '\n') {
      if (text.startsWith(q, i)) return { end: i + q.length, quote: q };
      i += text[i] === '\\' ? 2 : 1;
    }
    return { end: i, quote: '' };
  }
  let i = from;
  // After a colon a value may hold spaces ("password: correct horse"); after = it ends at a space (k=v pairs, query strings).
  const stop = wholeLine ? /[\r\n]/ : /[:：]/.test(sep) ? /[\r\n,;}&]/ : /[\s&,;"'}]/;
  while (i < text.length && !stop.test(text[i]!)) i++;
  return { end: i, quote: '' };
}

function redactFields(text: string): string {
  let out = '';
  let last = 0;
  NAME_AND_SEPARATOR.lastIndex = 0;
  for (let m = NAME_AND_SEPARATOR.exec(text); m; m = NAME_AND_SEPARATOR.exec(text)) {
    const name = m[2]!;
    if (!isSecretName(name)) continue;
    const from = m.index + m[0].length;
    const { end, quote } = valueEnd(text, from, m[3]!, WHOLE_LINE.test(name));
    if (end === from || (quote && end === from + 2 * quote.length)) continue;
    out += text.slice(last, from) + (quote ? `${quote}[redacted]${quote}` : '[redacted]');
    last = end;
    NAME_AND_SEPARATOR.lastIndex = end;
  }
  return out + text.slice(last);
}

export function redactText(text: string): string {
  return redactFields(
    text
      .replace(PEM, '[PEM removed]')
      .replace(URL_USERINFO, '$1***@')
      .replace(BARE_USERINFO, '$1***@')
      .replace(PASSWORD_ARGUMENT, '$1$2$3[redacted]')
      .replace(OPENSSL_PASS, 'pass:[redacted]'),
  ).replace(LONG_BASE64, '[data removed]');
}

/** A value for a log: strings redacted, byte arrays dropped, secret fields replaced, 5 levels deep. */
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
  for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) || KEY_MATERIAL.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}
