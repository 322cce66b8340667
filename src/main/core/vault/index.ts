// The vault module's surface (docs/core-modules.md).
export type { Vault } from './types';
export { createKeytarVault, VAULT_SERVICE, VAULT_ACCOUNT } from './keytar-vault';
export { createKeytarPinStore, type PinStore } from './pin-store';
