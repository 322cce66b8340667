// The bank simulator's in-process API, for tests, benchmarks and the demo.
import { BankServer } from './server';

export interface Bank {
  url: string;                 // https://127.0.0.1:PORT/.well-known/est  (+ /label when given)
  origin: string;              // https://127.0.0.1:PORT
  trustAnchorPem: string; trustAnchorPath: string;   // the root
  issuingCaPem: string;
  seedAccount(id: string, days: number, password?: string /* default random, returned */, opts?: { keyType?: 'rsa2048' | 'ecdsaP256' })
    : Promise<{ id: string; password: string; p12Path: string; p12Password: string; certPem: string; keyPem: string /* PKCS#8 */; fingerprint: string /* sha256 hex of DER */ }>;
  setClock(at: Date | null): void;       // null = real time
  /** The next n new requests answer 202 + Retry-After `rounds` times (default 1) before the identical resend is issued; `form` 'date': Retry-After as an HTTP date. */
  setPending(n: number, retryAfterSeconds?: number, rounds?: number, form?: 'seconds' | 'date'): void;
  revoke(fingerprint: string): void;
  /** The company's IB administrator revokes the account's current certificate (a new PC): 取得 is allowed at any time after. */
  revokeByAdmin(accountId: string): Promise<void>;
  account(id: string): { id: string; active: boolean; currentFingerprint?: string; issued: string[] } | undefined;
  stop(): Promise<void>;
}

export function startBank(opts: {
  dataDir: string; port?: number /* 0 */; label?: string; clock?: Date; pending?: number; log?: (line: string) => void;
  /** Server shapes other than ours (see BankOptions): a one-tier CA, 取得 that needs a commonName, a csrattrs with content. */
  oneTier?: boolean; requireCommonName?: boolean; csrAttrs?: 'algorithms' | 'rich'; clientCertOnly?: boolean; tlsVersion?: 'TLSv1.2' | 'TLSv1.3';
}): Promise<Bank> {
  return BankServer.start(opts);
}
