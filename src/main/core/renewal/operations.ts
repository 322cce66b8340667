// Renew and 取得: each finishes an interrupted renewal first, then runs as the one
// operation in progress, with the transports it needs closed at the end.
import type { AcquireRequest, RenewalOutcome } from '../../../shared/contract';
import { computePhase } from '../../../shared/phase';
import { CoreError } from '../errors';
import { subjectDerOf, subjectFromTemplate } from '../pki';
import { detailsOf } from './details';
import { byExpiry, summarize } from './overview';
import { phaseError } from './preflight';
import type { Recovery } from './recovery';
import type { Session } from './session';
import { readRequestShape } from './request-shape';
import { newClient } from './engine';
import { start, type Issued } from './steps';
import type { RecoveryOutcome, RenewalDeps } from './types';

/** An empty Name: without acquireSubject, a first 取得 lets the bank fill in the account's subject (RFC 7030 allows it). */
const EMPTY_NAME = new Uint8Array([0x30, 0x00]);

/**
 * The new certificate judged as the overview judges every certificate (the loaded policy, the
 * core's clock), so that the window's record and the command line's say what status says.
 */
function judged(session: Session, o: Issued): RenewalOutcome {
  const { expiryDate, daysLeft, phase } = computePhase(new Date(o.certificate.notAfter), session.now(), session.deps.policy);
  return { ...o, standing: { expiryDate, daysLeft, phase } };
}

function throwIfPending(r: RecoveryOutcome | null): void {
  if (r?.outcome === 'pending') throw new CoreError(r.error?.code ?? 'BUSY', r.error?.message ?? 'An interrupted renewal could not be finished yet.', r.error?.detail);
}

export async function renew(session: Session, recovery: Recovery, fingerprint: string): Promise<RenewalOutcome> {
  return judged(session, await renewIssued(session, recovery, fingerprint));
}

async function renewIssued(session: Session, recovery: Recovery, fingerprint: string): Promise<Issued> {
  const { deps } = session;
  const r = await recovery.recover();
  throwIfPending(r);
  return session.exclusive(async (signal) => {
    const e = session.engine(signal);
    const old = (await session.listBank()).find((x) => x.fingerprint === fingerprint);
    if (!old) {
      if (r?.outcome === 'resumed' && r.operation === 'renew') {
        // The interrupted renewal of this very certificate was just finished.
        const done = (await session.listBank()).find((x) => x.fingerprint === r.fingerprint);
        if (done) return { certificate: detailsOf(done), replaced: fingerprint, removedOld: deps.policy.removeSuperseded };
      }
      throw new CoreError('NO_CERTIFICATE', `No certificate of the bank with fingerprint ${fingerprint} is in ${deps.store.describe()}.`);
    }
    if (!old.hasPrivateKey) throw new CoreError('KEY_MISSING', 'The certificate is installed but its private key is not, so it cannot authenticate a renewal. Use 取得 or ask the branch.');
    const pe = phaseError(old, e, session.now());
    if (pe) throw pe;
    await deps.readyToWrite?.();
    const plain = deps.transportFor();
    let authenticated: ReturnType<RenewalDeps['transportFor']> | undefined;
    // Exporting the identity (a store tool call) overlaps key generation.
    const sendClient = session.identityFor(fingerprint).then((id) => {
      authenticated = deps.transportFor(id);
      return newClient(e, authenticated, 'renew');
    });
    sendClient.catch(() => undefined);
    try {
      const client = newClient(e, plain, 'renew');
      return await start(e, {
        operation: 'renew',
        old,
        subjectDer: subjectDerOf(old.certificateDer),
        client,
        sendClient,
        shape: readRequestShape(deps, client, signal),
      });
    } finally {
      plain.close();
      await sendClient.catch(() => undefined);
      authenticated?.close();
    }
  });
}

export async function acquire(session: Session, recovery: Recovery, request: AcquireRequest): Promise<RenewalOutcome> {
  return judged(session, await acquireIssued(session, recovery, request));
}

async function acquireIssued(session: Session, recovery: Recovery, request: AcquireRequest): Promise<Issued> {
  const { deps } = session;
  const credentials = { loginId: request.loginId, password: request.password };
  const r = await recovery.recover({ credentials });
  if (r?.outcome === 'resumed' && r.operation === 'acquire') {
    const done = (await session.listBank()).find((x) => x.fingerprint === r.fingerprint);
    if (done) return { certificate: detailsOf({ certificateDer: done.certificateDer, hasPrivateKey: true }), removedOld: deps.policy.removeSuperseded };
  }
  throwIfPending(r);
  return session.exclusive(async (signal) => {
    const e = session.engine(signal);
    const t = session.now();
    const listed = await session.listBank();
    const phased = listed.map((s) => ({ s, sum: summarize(s, deps.policy, t) })).sort((a, b) => byExpiry(a.sum, b.sum));
    const target = phased.find((p) => p.sum.phase === 'acquirable');
    if (!target && phased.length > 0 && phased.every((p) => p.sum.phase === 'reissue')) {
      throw phaseError(phased[0]!.s, e, t)!;
    }
    // Repeat the subject the bank gave last time; a first certificate takes the policy's
    // template, or leaves the subject to the bank.
    const basis = target ?? phased[0];
    const subjectDer = basis ? subjectDerOf(basis.s.certificateDer)
      : deps.policy.acquireSubject ? subjectFromTemplate(deps.policy.acquireSubject, request.loginId) : EMPTY_NAME;
    await deps.readyToWrite?.();
    const transport = deps.transportFor();
    try {
      const client = newClient(e, transport, 'acquire');
      return await start(e, {
        operation: 'acquire',
        ...(target ? { old: target.s } : {}),
        subjectDer,
        client,
        credentials,
        shape: readRequestShape(deps, client, signal),
      });
    } finally {
      transport.close();
    }
  });
}
