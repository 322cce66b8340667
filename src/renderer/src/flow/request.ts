// What the bank's /csrattrs asked for, in the words a user reads: the key type and the signature
// hash with where each came from (the bank asked, the company's policy fixed it, or CertDesk's
// standard when the bank asked nothing). The core's honoured/ignored lines are the helpdesk's.
import type { PreflightRequest } from '../../../shared/contract';

export type Source = 'bank' | 'policy' | 'standard';

export interface RequestView {
  keyType: string;
  keySource: Source;
  hash: string;
  hashSource: Source;
}

/** The core's key type names (policy KeyType) as they are written for people; an unknown one as it came. */
const KEY_NAMES: Record<string, string> = { ecdsaP256: 'ECDSA P-256', rsa2048: 'RSA 2048', rsa3072: 'RSA 3072' };

export function keyTypeName(keyType: string): string {
  return KEY_NAMES[keyType] ?? keyType;
}

// The core's lines (src/main/core/est/csrattrs.ts requestShapeOf) start with these words.
const said = (lines: string[], prefix: string) => lines.some((l) => l.startsWith(prefix));

export function requestView(r: PreflightRequest): RequestView {
  const keySource: Source = said(r.honoured, `key type ${r.keyType}`) ? 'bank' : said(r.ignored, 'key type ') && r.ignored.some((l) => l.includes('the policy sets keyType')) ? 'policy' : 'standard';
  const hashSource: Source = said(r.honoured, `signature hash ${r.hash}`) ? 'bank' : 'standard';
  return { keyType: keyTypeName(r.keyType), keySource, hash: r.hash, hashSource };
}
