// Where the renewal's key is made and kept, decided once for a run (issue 28): from the
// policy's keyStorage (and pkcs11 setting) and the stores the run writes, whose kinds are the
// platform's ('os' is the Windows store on Windows, the login keychain on macOS, ~/.pki/nssdb on
// Linux). Nothing else decides it: compose wires a module's token when the decision says so,
// the renewal makes keys through `openCustody`, the preflight (doctor) and the diagnostics
// report the decision as it is.
// The rules:
// - tpm / pkcs11 with an NSS primary: the module's token (its module registered in every NSS db
//   written, so the key serves them all). The token's custodian needs the PIN, which only the
//   entry can ask: compose makes it and hands it over (`token`); without it, unavailable.
// - One store: its own custodian for keyStorage (the NSS db's token for `store`; Windows' KSP for
//   `store`, its Platform Crypto Provider for `tpm`; macOS makes the key in CertDesk and imports
//   it non-extractable for `store` and `software`); `software` elsewhere; what a store cannot
//   honour is refused with what to set.
// - `store` with several stores: `software`, since a key made inside one cannot be copied into
//   another. Never silent: the log line says so, and doctor and the diagnostics report it.
import type { KeyCustodyDecision } from '../../../shared/custody';
import type { KeyStorage, Policy } from '../../../shared/policy';
import { CoreError } from '../errors';
import type { HasKeyCustodian, KeyCustodian } from './custody';
import { moduleTargetFor } from './pkcs11/target';
import { createSoftwareCustodian } from './software-custody';
import type { CertificateStore } from './types';

export type { KeyCustodyDecision } from '../../../shared/custody';

type CustodyPolicy = Pick<Policy, 'keyStorage' | 'pkcs11'>;

/** The stores a run writes, the primary first; one store named twice (same lock file) counts once. */
function distinct<S extends Pick<CertificateStore, 'lockFile'>>(stores: readonly S[]): S[] {
  const out: S[] = [];
  for (const s of stores) if (!out.some((x) => x.lockFile === s.lockFile)) out.push(s);
  return out;
}

const REFUSALS = {
  windowsPkcs11:
    'keyStorage "pkcs11" is not used on Windows: Windows keeps keys in its own key storage, and a smart card is used through its driver (minidriver) there, not through a PKCS#11 module. Ask IT to set keyStorage "store" (or "tpm") in the policy for Windows PCs.',
  macos: (storage: 'tpm' | 'pkcs11') =>
    `keyStorage "${storage}" is not available on macOS. ${storage === 'tpm' ? 'CertDesk makes no keys in a Mac\'s Secure Enclave (a Mac has no TPM)' : 'CertDesk does not use PKCS#11 modules on macOS (a smart card appears in the keychain through its CryptoTokenKit driver)'}. Ask IT to set keyStorage "store" or "software" for Macs: the key is then imported into the login keychain as non-extractable.`,
  severalStores: (storage: 'tpm' | 'pkcs11', n: number) =>
    `keyStorage "${storage}" cannot serve ${n} stores here: a key in the token is seen only by NSS databases. Remove the extra stores from policy, or set keyStorage to "software".`,
};

