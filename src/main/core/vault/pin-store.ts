// A token's PIN kept in the OS keychain, only where the policy says so (rememberPin): one
// entry per token (module and label) beside the journal's key, under the same service.
// keytar is loaded lazily, as for the journal key.
import { CoreError } from '../errors';
import { VAULT_SERVICE } from './keytar-vault';

export interface PinStore {
  get(): Promise<string | null>;
  set(pin: string): Promise<void>;
  delete(): Promise<void>;
}

type Keytar = typeof import('keytar');

export function createKeytarPinStore(token: { module: string; tokenLabel: string }, opts: { service?: string } = {}): PinStore {
  const service = opts.service ?? VAULT_SERVICE;
  const account = `token-pin:${token.module}:${token.tokenLabel}`;
  const keytar = async (): Promise<Keytar> => {
    try {
      const m = await import('keytar');
      return ((m as { default?: Keytar }).default ?? m) as Keytar;
    } catch (err) {
      throw unavailable(err);
    }
  };
  const call = async <T>(fn: (k: Keytar) => Promise<T>): Promise<T> => {
    const k = await keytar();
    try {
      return await fn(k);
    } catch (err) {
      throw unavailable(err);
    }
  };
  return {
    get: () => call((k) => k.getPassword(service, account)),
    set: (pin) => call((k) => k.setPassword(service, account, pin)),
    delete: () => call((k) => k.deletePassword(service, account)).then(() => undefined),
  };
}

function unavailable(err: unknown): CoreError {
  const text = err instanceof Error ? err.message : String(err);
  return new CoreError('VAULT_UNAVAILABLE', `The token's PIN cannot be kept in the OS keychain (${text.split('\n')[0]?.slice(0, 160)}). Unlock the keychain, or enter the PIN at every renewal (policy rememberPin: false).`, { reason: 'NO_KEYCHAIN' }, { cause: err });
}
