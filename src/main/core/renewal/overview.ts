// The overview and the details: the store's listing in the contract's shapes, with the
// bank's phase rules applied, what the store knows added to what the certificate says, and
// the reminders due taken on the way.
import type { CertificateDetails, CertificateSummary, Overview } from '../../../shared/contract';
import type { Policy } from '../../../shared/policy';
import { computePhase, jstDate, supersededBy, type HeldCertificate } from '../../../shared/phase';
import { CoreError } from '../errors';
import { detailsOf } from './details';
import { inspectCertificate } from '../pki';
import type { StoredIdentity } from '../store';
import { OrphanLedger } from './orphan-keys';
import type { Recovery } from './recovery';
import type { ReminderLedger } from './reminders';
import type { Session } from './session';
import { readCheckLedger } from './check-ledger';

/** How long the home screen says that the scheduled check renewed by itself. */
const AUTO_RENEWED_SHOWN_MS = 14 * 86_400_000;

/** What the superseded rule reads of a stored certificate. */
export function heldOf(s: StoredIdentity): HeldCertificate {
  const d = inspectCertificate(s.certificateDer);
  return { fingerprint: s.fingerprint, subject: d.subject.text, notBefore: d.notBefore, notAfter: d.notAfter, hasPrivateKey: s.hasPrivateKey };
}

/** `newer`: the fingerprint of the certificate that supersedes this one (置き換え済み): nothing is due for it. */
export function summarize(s: StoredIdentity, policy: Policy, now: Date, newer?: string): CertificateSummary {
  const d = inspectCertificate(s.certificateDer);
  const attr = (name: string) => d.subject.rdns.flat().find((a) => a.name === name)?.value;
  const p = computePhase(new Date(d.notAfter), now, policy);
  const org = attr('O');
  return {
    fingerprint: s.fingerprint,
    holder: attr('CN') ?? d.subject.text,
    ...(org ? { organisation: org } : {}),
    notAfter: d.notAfter,
    expiryDate: p.expiryDate,
    phase: p.phase,
    daysLeft: p.daysLeft,
    renewalOpensOn: p.renewalOpensOn,
    graceEndsOn: p.graceEndsOn,
    remindersDue: newer ? [] : p.remindersDue,
    noticeDue: newer ? false : p.noticeDue,
    hasPrivateKey: s.hasPrivateKey,
    ...(newer ? { supersededBy: newer } : {}),
  };
}

/** Newest expiry first: the certificate a user means is usually the latest. */
export function byExpiry(a: CertificateSummary, b: CertificateSummary): number {
  return b.notAfter.localeCompare(a.notAfter);
}

export async function readOverview(session: Session, recovery: Recovery, reminders: ReminderLedger): Promise<Overview> {
  const { deps, journal } = session;
  const r = deps.recoverOnRead === false ? null : await recovery.recover().catch(() => recovery.last());
  const t = session.now();
  let listed = await session.listBank();
  let superseded = supersededBy(listed.map(heldOf), t);
  // Where the policy says removeSuperseded, an overview that may write (the app, renew, doctor,
  // status --recover) removes them: the newer one is verified (listed, chained to the anchor,
  // with its key, unexpired). Never while a renewal waits in the journal or runs (BUSY).
  let removedSuperseded: string[] = [];
  if (Object.keys(superseded).length > 0 && deps.policy.removeSuperseded && deps.recoverOnRead !== false && !(await journal.read().catch(() => null))) {
    removedSuperseded = await removeSuperseded(session, Object.keys(superseded)).catch(() => []);
    if (removedSuperseded.length > 0) {
      listed = await session.listBank();
      superseded = supersededBy(listed.map(heldOf), t);
    }
  }
  const certificates = listed.map((s) => summarize(s, deps.policy, t, superseded[s.fingerprint])).sort(byExpiry);
  const overview: Overview = { bankName: deps.policy.bankName, now: t.toISOString(), today: jstDate(t), certificates, ...(removedSuperseded.length ? { removedSuperseded } : {}) };
  const shown = r ?? recovery.last();
  if (shown && shown.outcome !== 'pending') {
    overview.recovered = { outcome: shown.outcome, ...(shown.fingerprint ? { fingerprint: shown.fingerprint } : {}) };
  }
  // Whatever still waits in the journal: not finished here (read-only) or not finishable yet.
  const waiting = await journal.read().catch(() => null);
  if (waiting && waiting.step !== 'done') overview.unfinished = { operation: waiting.operation, step: waiting.step, startedAt: waiting.startedAt };
  const auto = (await readCheckLedger(deps.journalDir)).lastRenewal;
  if (auto && certificates.some((c) => c.fingerprint === auto.fingerprint) && t.getTime() - Date.parse(auto.at) < AUTO_RENEWED_SHOWN_MS) {
    overview.autoRenewed = { at: auto.at, fingerprint: auto.fingerprint, expiryDate: auto.expiryDate };
  }
  // Keys still to remove (the ledger beside the journal): said, never forgotten.
  const left = await new OrphanLedger(journal.dir).read().catch(() => []);
  if (left.length > 0) overview.keysToRemove = left.map((k) => ({ label: k.label ?? `ID ${k.keyId}`, where: k.where, since: k.since }));
  reminders.take(certificates, t);
  return overview;
}

/** Removes superseded certificates from every store the renewal writes, under the renewal's lock; the fingerprints removed. */
async function removeSuperseded(session: Session, fingerprints: string[]): Promise<string[]> {
  return session.exclusive(async () => {
    const removed: string[] = [];
    for (const fp of fingerprints) {
      for (const store of session.stores) {
        const present = (await store.list(session.anchorsDer)).some((x) => x.fingerprint === fp);
        if (present) await store.remove(fp);
      }
      session.deps.log?.(`removed the superseded certificate ${fp} (a newer one of the same holder is installed with its key)`);
      removed.push(fp);
    }
    session.storeChanged();
    return removed;
  });
}

export async function readDetails(session: Session, fingerprint: string): Promise<CertificateDetails> {
  return detailsOf(await findBank(session, fingerprint));
}

/** The bank's certificate with this fingerprint in the store, or NO_CERTIFICATE. */
export async function findBank(session: Session, fingerprint: string): Promise<StoredIdentity> {
  const s = (await session.listBank()).find((x) => x.fingerprint === fingerprint);
  if (!s) throw new CoreError('NO_CERTIFICATE', `No certificate of the bank with fingerprint ${fingerprint} is in ${session.deps.store.describe()}.`);
  return s;
}
