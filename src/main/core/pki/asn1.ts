// Strict DER entry point: one whole element, nothing after it, bounded depth.
import * as asn1js from 'asn1js';
import { CoreError } from '../errors';
import type { ErrorCode } from '../../../shared/contract';

export type Asn1 = asn1js.AsnType;

/**
 * Parses exactly one element spanning all of `bytes`. Truncation, junk after the element
 * and malformed encodings each become a CoreError with their own reason.
 */
export function parseDer(bytes: Uint8Array, what: string, code: ErrorCode = 'BAD_RESPONSE'): Asn1 {
  if (!(bytes instanceof Uint8Array)) throw new CoreError(code, `The ${what} must be bytes (DER).`, { reason: 'MALFORMED' });
  if (bytes.byteLength === 0) throw new CoreError(code, `The ${what} is empty.`, { reason: 'TRUNCATED' });
  let r: asn1js.FromBerResult;
  try {
    r = asn1js.fromBER(bytes, { maxDepth: 64, parseEmbedded: false });
  } catch (e) {
    // asn1js throws on some bad primitive values (e.g. a GeneralizedTime that is not a time).
    throw new CoreError(code, `The ${what} is not valid DER (${(e as Error).message}).`, { reason: 'MALFORMED' });
  }
  if (r.offset === -1 || r.result.error) {
    const truncated = /end of input|inconsistent offset/i.test(r.result.error ?? '');
    throw new CoreError(
      code,
      truncated
        ? `The ${what} ends too early (truncated DER): the data was cut off. Download it again.`
        : `The ${what} is not valid DER (${r.result.error || 'malformed'}).`,
      { reason: truncated ? 'TRUNCATED' : 'MALFORMED' },
    );
  }
  if (r.offset !== bytes.byteLength) {
    throw new CoreError(code, `The ${what} has ${bytes.byteLength - r.offset} unexpected bytes after its end.`, { reason: 'TRAILING_DATA' });
  }
  return r.result;
}

export function isUniversal(block: Asn1, tagNumber: number): boolean {
  return block.idBlock.tagClass === 1 && block.idBlock.tagNumber === tagNumber;
}

export function isContext(block: Asn1, tagNumber: number): boolean {
  return block.idBlock.tagClass === 3 && block.idBlock.tagNumber === tagNumber;
}

/** Children of a constructed block (empty for a primitive one). */
export function children(block: Asn1 | undefined): Asn1[] {
  const v = (block?.valueBlock as { value?: unknown } | undefined)?.value;
  return Array.isArray(v) ? (v as Asn1[]) : [];
}

export function oidOf(block: Asn1 | undefined): string | undefined {
  return block instanceof asn1js.ObjectIdentifier ? block.valueBlock.toString() : undefined;
}

/** The element's own encoding, as it was in the input. */
export function rawOf(block: Asn1): Uint8Array {
  return block.valueBeforeDecodeView;
}

/** One element spanning all of `bytes`, or undefined: for nested values read leniently. */
export function tryParse(bytes: Uint8Array, maxDepth = 16): Asn1 | undefined {
  try {
    const r = asn1js.fromBER(bytes, { maxDepth });
    return r.offset === bytes.byteLength && !r.result.error ? r.result : undefined;
  } catch {
    return undefined;
  }
}
