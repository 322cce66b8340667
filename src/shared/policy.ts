// Policy values both sides understand. The schema and loading live in src/main/core/config.
import type { Language } from './contract';
import type { KeyStorage } from './custody';

export type KeyType = 'rsa2048' | 'rsa3072' | 'ecdsaP256';
export const KEY_TYPES: readonly KeyType[] = ['rsa2048', 'rsa3072', 'ecdsaP256'];

/** `system` (the OS's proxy), `direct`, or an `http://host:port` URL. */
export type ProxySetting = 'system' | 'direct' | `http://${string}`;

export type StoreSpec = 'os' | `nss:${string}` | 'firefox';

// Where the private key is born and lives: the type is src/shared/custody.ts's, beside the decision.
export type { KeyStorage } from './custody';
export const KEY_STORAGES: readonly KeyStorage[] = ['software', 'store', 'tpm', 'pkcs11'];

/** A PKCS#11 module and the token in it that holds the key (`keyStorage` `pkcs11` or `tpm`). */
export interface Pkcs11Setting {
  /** Absolute path of the module (.so/.dll/.dylib). */
  module: string;
  /** The token's label (CKA_LABEL of the token, as `p11tool --list-tokens` shows it). */
  tokenLabel: string;
}

/** Who the user should call: shown on every error, on the home screen and in the CLI's errors. */
export interface SupportContact {
  name: string;
  phone?: string;
  /** Opening hours as the bank writes them, e.g. "平日 9:00〜17:00". */
  hours?: string;
  url?: string;
  email?: string;
}

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
  /**
   * The subject of a 取得 request when the store holds no earlier certificate of the bank: a
   * DN template in which {loginId} is replaced ("CN={loginId}"); unset = an empty subject.
   */
  acquireSubject?: string;
  /** Where the new private key is made; `store` by default. */
  keyStorage: KeyStorage;
  /** The module and token for `keyStorage` `pkcs11` (required then) and `tpm` (optional). */
  pkcs11?: Pkcs11Setting;
  /** Keep a token PIN in the vault (the OS keychain) instead of asking at every renewal. */
  rememberPin: boolean;
  /** The bank's helpdesk; unset = the text says the contact is in the bank's IB documents. */
  support?: SupportContact;
  /** The bank's IB login page, opened by the done screen's login button (same origin as bankSiteUrl when both are set). */
  bankLoginUrl?: string;
  /** The bank's page on revoking the old PC's certificate before 取得 on a new PC. */
  newPcGuideUrl?: string;
  /** The scheduled check (`certdesk check`) renews by itself when the renewal window is open; default off. */
  autoRenew: boolean;
  /** When the daily scheduled check runs, local time "HH:MM" (the schedule adds a random delay); default 10:00. */
  checkTime: string;
  /** Whether the scheduled check also runs at each login (and the reminders show then); default on. */
  remindersAtLogin: boolean;
}

/** The attribute names a subject may be written with, and their OIDs (pki shows names with the same table). */
export const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  serialNumber: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  title: '2.5.4.12',
  postalCode: '2.5.4.17',
  GN: '2.5.4.42',
  emailAddress: '1.2.840.113549.1.9.1',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
};

export interface SubjectTemplateAttribute {
  oid: string;
  value: string;
}

/** The one placeholder of `acquireSubject`. */
export const LOGIN_ID_PLACEHOLDER = '{loginId}';

/**
 * `acquireSubject` read as RFC 4514 text ("CN={loginId},O=Example": most specific first, as
 * LDAP and `openssl -nameopt RFC2253` write it), returned in DER order (the reverse), one
 * attribute per RDN. Throws an Error whose message completes "acquireSubject …".
 */
export function parseSubjectTemplate(template: string): SubjectTemplateAttribute[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\') {
      const next = template[i + 1];
      if (next === undefined) throw new Error('ends in a lone backslash');
      current += ch + next;
      i++;
    } else if (ch === ',') {
      parts.push(current);
      current = '';
    } else if (ch === '+') {
      throw new Error('has a multi-valued RDN ("+"); write one attribute per RDN, separated by commas (a literal + is written \\+)');
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const byName = new Map(Object.entries(NAME_ATTRIBUTES).map(([n, oid]) => [n.toLowerCase(), oid]));
  const attrs = parts.map((part) => {
    const eq = /^([^=\\]*)=(.*)$/s.exec(part);
    if (!eq) throw new Error(`has "${part.trim()}", which is not NAME=value`);
    const name = eq[1]!.trim();
    const oid = /^[0-2](\.(0|[1-9][0-9]*))+$/.test(name) ? name : byName.get(name.toLowerCase());
    if (!oid) throw new Error(`names the attribute "${name}", which CertDesk does not know; use ${Object.keys(NAME_ATTRIBUTES).join(', ')} or a dotted OID`);
    const value = eq[2]!.trim().replace(/\\(.)/gs, '$1');
    if (value.length === 0) throw new Error(`gives ${name} an empty value`);
    const unknown = /\{[^}]*\}/.exec(value.split(LOGIN_ID_PLACEHOLDER).join(''));
    if (unknown) throw new Error(`has the placeholder ${unknown[0]}; only ${LOGIN_ID_PLACEHOLDER} is replaced`);
    return { oid, value };
  });
  return attrs.reverse();
}

/** The template's attributes with the login ID put in (after parsing, so a login ID cannot add attributes). */
export function fillSubjectTemplate(attrs: SubjectTemplateAttribute[], loginId: string): SubjectTemplateAttribute[] {
  return attrs.map((a) => ({ oid: a.oid, value: a.value.split(LOGIN_ID_PLACEHOLDER).join(loginId) }));
}
