// What the bank's /csrattrs asked for, in the words a user reads: the key type and the signature
// hash with where each came from (the bank asked, the company's policy fixed it, or CertDesk's
// standard when the bank asked nothing). The core's honoured/ignored lines are the helpdesk's.
import type { PreflightRequest } from '../../../shared/contract';
import { keyTypeName } from '../../../shared/request-notes';

export type Source = 'bank' | 'policy' | 'standard';

export interface RequestView {
  keyType: string;
  keySource: Source;
  hash: string;
  hashSource: Source;
}

export { keyTypeName } from '../../../shared/request-notes';

// The core's lines (src/main/core/est/csrattrs.ts requestShapeOf) start with these words.
const said = (lines: string[], prefix: string) => lines.some((l) => l.startsWith(prefix));

export function requestView(r: PreflightRequest): RequestView {
  if (r.notes) {
    const { honoured, ignored } = r.notes;
    const keySource: Source = honoured.some((n) => n.code === 'KEY_TYPE') ? 'bank' : ignored.some((n) => n.code === 'KEY_TYPE_SET_BY_POLICY') ? 'policy' : 'standard';
    const hashSource: Source = honoured.some((n) => n.code === 'HASH') ? 'bank' : 'standard';
    return { keyType: keyTypeName(r.keyType), keySource, hash: r.hash, hashSource };
  }
  const keySource: Source = said(r.honoured, `key type ${r.keyType}`) ? 'bank' : said(r.ignored, 'key type ') && r.ignored.some((l) => l.includes('the policy sets keyType')) ? 'policy' : 'standard';
  const hashSource: Source = said(r.honoured, `signature hash ${r.hash}`) ? 'bank' : 'standard';
  return { keyType: keyTypeName(r.keyType), keySource, hash: r.hash, hashSource };
}
