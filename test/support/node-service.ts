// A renewal service over Node's transport (TLS to the bank, the current certificate lent
// by the store), a real NSS db and the real vault: the wiring the service and interop tests
// share. The app and the command line assemble theirs through core/compose.
import type { LoadedPolicy } from '../../src/main/core/config';
import { openSettings } from '../../src/main/core/config';
import { createNodeTransport, type EstTransport } from '../../src/main/core/est';
import { createRenewalService, type CoreService, type RenewalDeps } from '../../src/main/core/renewal';
import type { CertificateStore } from '../../src/main/core/store';
import { createKeytarVault, type Vault } from '../../src/main/core/vault';

export interface NodeServiceOptions extends Partial<Pick<RenewalDeps, 'emit' | 'remind' | 'log' | 'stores' | 'vault' | 'recoverOnRead' | 'custodian'>> {
  /** The policy; `source` and `managed` are passed on only when given (a test's bare policy has neither). */
  loaded: Pick<LoadedPolicy, 'policy'> & Partial<Pick<LoadedPolicy, 'source' | 'managed'>>;
  store: CertificateStore;
  journalDir: string;
  /** Sees (and may wrap) each transport the service makes. Default: none. */
  onTransport?: (t: EstTransport) => EstTransport;
}

export function nodeService(o: NodeServiceOptions): CoreService {
  const { loaded, onTransport } = o;
  return createRenewalService({
    policy: loaded.policy,
    ...(loaded.source !== undefined ? { policySource: loaded.source } : {}),
    ...(loaded.managed !== undefined ? { managed: loaded.managed } : {}),
    store: o.store,
    ...(o.stores ? { stores: o.stores } : {}),
    vault: o.vault ?? createKeytarVault({ service: 'CertDesk test' }),
    settings: openSettings({ dir: o.journalDir }),
    journalDir: o.journalDir,
    transportFor: (identity) => {
      const t = createNodeTransport({
        anchorsPem: loaded.policy.trustAnchorPem,
        ...(identity && !('fingerprint' in identity) ? { identity } : {}),
        proxy: 'direct',
        connectTimeoutMs: 5000,
        requestTimeoutMs: 20000,
      });
      return onTransport ? onTransport(t) : t;
    },
    emit: o.emit ?? (() => undefined),
    ...(o.remind ? { remind: o.remind } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.recoverOnRead !== undefined ? { recoverOnRead: o.recoverOnRead } : {}),
    ...(o.custodian ? { custodian: o.custodian } : {}),
    sleep: async () => undefined,
  });
}

/**
 * A service for what never reaches the bank (diagnostics): any transport it asks for throws.
 * The policy's source, managed fields, origins and ignored fields are passed on when given.
 */
export function offlineService(o: { loaded: Pick<LoadedPolicy, 'policy'> & Partial<LoadedPolicy>; stores: CertificateStore[]; vault: Vault; journalDir: string }): CoreService {
  const { loaded, stores } = o;
  return createRenewalService({
    policy: loaded.policy,
    ...(loaded.source !== undefined ? { policySource: loaded.source } : {}),
    ...(loaded.managed !== undefined ? { managed: loaded.managed } : {}),
    ...(loaded.origins ? { origins: loaded.origins } : {}),
    ...(loaded.ignored?.length ? { ignoredPolicy: loaded.ignored } : {}),
    store: stores[0]!,
    ...(stores.length > 1 ? { stores } : {}),
    vault: o.vault,
    settings: openSettings({ dir: o.journalDir }),
    journalDir: o.journalDir,
    transportFor: () => {
      throw new Error('diagnostics never contacts the bank');
    },
    emit: () => undefined,
  });
}
