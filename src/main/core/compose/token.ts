// keyStorage `tpm` / `pkcs11` (Linux): the token named by policy keeps the key. Assembled
// here because it needs the PIN, which only the entry can ask (the CLI's hidden prompt or
// --pin-env; the app's dialog): the custodian makes keys in the token and registers its
// module in every NSS db written, the primary store also sees the token's identities, and
// a renewal over Node's TLS presents the token's key through OpenSSL's pkcs11 engine.
import { basename, dirname } from 'node:path';
import type { Policy } from '../../../shared/policy';
import type { TransportIdentity } from '../renewal';
import type { CertificateStore, KeyCustodian } from '../store';
import { createPkcs11Custodian } from '../store/pkcs11/custody';
import { moduleTargetFor } from '../store/pkcs11/target';
import { registerModule } from '../store/nss/module-registration';
import { withModuleView, type ModuleView } from '../store/nss/module-view';
import { CoreError } from '../errors';
import { withModuleToken } from '../store/pkcs11/module';
import { createKeytarPinStore, type PinStore } from '../vault';

export interface TokenWiring {
  custodian: KeyCustodian;
  /** The primary store, seeing the token's identities too. */
  store: CertificateStore;
  /** Every store written, primary first; each NSS db sees the token (its module registered there). */
  stores: CertificateStore[];
  /** The identity for Node's mutual TLS: the token's key through the engine, else the store's lent key. */
  identityFor(fingerprint: string): Promise<TransportIdentity>;
}

export function usesToken(policy: Policy): boolean {
  return policy.keyStorage === 'tpm' || policy.keyStorage === 'pkcs11';
}

export function wireToken(policy: Policy, stores: CertificateStore[], pin: string | undefined): TokenWiring {
  const target = moduleTargetFor(policy, pin);
  const storage = policy.keyStorage as 'tpm' | 'pkcs11';
  const base = createPkcs11Custodian({ ...target, storage });
  const nssDbs = stores.filter((s) => s.kind === 'nss').map((s) => dirname(s.lockFile));
  const name = `CertDesk ${basename(target.module).replace(/\.so$/, '')}`;
  const custodian: KeyCustodian = {
    ...base,
    async attach(opts) {
      // The browsers find the token through each db's module list: registered before the
      // certificate is written, so a stored certificate is always one they can see.
      for (const dbDir of nssDbs) await registerModule({ dbDir, name, library: target.module });
      return base.attach(opts);
    },
  };
  const primary = stores[0]!;
  if (primary.kind !== 'nss') throw new CoreError('INTERNAL', 'A PKCS#11 token is wired to an NSS store only.');
  const views = stores.map((s) => (s.kind === 'nss' ? withModuleView(s, { target, dbDir: dirname(s.lockFile) }) : s));
  const view = views[0] as ModuleView;
  return {
    custodian,
    store: view,
    stores: views,
    async identityFor(fingerprint) {
      const inToken = await view.tokenIdentity(fingerprint);
      if (inToken) {
        if (pin === undefined) throw new CoreError('STORE_UNAVAILABLE', `The certificate's key is in the ${base.describe()}, which needs its PIN. Enter the PIN when CertDesk asks for it (the command line: a terminal, or --pin-env VAR).`, { reason: 'PIN_REQUIRED' });
        return { certPem: inToken.certPem, engineKey: { keyUri: inToken.keyUri, pin } };
      }
      if (view.exportIdentity) return view.exportIdentity(fingerprint);
      return { fingerprint };
    },
  };
}

/**
 * The PIN for this run. Without rememberPin: asked (the entry's prompt or dialog), never kept.
 * With it: the keychain's, if the token still takes it (a PIN changed since is forgotten and
 * asked again), else asked, tried on the token and only then kept. A keychain that cannot be
 * reached only means asking.
 */
export async function tokenPin(policy: Policy, ask: (() => Promise<string | null>) | undefined, o: { store?: PinStore } = {}): Promise<string | undefined> {
  if (!policy.rememberPin) return (await ask?.()) ?? undefined;
  const target = moduleTargetFor(policy, undefined);
  const store = o.store ?? createKeytarPinStore(target);
  const check = (pin: string) => withModuleToken({ ...target, pin }, 'read', () => undefined);
  const kept = await store.get().catch(() => null);
  if (kept !== null) {
    try {
      await check(kept);
      return kept;
    } catch (err) {
      if (!(err instanceof CoreError && err.detail?.reason === 'PIN_INCORRECT')) throw err;
      await store.delete().catch(() => undefined);
    }
  }
  const asked = (await ask?.()) ?? undefined;
  if (asked === undefined) return undefined;
  await check(asked);
  await store.set(asked).catch(() => undefined);
  return asked;
}
