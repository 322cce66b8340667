// Where the renewal's private key is made and kept: decided once, by the core's store layer
// (store/custody-decision.ts, from the policy and the stores this run writes), and reported
// as it is in the preflight (`doctor`) and the diagnostics. Front ends read it; none decides it.

/**
 * Where the private key is born and lives, as the policy asks (issue 16): `software` (made in
 * CertDesk, imported into the store), `store` (made inside the store itself: the NSS db's token,
 * Windows' KSP), `tpm` (a TPM: tpm2-pkcs11 on Linux, the Platform Crypto Provider on Windows),
 * `pkcs11` (a smart card or HSM through the module and token named in `pkcs11`).
 */
export type KeyStorage = 'software' | 'store' | 'tpm' | 'pkcs11';

/**
 * `software`: made in CertDesk, sealed in the journal until installed into every store;
 * `nss-token`: inside the NSS db's own token; `module`: a PKCS#11 token (tpm2-pkcs11, a smart
 * card) through its module; `windows-ksp` / `windows-platform`: Windows' Software Key Storage
 * Provider / Platform Crypto Provider (the TPM); `macos-keychain`: made in CertDesk and imported
 * into the login keychain non-extractable; `refused`: nowhere (`error` says why and what to set).
 */
export type CustodyPlace = 'software' | 'nss-token' | 'module' | 'windows-ksp' | 'windows-platform' | 'macos-keychain' | 'refused';

/**
 * Why the key goes where it goes: `AS_ASKED` (the policy's keyStorage, honoured);
 * `SEVERAL_STORES` (keyStorage "store" with several stores: a key made inside one cannot be
 * copied into another, so it is a software key); `MACOS_SOFTWARE` (macOS: the login keychain
 * makes no keys through `security`, so CertDesk makes it and imports it non-extractable);
 * `NOT_HERE` (keyStorage tpm / pkcs11 that these stores cannot honour: refused).
 */
export type CustodyWhy = 'AS_ASKED' | 'SEVERAL_STORES' | 'MACOS_SOFTWARE' | 'NOT_HERE';

export interface KeyCustodyDecision {
  /** What the policy asked (keyStorage). */
  asked: KeyStorage;
  /** Who keeps the key: the kind the journal records (KeyCustodian.storage). Absent when refused. */
  storage?: KeyStorage;
  place: CustodyPlace;
  why: CustodyWhy;
  /** `module`: the PKCS#11 module's path and the token's label. */
  module?: string;
  tokenLabel?: string;
  /** The stores the key must serve (one store named twice counts once). */
  stores: number;
  /**
   * The key, once its certificate is attached, serves every store written: a software key is
   * installed into each, a module's token is registered in every NSS db. False for a key born
   * inside one store (its own token, Windows' key storage).
   */
  everyStore: boolean;
  /** `refused`: what happened and what to set (an ApiError: STORE_UNAVAILABLE, reason CUSTODIAN_UNAVAILABLE). */
  error?: { code: 'STORE_UNAVAILABLE'; message: string; detail: { reason: 'CUSTODIAN_UNAVAILABLE'; field: 'keyStorage' } };
}
