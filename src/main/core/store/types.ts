// The one interface every certificate store adapter implements (docs/core-modules.md).

export interface StoredIdentity {
  /** SHA-256 of the certificate, lowercase hex. */
  fingerprint: string;
  certificateDer: Uint8Array;
  hasPrivateKey: boolean;
  /** The store's own name for it: NSS nickname, Windows friendly name, macOS label. */
  nickname?: string;
}

export interface VerifyOptions {
  usageChecked?: boolean;
}

export interface InstallOptions {
  privateKeyPkcs8: Uint8Array;
  certificateDer: Uint8Array;
  /** Issuing CA(s), leaf first; a self-signed root here is never trusted by install. */
  chainDer: Uint8Array[];
  friendlyName: string;
}

/** What a removal saw besides its own work. */
export interface RemoveReport {
  /** Certificates another writer removed or changed while this removal ran (a warning, not a failure). */
  changedByOthers?: string[];
}

export interface CertificateStore {
  readonly kind: 'nss' | 'windows' | 'macos';
  /** For diagnostics, e.g. "NSS db /home/u/.pki/nssdb". */
  describe(): string;
  /**
   * The renewal lock of this store: one path per store whatever the caller's data folder,
   * so that two processes never write one store at once (beside an NSS db; per user for
   * the Windows store and the macOS login keychain).
   */
  readonly lockFile: string;
  /** Identities (end-entity certificates) whose issuer chains to one of the anchors. */
  list(anchorsDer: Uint8Array[]): Promise<StoredIdentity[]>;
  /** Installs and reads back: resolves only once the store lists it with its key. */
  install(opts: InstallOptions): Promise<StoredIdentity>;
  /**
   * Reads the certificate back from the store: listed with its private key, chaining to an
   * anchor through what the store holds. `usageChecked`: the caller has already verified
   * these exact bytes (found by their SHA-256) for TLS client authentication (the renewal's
   * verify step, pkijs): a store may then skip a second opinion that only repeats that
   * check (the NSS store's vfychain, a process start and a db open).
   */
  verifyInstalled(fingerprint: string, anchorsDer: Uint8Array[], opts?: VerifyOptions): Promise<StoredIdentity>;
  /**
   * Removes the certificate and its private key, each read back. Removing what is not there
   * is not an error. Stores that can tell report what another writer changed meanwhile.
   */
  remove(fingerprint: string): Promise<RemoveReport | void>;
  /** Private keys no certificate of the store carries (NSS: by CKA_ID), for doctor and the orphan sweep. */
  keysWithoutCertificate?(): Promise<Array<{ keyId: string; label: string }>>;
  /**
   * The bank's CA certificates, as chain material only: never a trust anchor, never trusted
   * for a server. A self-signed root is not stored (the pinned anchor lives in policy).
   */
  installCaCertificates(caDer: Uint8Array[]): Promise<void>;
  /**
   * Only where the store can lend the key to Node (NSS): the identity for mutual TLS, the
   * certificate (then its CAs) and the decrypted key as PEM, held in memory only.
   */
  exportIdentity?(fingerprint: string): Promise<{ certPem: string; keyPem: string }>;
}

export interface RunOptions {
  /** Written to the tool's stdin (then closed). */
  input?: string;
  /** Added to the tool's environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one OS tool with an argument array (never a shell string). Resolves with the exit
 * code whatever it is; rejects only with a CoreError when the tool is missing or hangs.
 */
export type CommandRunner = (cmd: string, args: string[], opts?: RunOptions) => Promise<RunResult>;
