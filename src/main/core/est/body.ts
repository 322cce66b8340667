// What every transport reads of an answer: at most MAX_BODY bytes. An EST answer is a few
// kilobytes; anything larger is not the bank's endpoint, and reading on would only spend memory.
import { CoreError } from '../errors';

export const MAX_BODY = 1024 * 1024;

export interface BodyCollector {
  /** Keeps a chunk; answers the error to finish with once the answer is too large. */
  add(chunk: Uint8Array): CoreError | null;
  bytes(): Uint8Array;
}

export function createBodyCollector(): BodyCollector {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk) {
      size += chunk.length;
      if (size > MAX_BODY) {
        return new CoreError('BAD_RESPONSE', `The bank's answer is larger than ${MAX_BODY} bytes: this is not an EST answer. Check the endpoint in the policy.`, { reason: 'TOO_LARGE' });
      }
      // A copy: a transport may reuse the buffer it handed over.
      chunks.push(Buffer.from(chunk));
      return null;
    },
    bytes: () => new Uint8Array(Buffer.concat(chunks)),
  };
}
