// Which custodian makes the renewal's key, from the policy's keyStorage and the stores it
// writes. The decisions:
// - One store: its own custodian for that keyStorage where it has one (HasKeyCustodian: the
//   NSS db's token, Windows' key storage, macOS's import-non-extractable path). A store may
//   refuse a keyStorage it cannot honour with CUSTODIAN_UNAVAILABLE and words.
// - `store` with several stores, or a store with no custodian of its own: `software` (made
//   here, sealed in the journal, imported into every store), since a key born in one token
//   cannot be copied into another. Never silent: the `log` line says so, and `doctor` too.
// - `tpm` / `pkcs11` a store does not offer: the caller (compose) makes the custodian itself,
//   since it needs the PIN.
import type { KeyStorage } from '../../../shared/policy';
import { CoreError } from '../errors';
import type { HasKeyCustodian, KeyCustodian } from './custody';
import { createSoftwareCustodian } from './software-custody';
import type { CertificateStore } from './types';

export function keyCustodianFor(stores: CertificateStore[], storage: KeyStorage, log?: (line: string) => void): KeyCustodian {
  const primary = stores[0];
  if (!primary) throw new CoreError('INTERNAL', 'A key custodian needs a store.');
  if (stores.length === 1) {
    const own = (primary as Partial<HasKeyCustodian>).keyCustodian?.(storage);
    if (own) {
      if (own.storage !== storage) log?.(`keyStorage "${storage}": the new key is kept as "${own.storage}" by ${own.describe()}.`);
      return own;
    }
  }
  if (storage === 'tpm' || storage === 'pkcs11') {
    throw new CoreError('STORE_UNAVAILABLE', `keyStorage "${storage}" needs the token's PIN, which this way of starting CertDesk does not ask for. Set keyStorage to "store" or "software" in policy, or ask your IT staff.`, { reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' });
  }
  if (storage === 'store') {
    const why = stores.length > 1 ? `the key must reach ${stores.length} stores and a key made inside one cannot be copied into another` : `${primary.describe()} cannot make keys itself`;
    log?.(`keyStorage "store": the new key is made in CertDesk as a software key (sealed in the journal until installed), because ${why}.`);
  }
  return createSoftwareCustodian(primary);
}
