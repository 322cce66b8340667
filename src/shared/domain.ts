// Domain values shared by main and renderer. Pure data: no node, no DOM.

export type Phase = 'valid' | 'renewable' | 'acquirable' | 'reissue';

/** Days before expiry at which a reminder is due (policy `reminderDays`, default [30, 10]). */
export type ReminderThreshold = number;

export interface RdnAttribute {
  /** Dotted OID, e.g. 2.5.4.3. */
  oid: string;
  /** Short name where known (C, O, OU, CN, …), else the OID. */
  name: string;
  value: string;
  /** ASN.1 string type as encoded: UTF8String, PrintableString, … */
  encoding: string;
}

export interface DistinguishedName {
  /** One entry per RDN, in order; each RDN may hold several attributes. */
  rdns: RdnAttribute[][];
  /** One-line form, RFC 4514 order reversed for reading: "C=JP, O=…, CN=…". */
  text: string;
}

export interface CertificateDetails {
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Serial number as `openssl x509 -serial` prints it, in lowercase: whole bytes, `-` before a negative one. */
  serialHex: string;
  notBefore: string; // ISO instant
  notAfter: string; // ISO instant
  sha256: string; // lowercase hex
  sha1: string; // lowercase hex
  keyAlgorithm: 'RSA' | 'EC' | 'other';
  /** Modulus bits for RSA, curve size for EC. */
  keySize: number;
  /** e.g. "P-256" for EC. */
  curve?: string;
  keyUsage: string[]; // digitalSignature, keyEncipherment, …
  extendedKeyUsage: string[]; // clientAuth, serverAuth, or dotted OIDs
  subjectAltNames: string[]; // "DNS:…", "email:…", "IP:…", "URI:…"
  isCA: boolean;
  /** Facts the bank's policy cares about. */
  facts: {
    clientAuthUsable: boolean;
    selfSigned: boolean;
    /** The private key for this certificate is present in the store (filled by the store). */
    hasPrivateKey?: boolean;
    /** The chain to the pinned anchor is complete in the store (filled by the store). */
    chainComplete?: boolean;
  };
  /** PEM of the certificate, for "copy for the helpdesk". */
  pem: string;
}

export interface CertificateSummary {
  fingerprint: string; // SHA-256 lowercase hex
  holder: string; // subject CN (or the one-line subject)
  organisation?: string;
  notAfter: string; // ISO instant
  /** JST date of notAfter, YYYY-MM-DD. */
  expiryDate: string;
  phase: Phase;
  daysLeft: number;
  /** JST date renewal opens, YYYY-MM-DD. */
  renewalOpensOn: string;
  /** Last JST date 取得 is possible, YYYY-MM-DD. */
  graceEndsOn: string;
  remindersDue: ReminderThreshold[];
  /** True from the window's start: show 「電子証明書の更新をお願いします」. */
  noticeDue: boolean;
  hasPrivateKey: boolean;
  /**
   * 置き換え済み: the SHA-256 of a newer certificate of the same holder beside it (phase.ts's
   * supersededBy). Then nothing is due for this one: no notice, no reminder, never renewed.
   */
  supersededBy?: string;
}
