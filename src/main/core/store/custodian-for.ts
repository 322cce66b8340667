// Which custodian makes the renewal's key, from the policy's keyStorage and the stores it
// writes. The decisions:
// - `store`: the primary store's own custodian where it has one (the NSS db's token), else
//   `software`. With several stores the key must reach each of them, and a key born in one
//   token cannot be copied into another: `software` then (made here, sealed in the journal,
//   imported into every store), as before.
// - `software`: always possible.
// - `tpm` / `pkcs11`: the caller (compose) makes the custodian itself, since it needs the PIN.
import type { KeyStorage } from '../../../shared/policy';
import { CoreError } from '../errors';
import type { HasKeyCustodian, KeyCustodian } from './custody';
import { createSoftwareCustodian } from './software-custody';
import type { CertificateStore } from './types';

export function keyCustodianFor(stores: CertificateStore[], storage: KeyStorage): KeyCustodian {
  const primary = stores[0];
  if (!primary) throw new CoreError('INTERNAL', 'A key custodian needs a store.');
  if (storage === 'tpm' || storage === 'pkcs11') {
    throw new CoreError('STORE_UNAVAILABLE', `keyStorage "${storage}" needs the token's PIN, which this way of starting CertDesk does not ask for. Set keyStorage to "store" or "software" in policy, or ask your IT staff.`, { reason: 'CUSTODIAN_UNAVAILABLE', field: 'keyStorage' });
  }
  if (storage === 'store' && stores.length === 1) {
    const own = (primary as Partial<HasKeyCustodian>).keyCustodian?.('store');
    if (own) return own;
  }
  return createSoftwareCustodian(primary);
}
