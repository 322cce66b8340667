// EST bodies are base64 (RFC 7030 §4: Content-Transfer-Encoding base64). Strict servers
// want 64-column lines and a final newline, so that is what we send.
import { CoreError } from '../errors';

export function toBase64Lines(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return lines.join('\n') + '\n';
}

/** Decodes a base64 body with any line breaks (or none), with or without padding; anything else is BAD_RESPONSE. */
export function fromBase64Body(body: Uint8Array | string, what: string): Uint8Array {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
  const compact = text.replace(/[\r\n\t ]+/g, '');
  // Padding may be left off (some servers strip it); a length of 4n+1 is never base64.
  if (compact.length === 0 || compact.length % 4 === 1 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || (compact.includes('=') && compact.length % 4 !== 0)) {
    throw new CoreError('BAD_RESPONSE', `The bank's ${what} answer is not base64. Try again later; if it persists, send the diagnostics to the helpdesk.`, { reason: 'BAD_BASE64' });
  }
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** The media type without parameters, lower-case ('' when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
