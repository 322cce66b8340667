// 更新前処理: each check reported as it runs. One GET of cacerts serves three checks
// (endpoint reachable and trusted, cacerts chains to the anchor, clock against Date).
import type { ApiError, CheckId, CheckNote, CheckResult, PreflightReport } from '../../../shared/contract';
import { blamedCheck } from '../../../shared/error-policy';
import { computePhase } from '../../../shared/phase';
import { CoreError, toApiError } from '../errors';
import { inspectCertificate } from '../pki';
import type { StoredIdentity } from '../store';
import { OrphanLedger, WORKING_LABEL } from './orphan-keys';
import { readRequestShape } from './request-shape';
import { checkClock, newClient, type Engine } from './engine';

/** The preflight's report; `request` (the contract's) says what the next request will be made of. */
export type PreflightWithRequest = PreflightReport;

export function phaseError(s: StoredIdentity, e: Engine, now: Date): CoreError | null {
  const d = inspectCertificate(s.certificateDer);
  const p = computePhase(new Date(d.notAfter), now, e.deps.policy);
  if (p.phase === 'valid') {
    return new CoreError('RENEWAL_NOT_OPEN', `Renewal opens on ${p.renewalOpensOn} (JST); the certificate is valid until ${p.expiryDate}. Nothing to do yet.`, {
      opensOn: p.renewalOpensOn,
      daysLeft: p.daysLeft,
      expiryDate: p.expiryDate,
    });
  }
  if (p.phase === 'acquirable') {
    return new CoreError('ACQUIRE_REQUIRED', `The certificate expired on ${p.expiryDate}; renewal is over. Obtain a new one (取得) with your login ID and password until ${p.graceEndsOn}.`, {
      graceEndsOn: p.graceEndsOn,
    });
  }
  if (p.phase === 'reissue') {
    return new CoreError('REISSUE_REQUIRED', `The certificate expired on ${p.expiryDate} and the ${e.deps.policy.graceDays} days for 取得 are over. Ask your branch (お取引店窓口) to reissue it.`, {
      expiryDate: p.expiryDate,
    });
  }
  return null;
}

