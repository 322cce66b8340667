// Policy values both sides understand. The schema and loading live in src/main/core/config.
import type { Language } from './contract';

export type KeyType = 'rsa2048' | 'rsa3072' | 'ecdsaP256';
export const KEY_TYPES: readonly KeyType[] = ['rsa2048', 'rsa3072', 'ecdsaP256'];

/** `system` (the OS's proxy), `direct`, or an `http://host:port` URL. */
export type ProxySetting = 'system' | 'direct' | `http://${string}`;

export type StoreSpec = 'os' | `nss:${string}` | 'firefox';

export interface Policy {
  bankName: string;
  /** EST base URL: https://…/.well-known/est[/label] */
  endpoint: string;
  /** PEM of the pinned trust anchor(s); loaded from trustAnchorFile when that is given. */
  trustAnchorPem: string;
  keyType: KeyType;
  renewWindowDays: number;
  graceDays: number;
  reminderDays: number[];
  removeSuperseded: boolean;
  proxy: ProxySetting;
  language: Language;
  stores: StoreSpec[];
  /** The bank's web site, the only origin shell.openExternal may open. */
  bankSiteUrl?: string;
  /** Connect and whole-request timeouts, ms. */
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** How many 202 "pending" answers to wait through before giving up. */
  pendingMaxAttempts: number;
  /** Allowed difference between this PC's clock and the bank's Date header. */
  maxClockSkewSeconds: number;
}
