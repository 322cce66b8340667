// The journal's key in the OS keychain (Secret Service, macOS Keychain, Windows Credential
// Manager) through keytar: the only keytar import of the project, so that Electron's
// safeStorage can replace it in this one file. keytar is loaded lazily: a machine without
// libsecret must still start and get a typed error, not a crash at import.
import { randomBytes } from 'node:crypto';
import { CoreError } from '../errors';
import type { Vault } from './types';

type Keytar = typeof import('keytar');

export const VAULT_SERVICE = 'CertDesk';
export const VAULT_ACCOUNT = 'journal-key';
const KEY_BYTES = 32;

export function createKeytarVault(opts: { service?: string; account?: string } = {}): Vault {
  const service = opts.service ?? VAULT_SERVICE;
  const account = opts.account ?? VAULT_ACCOUNT;
  let keytar: Promise<Keytar> | undefined;
  // One operation at a time in this process: two first calls must not create two keys.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const load = (): Promise<Keytar> =>
    (keytar ??= import('keytar').then(
      (m) => ((m as { default?: Keytar }).default ?? m) as Keytar,
      (err: unknown) => {
        keytar = undefined;
        throw unavailable(err);
      },
    ));

  return {
    getOrCreateKey: () =>
      serial(async () => {
        const k = await load();
        const stored = await call(() => k.getPassword(service, account));
        if (stored !== null) return decode(stored, service);
        await call(() => k.setPassword(service, account, randomBytes(KEY_BYTES).toString('base64')));
        // Read back: what the keychain holds is the key, whoever wrote it last.
        const written = await call(() => k.getPassword(service, account));
        if (written === null) throw new CoreError('VAULT_UNAVAILABLE', 'The OS keychain accepted the key but does not return it. Unlock the keychain (on Linux: gnome-keyring or KWallet) and try again.', { reason: 'NOT_STORED' });
        return decode(written, service);
      }),
    delete: () =>
      serial(async () => {
        const k = await load();
        await call(() => k.deletePassword(service, account));
      }),
  };
}

function decode(stored: string, service: string): Uint8Array {
  const bytes = Buffer.from(stored, 'base64');
  if (bytes.length !== KEY_BYTES || bytes.toString('base64') !== stored) {
    // Never replace it silently: the renewal journal is encrypted with it.
    throw new CoreError('VAULT_UNAVAILABLE', `The key stored in the OS keychain under "${service}" is damaged. Delete that entry with the keychain tool; an interrupted renewal will then start over.`, { reason: 'BAD_SECRET' });
  }
  return new Uint8Array(bytes);
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw unavailable(err);
  }
}

function unavailable(err: unknown): CoreError {
  if (err instanceof CoreError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new CoreError(
    'VAULT_UNAVAILABLE',
    `No OS keychain is available to keep CertDesk's key (${text.split('\n')[0]?.slice(0, 160)}). On Linux, install and unlock a Secret Service (gnome-keyring or KWallet) in your desktop session; on Windows and macOS, sign in to your own user session.`,
    { reason: 'NO_KEYCHAIN' },
    { cause: err },
  );
}