export async function preflight(e: Engine, fingerprint: string, now: Date): Promise<PreflightWithRequest> {
  const checks: CheckResult[] = [];
  const run = async (id: CheckId, fn: () => Promise<CheckNote | void>): Promise<boolean> => {
    e.deps.emit('progress', { kind: 'check', operation: 'preflight', check: id, state: 'running' });
    try {
      const note = await fn();
      checks.push({ id, state: 'passed', ...(note ? { note } : {}) });
      e.deps.emit('progress', { kind: 'check', operation: 'preflight', check: id, state: 'passed', ...(note ? { note } : {}) });
      return true;
    } catch (err) {
      const error: ApiError = toApiError(err);
      checks.push({ id, state: 'failed', error });
      e.deps.emit('progress', { kind: 'check', operation: 'preflight', check: id, state: 'failed', error });
      return false;
    }
  };
  const skip = (id: CheckId) => {
    checks.push({ id, state: 'skipped' });
    e.deps.emit('progress', { kind: 'check', operation: 'preflight', check: id, state: 'skipped' });
  };

  await run('policy', async () => {
    if (e.anchorsDer.length === 0) throw new CoreError('POLICY_INVALID', 'The policy has no trust anchor.', { field: 'trustAnchorPem' });
  });
  let listed: StoredIdentity[] = [];
  // Every store the renewal writes must open now, not halfway through the install.
  const storeOk = await run('store', async () => {
    const [primary] = await Promise.all([
      e.deps.store.list(e.anchorsDer),
      ...e.stores.slice(1).map((s) =>
        s.list(e.anchorsDer).catch((err: unknown) => {
          const error = toApiError(err);
          throw new CoreError(error.code, error.message.includes(s.describe()) ? error.message : `${s.describe()}: ${error.message}`, { ...error.detail, store: s.describe() });
        }),
      ),
    ]);
    listed = primary;
    await e.deps.readyToWrite?.();
  });
  let keysWithoutCertificate: PreflightReport['keysWithoutCertificate'];
  if (storeOk) {
    keysWithoutCertificate = await strayKeys(e);
    await run('identity', async () => {
      const s = listed.find((x) => x.fingerprint === fingerprint);
      if (!s) throw new CoreError('NO_CERTIFICATE', `No certificate of the bank with fingerprint ${fingerprint} is in ${e.deps.store.describe()}.`);
      if (!s.hasPrivateKey) throw new CoreError('KEY_MISSING', 'The certificate is installed but its private key is not. Obtain a new certificate (取得) or ask the branch.');
      // Not yet due is healthy: the check passes and says when renewal opens (a renewal
      // asked for now still fails RENEWAL_NOT_OPEN, in operations.ts).
      const pe = phaseError(s, e, now);
      if (pe?.code === 'RENEWAL_NOT_OPEN') {
        const { opensOn, daysLeft, expiryDate } = pe.detail as { opensOn: string; daysLeft: number; expiryDate: string };
        return { code: 'NOT_YET_DUE', opensOn, daysLeft, expiryDate };
      }
      if (pe) throw pe;
    });
  } else skip('identity');

  // One cacerts exchange serves endpoint, cacerts and clock: which check failed is told
  // apart by the error (the error policy's `blames`: a transport failure is the endpoint's,
  // an unanchored CA list is cacerts').
  const transport = e.deps.transportFor();
  let answer: { certificates: Uint8Array[]; serverDate?: Date } | undefined;
  let failure: CoreError | undefined;
  let request: PreflightWithRequest['request'];
  try {
    const client = newClient(e, transport, 'renew');
    // Read alongside cacerts, as the renewal does; it never fails a check.
    const shaped = readRequestShape({ ...e.deps, log: () => undefined }, client, e.signal).then(({ keyType, hash, honoured, ignored, notes }) => {
      request = { keyType, hash, honoured, ignored, notes };
    });
    let fetched: Promise<void> | undefined;
    const fetchOnce = () =>
      (fetched ??= client.cacerts(e.signal).then(
        (a) => void (answer = a),
        (err) => void (failure = err instanceof CoreError ? err : new CoreError('INTERNAL', toApiError(err).message)),
      ));
    const endpointOk = await run('endpoint', async () => {
      await fetchOnce();
      if (failure && blamedCheck(failure) === 'endpoint') throw failure;
    });
    if (endpointOk) {
      await run('cacerts', async () => {
        if (failure) throw failure;
      });
      await run('clock', async () => {
        if (failure) throw failure;
        if (!answer?.serverDate) throw new CoreError('BAD_RESPONSE', 'The bank sent no Date header to compare the clock with.', { reason: 'NO_DATE' });
        checkClock(e, answer.serverDate);
      });
    } else {
      skip('cacerts');
      skip('clock');
    }
    await shaped;
  } finally {
    transport.close();
  }
  return { passed: checks.every((c) => c.state === 'passed'), checks, ...(request ? { request } : {}), ...(keysWithoutCertificate?.length ? { keysWithoutCertificate } : {}), custody: e.custody.decision };
}

/**
 * Private keys of the primary store without a certificate, and those the ledger still names
 * (a token's, which a store listing without the PIN cannot see): a full disk or a kill left
 * them. Read only; undefined where the store cannot tell.
 */
async function strayKeys(e: Engine): Promise<PreflightReport['keysWithoutCertificate']> {
  const ledger = await new OrphanLedger(e.journal.dir).read().catch(() => []);
  const listed = (await e.deps.store.keysWithoutCertificate?.().catch(() => undefined)) ?? [];
  const out = listed.map((k) => ({ keyId: k.keyId, label: k.label, ours: WORKING_LABEL.test(k.label) || ledger.some((l) => l.keyId === k.keyId || (l.label !== undefined && l.label === k.label)) }));
  for (const l of ledger) if (!out.some((k) => (l.keyId && k.keyId === l.keyId) || (l.label && k.label === l.label))) out.push({ keyId: l.keyId ?? '', label: l.label ?? '', ours: true });
  if (out.length > 0) e.deps.log?.(`${e.deps.store.describe()}: ${out.length} private key(s) without a certificate: ${out.map((k) => `"${k.label}" (ID ${k.keyId.slice(0, 16) || '?'}…)${k.ours ? ', left by CertDesk: the next renewal removes it' : ''}`).join('; ')}.`);
  return out;
}
