// Removing one 置き換え済み certificate when the person asks (the window's button), where the
// policy keeps them (removeSuperseded false). The rule is read again under the renewal's lock,
// from a fresh listing: only a certificate that a newer one of the same holder supersedes —
// listed (so chained to the bank's anchor), with its private key, unexpired — is removed, and
// its removal is read back in every store.
import { supersededBy } from '../../../shared/phase';
import { CoreError } from '../errors';
import { heldOf } from './overview';
import type { Session } from './session';

export async function removeOneSuperseded(session: Session, fingerprint: string): Promise<void> {
  // An interrupted renewal decides which certificate stays: it is finished first (recovery, at the next call).
  if (await session.journal.read().catch(() => null)) {
    throw new CoreError('BUSY', 'An interrupted renewal is still to be finished, so no certificate was removed. Open CertDesk again (or run certdesk status --recover), then remove it.');
  }
  await session.exclusive(async () => {
    session.storeChanged();
    const listed = await session.listBank();
    const newer = supersededBy(listed.map(heldOf), session.now())[fingerprint];
    if (!newer) {
      throw new CoreError(
        'INVALID_INPUT',
        `The certificate ${fingerprint} is not superseded: no newer certificate of the same holder with its private key is installed beside it. Nothing was removed.`,
        { field: 'fingerprint', reason: 'NOT_SUPERSEDED' },
      );
    }
    for (const store of session.stores) {
      const has = async () => (await store.list(session.anchorsDer)).some((x) => x.fingerprint === fingerprint);
      if (!(await has())) continue;
      await store.remove(fingerprint);
      if (await has()) throw new CoreError('STORE_WRITE_FAILED', `The superseded certificate ${fingerprint} is still in ${store.describe()} after its removal.`, { reason: 'STILL_LISTED', store: store.describe() });
    }
    session.deps.log?.(`removed the superseded certificate ${fingerprint} on request (the newer ${newer} is installed with its key)`);
  });
}
