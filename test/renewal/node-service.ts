// A renewal service over Node's transport (TLS to the bank, the current certificate lent
// by the store), a real NSS db and the real vault: the wiring the service and interop tests
// share. The app and the command line assemble theirs through core/compose.
import type { LoadedPolicy } from '../../src/main/core/config';
import { openSettings } from '../../src/main/core/config';
import { createNodeTransport } from '../../src/main/core/est';
import { createRenewalService, type CoreService, type RenewalDeps } from '../../src/main/core/renewal';
import type { CertificateStore } from '../../src/main/core/store';
import { createKeytarVault } from '../../src/main/core/vault';

export function nodeService(o: { loaded: LoadedPolicy; store: CertificateStore; journalDir: string } & Partial<Pick<RenewalDeps, 'emit' | 'remind'>>): CoreService {
  return createRenewalService({
    policy: o.loaded.policy,
    policySource: o.loaded.source,
    managed: o.loaded.managed,
    store: o.store,
    vault: createKeytarVault({ service: 'CertDesk test' }),
    settings: openSettings({ dir: o.journalDir }),
    journalDir: o.journalDir,
    transportFor: (identity) =>
      createNodeTransport({
        anchorsPem: o.loaded.policy.trustAnchorPem,
        ...(identity && !('fingerprint' in identity) ? { identity } : {}),
        proxy: 'direct',
        connectTimeoutMs: 5000,
        requestTimeoutMs: 20000,
      }),
    emit: o.emit ?? (() => undefined),
    ...(o.remind ? { remind: o.remind } : {}),
    sleep: async () => undefined,
  });
}