/** The one decision: policy + the stores (their kinds are the platform's). Pure: nothing is opened or run. */
export function decideCustody(policy: CustodyPolicy, stores: ReadonlyArray<Pick<CertificateStore, 'kind' | 'lockFile'>>): KeyCustodyDecision {
  const all = distinct(stores);
  const primary = all[0];
  if (!primary) throw new CoreError('INTERNAL', 'A key custody needs a store.');
  const asked = policy.keyStorage ?? 'store';
  const n = all.length;
  const base = { asked, stores: n };
  const refused = (message: string): KeyCustodyDecision => ({ ...base, place: 'refused', why: 'NOT_HERE', everyStore: false, error: { code: 'STORE_UNAVAILABLE', message, detail: { reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' } } });
  if (asked === 'tpm' || asked === 'pkcs11') {
    if (primary.kind === 'nss') {
      const { module, tokenLabel } = moduleTargetFor({ keyStorage: asked, ...(policy.pkcs11 ? { pkcs11: policy.pkcs11 } : {}) }, undefined);
      return { ...base, storage: asked, place: 'module', why: 'AS_ASKED', module, tokenLabel, everyStore: true };
    }
    if (n > 1) return refused(REFUSALS.severalStores(asked, n));
    if (primary.kind === 'macos') return refused(REFUSALS.macos(asked));
    if (asked === 'pkcs11') return refused(REFUSALS.windowsPkcs11);
    return { ...base, storage: 'tpm', place: 'windows-platform', why: 'AS_ASKED', everyStore: false };
  }
  if (asked === 'store' && n > 1) return { ...base, storage: 'software', place: 'software', why: 'SEVERAL_STORES', everyStore: true };
  if (primary.kind === 'macos' && n === 1) return { ...base, storage: 'software', place: 'macos-keychain', why: asked === 'store' ? 'MACOS_SOFTWARE' : 'AS_ASKED', everyStore: true };
  if (asked === 'software') return { ...base, storage: 'software', place: 'software', why: 'AS_ASKED', everyStore: true };
  return { ...base, storage: 'store', place: primary.kind === 'windows' ? 'windows-ksp' : 'nss-token', why: 'AS_ASKED', everyStore: false };
}

/** A decision and the custodian it names, made on first use. */
export interface Custody {
  readonly decision: KeyCustodyDecision;
  /** Throws the decision's refusal, or (a module's token) that this run has no PIN for it. */
  custodian(): KeyCustodian;
  /** The custodian's words for a report (the diagnostics), without its log line; throws as `custodian()` does. Touches no store. */
  describe(): string;
  /**
   * The custody of a journal's key of this kind (the policy may have changed since the key was
   * made): this one when the kind is the same, else that kind's decision on the primary store
   * alone, where such a key was made.
   */
  of(storage: KeyStorage): Custody;
}

export interface CustodyOptions {
  /**
   * The decision's custodian made by the entry: compose makes a `module` decision's (it holds
   * the PIN); a test may hand over one that watches. Used as given.
   */
  token?: KeyCustodian;
  /** Says when the key is kept otherwise than the policy asked (never silent). */
  log?: (line: string) => void;
  /** The policy's pkcs11 setting, for the decision of a journal's module key. */
  pkcs11?: Policy['pkcs11'];
}

export function openCustody(decision: KeyCustodyDecision, stores: readonly CertificateStore[], o: CustodyOptions = {}): Custody {
  const primary = distinct(stores)[0];
  if (!primary) throw new CoreError('INTERNAL', 'A key custody needs a store.');
  let made: KeyCustodian | undefined;
  const self: Custody = {
    decision,
    custodian: () => (made ??= custodianOf(decision, primary, o)),
    describe: () => (made ?? custodianOf(decision, primary, { ...o, log: undefined })).describe(),
    of(storage) {
      if (storage === (o.token?.storage ?? decision.storage)) return self;
      return openCustody(decideCustody({ keyStorage: storage, ...(o.pkcs11 ? { pkcs11: o.pkcs11 } : {}) }, [primary]), [primary]);
    },
  };
  return self;
}

function custodianOf(d: KeyCustodyDecision, primary: CertificateStore, o: CustodyOptions): KeyCustodian {
  if (o.token) return o.token;
  const own = (storage: KeyStorage): KeyCustodian => {
    const c = (primary as Partial<HasKeyCustodian>).keyCustodian?.(storage);
    if (!c) throw new CoreError('INTERNAL', `${primary.describe()} offers no key custodian for "${storage}".`);
    return c;
  };
  switch (d.place) {
    case 'refused':
      throw new CoreError(d.error!.code, d.error!.message, d.error!.detail);
    case 'module':
      throw new CoreError('STORE_UNAVAILABLE', `keyStorage "${d.asked}" needs the token's PIN, which this way of starting CertDesk does not ask for. Set keyStorage to "store" or "software" in policy, or ask your IT staff.`, { reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' });
    case 'macos-keychain': {
      const c = own('software');
      if (d.why === 'MACOS_SOFTWARE') o.log?.(`keyStorage "store": the new key is kept as "software" by ${c.describe()}.`);
      return c;
    }
    case 'software':
      if (d.why === 'SEVERAL_STORES') o.log?.(`keyStorage "store": the new key is made in CertDesk as a software key (sealed in the journal until installed), because the key must reach ${d.stores} stores and a key made inside one cannot be copied into another.`);
      return createSoftwareCustodian(primary);
    case 'windows-platform':
      return own('tpm');
    default:
      return own('store');
  }
}
