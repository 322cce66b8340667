// Who owns the private key (issue 16): the one seam through which the renewal makes a key,
// has the request signed, puts the issued certificate next to the key, and finds or removes
// a key by its ID. The renewal steps, the journal and recovery speak only to this seam; the
// journal records the key's ID (and, for `software` only, the sealed key).
//
// Implementations: `software` (the key made in CertDesk, imported with the certificate;
// macOS and the fallback), the NSS db's own token and any PKCS#11 token (softhsm2, a smart
// card, tpm2-pkcs11) on Linux, Windows' key storage through certreq (KSP or the Platform
// Crypto Provider).
import type { KeyStorage, KeyType } from '../../../shared/policy';
import type { StoredIdentity } from './types';

export interface KeyRequestSpec {
  keyType: KeyType;
  /** The subject, DER of the Name, kept byte for byte in the request. */
  subjectDer: Uint8Array;
  /** A nickname / friendly name for the key where the store shows one. */
  label: string;
  /** Extra request attributes in DER (Attribute SEQUENCEs), e.g. from /csrattrs; each adapter says which it can carry. */
  attributesDer?: Uint8Array[];
  /** The request's signature hash (default SHA-256; a bank's /csrattrs may ask for SHA-384). */
  hash?: 'SHA-256' | 'SHA-384';
  /** A key generateKey made, of `keyType`, to sign with instead of making one. */
  keyId?: string;
}

export interface KeyRequest {
  /**
   * The key's ID in its custodian, stable across processes: hex CKA_ID for a PKCS#11
   * token (NSS's convention: SHA-1 of the RSA modulus or the EC point), the pending
   * request's key container on Windows, the public key's SHA-256 for `software`.
   */
  keyId: string;
  /** The PKCS#10 request, DER, signed by the key where it lives. */
  csrDer: Uint8Array;
  /** SubjectPublicKeyInfo DER of the new key (the issued certificate must carry it). */
  publicKeySpki: Uint8Array;
  /**
   * Only `software`: the private key as PKCS#8, which the journal seals and `attach` needs.
   * Every other custodian leaves it unset: the key never leaves the store.
   */
  softwarePkcs8?: Uint8Array;
}

export interface AttachOptions {
  keyId: string;
  certificateDer: Uint8Array;
  /** Issuing CA(s), leaf first: chain material only, never trusted. */
  chainDer: Uint8Array[];
  friendlyName: string;
  /** Only `software`: the PKCS#8 that `createRequest` returned (unsealed from the journal on a resumed run). */
  softwarePkcs8?: Uint8Array;
}

export interface KeyCustodian {
  readonly storage: KeyStorage;
  /** For diagnostics and errors, e.g. "NSS db /home/u/.pki/nssdb (token NSS Certificate DB)". */
  describe(): string;
  /**
   * Makes the key pair alone, before the request's shape is known, so that its generation
   * overlaps the bank's cacerts and csrattrs (issue 29); createRequest with its `keyId` signs
   * with it. A key the request then does not use is the caller's to remove (removeKey).
   * Custodians without it make the key in createRequest.
   */
  generateKey?(spec: Pick<KeyRequestSpec, 'keyType' | 'label'>): Promise<{ keyId: string; keyType: KeyType }>;
  /** Makes a key pair where it will live (or takes spec.keyId's) and signs the request there. */
  createRequest(spec: KeyRequestSpec): Promise<KeyRequest>;
  /** Puts the issued certificate next to its key; resolves only once the store lists it with its key. */
  attach(opts: AttachOptions): Promise<StoredIdentity>;
  /** Whether the key is (still) in the custodian. */
  hasKey(keyId: string): Promise<boolean>;
  /** Removes a key that no certificate uses (an orphan after a kill); removing what is not there is not an error. */
  removeKey(keyId: string): Promise<void>;
  /**
   * Removes the keys made under this working label (KeyRequestSpec.label) that no certificate
   * uses: a kill between the key's making and the journal learning its ID leaves one that
   * only its label names. Custodians that keep nothing before attach leave it out.
   */
  removeKeysLabelled?(label: string): Promise<void>;
}

/**
 * A store that can make keys inside itself offers its custodian through this optional hook
 * (the NSS store: its db's token). `openCustody` (store/custody-decision) asks it for what the decision names.
 */
export interface HasKeyCustodian {
  keyCustodian(storage: KeyStorage): KeyCustodian | undefined;
}
