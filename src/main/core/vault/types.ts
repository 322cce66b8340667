/** The renewal journal's secret: one 32-byte key kept in the OS keychain. */
export interface Vault {
  /** The key, created (32 random bytes) on first use. */
  getOrCreateKey(): Promise<Uint8Array>;
  /** Forget the key. Deleting what is not there is not an error. */
  delete(): Promise<void>;
}
