// What the renewal service's parts share: the parsed anchors, the journal, the one
// operation in progress (in this process and, by the lock, across processes) and the
// listing of the bank's certificates that serves the calls of a moment.
import { join } from 'node:path';
import { CoreError } from '../errors';
import { pemToDer } from '../pki';
import { decideCustody, openCustody, type CertificateStore, type Custody, type StoredIdentity } from '../store';
import { Journal } from './journal';
import { acquireRenewalLocks } from './lock';
import type { Engine } from './engine';
import type { RenewalDeps, TransportIdentity } from './types';

export interface Session {
  deps: RenewalDeps;
  now(): Date;
  journal: Journal;
  /** Every store the renewal writes, the primary (deps.store) first. */
  stores: CertificateStore[];
  anchorsDer: Uint8Array[];
  /** Where keys are made and kept: decided once (compose's decision, else the store layer's for these stores). */
  custody: Custody;
  engine(signal: AbortSignal): Engine;
  /** Runs `fn` as the one operation in progress; BUSY when another runs. */
  exclusive<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  busy(): boolean;
  /** Aborts the operation in progress; false when there is none. */
  cancel(): boolean;
  /** The store's certificates of the bank, listed at most once every few seconds. */
  listBank(): Promise<StoredIdentity[]>;
  storeChanged(): void;
  identityFor(fingerprint: string): Promise<TransportIdentity>;
}

// One listing serves the calls of a moment (the CLI's overview then renew; the UI's
// overview then details): each is several store-tool runs. Any change to the store drops it.
const LIST_TTL_MS = 3000;

export function openSession(deps: RenewalDeps): Session {
  const now = deps.now ?? (() => new Date());
  const journal = new Journal(deps.journalDir);
  let anchorsDer: Uint8Array[];
  try {
    anchorsDer = pemToDer(deps.policy.trustAnchorPem, 'CERTIFICATE');
  } catch {
    throw new CoreError('POLICY_INVALID', 'The trust anchor in the policy cannot be read.', { field: 'trustAnchorPem', file: deps.policySource ?? '(policy)' });
  }
  // One store named twice (e.g. "os" and the same nss:DIR) is written once.
  const stores: CertificateStore[] = [];
  for (const s of [deps.store, ...(deps.stores ?? [])]) if (!stores.some((x) => x.lockFile === s.lockFile)) stores.push(s);
  // Its custodian is made when a key is made or found, not before: a policy whose custodian
  // cannot be had here (tpm without a PIN) still lists, shows and recovers a software journal.
  const custody = openCustody(deps.custody ?? decideCustody(deps.policy, stores), stores, {
    ...(deps.custodian ? { token: deps.custodian } : {}),
    ...(deps.log ? { log: deps.log } : {}),
    ...(deps.policy.pkcs11 ? { pkcs11: deps.policy.pkcs11 } : {}),
  });
  let controller: AbortController | null = null;
  let busy = false;
  let listCache: { at: number; value: Promise<StoredIdentity[]> } | null = null;
  const storeChanged = () => {
    listCache = null;
  };

  return {
    deps,
    now,
    journal,
    stores,
    anchorsDer,
    custody,
    engine: (signal) => ({ deps, journal, stores, anchorsDer, signal, custody }),
    async exclusive(fn) {
      if (busy) throw new CoreError('BUSY', 'A renewal is already running. Wait for it to finish.');
      busy = true;
      controller = new AbortController();
      let unlock: (() => Promise<void>) | undefined;
      try {
        unlock = await acquireRenewalLocks(
          { file: join(deps.journalDir, 'renewal.lock'), what: `the data folder ${deps.journalDir}` },
          ...stores.map((s) => ({ file: s.lockFile, what: s.describe(), unwritable: 'STORE_WRITE_FAILED' as const })),
        );
        return await fn(controller.signal);
      } finally {
        storeChanged();
        controller = null;
        busy = false;
        await unlock?.().catch(() => undefined);
      }
    },
    busy: () => busy,
    cancel() {
      const c = controller;
      if (!c || c.signal.aborted) return false;
      c.abort();
      return true;
    },
    listBank() {
      const t = Date.now();
      if (!listCache || t - listCache.at > LIST_TTL_MS) {
        const entry = { at: t, value: deps.store.list(anchorsDer) };
        listCache = entry;
        entry.value.catch(() => {
          if (listCache === entry) listCache = null;
        });
      }
      return listCache.value;
    },
    storeChanged,
    async identityFor(fp) {
      if (deps.identityFor) return deps.identityFor(fp);
      if (deps.store.exportIdentity) return deps.store.exportIdentity(fp);
      return { fingerprint: fp };
    },
  };
}
