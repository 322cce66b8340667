// 更新前処理: each check reported as it runs. One GET of cacerts serves three checks
// (endpoint reachable and trusted, cacerts chains to the anchor, clock against Date).
import type { ApiError, CheckId, CheckNote, CheckResult, PreflightReport } from '../../../shared/contract';
import { blamedCheck } from '../../../shared/error-policy';
import { computePhase } from '../../../shared/phase';
import { CoreError, toApiError } from '../errors';
import { inspectCertificate } from '../pki';
import type { StoredIdentity } from '../store';
import { OrphanLedger, WORKING_LABEL } from './orphan-keys';
import type { EstTransport } from '../est';
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

  // The bank is asked at once (issue 29): its answer is on the way while the store is listed;
  // the checks still report one after another, in their order.
  const exchange = askTheBank(e);
  await run('policy', async () => {
    if (e.anchorsDer.length === 0) throw new CoreError('POLICY_INVALID', 'The policy has no trust anchor.', { field: 'trustAnchorPem' });
  });
  let listed: StoredIdentity[] = [];
  let custodyRefused = false;
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
    // The key must have somewhere to be made: a policy whose keyStorage these stores cannot
    // honour (tpm on macOS, pkcs11 on Windows) fails here, with the decision's own error,
    // rather than at key generation once the renewal has begun. The certificate is still read.
    const refusal = e.custody.decision.error;
    if (refusal) {
      custodyRefused = true;
      throw new CoreError(refusal.code, refusal.message, refusal.detail);
    }
  });
  let keysWithoutCertificate: PreflightReport['keysWithoutCertificate'];
  if (storeOk || custodyRefused) {
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

  if ('error' in exchange) throw exchange.error;
  const { transport } = exchange;
  try {
    const endpointOk = await run('endpoint', async () => {
      await exchange.fetched;
      if (exchange.failure && blamedCheck(exchange.failure) === 'endpoint') throw exchange.failure;
    });
    if (endpointOk) {
      await run('cacerts', async () => {
        if (exchange.failure) throw exchange.failure;
      });
      await run('clock', async () => {
        if (exchange.failure) throw exchange.failure;
        const answer = exchange.answer;
        if (!answer?.serverDate) throw new CoreError('BAD_RESPONSE', 'The bank sent no Date header to compare the clock with.', { reason: 'NO_DATE' });
        checkClock(e, answer.serverDate);
      });
    } else {
      skip('cacerts');
      skip('clock');
    }
    await exchange.shaped;
  } finally {
    transport.close();
  }
  const request = exchange.request;
  return { passed: checks.every((c) => c.state === 'passed'), checks, ...(request ? { request } : {}), ...(keysWithoutCertificate?.length ? { keysWithoutCertificate } : {}), custody: e.custody.decision };
}

interface Exchange {
  transport: EstTransport;
  /** Settles (never rejects) once cacerts has answered or failed. */
  fetched: Promise<void>;
  answer?: { certificates: Uint8Array[]; serverDate?: Date };
  failure?: CoreError;
  /** Settles once csrattrs is read; it never fails a check. */
  shaped: Promise<void>;
  request?: PreflightWithRequest['request'];
}

/**
 * One cacerts exchange serves endpoint, cacerts and clock: which check failed is told apart by
 * the error (the error policy's `blames`: a transport failure is the endpoint's, an unanchored
 * CA list is cacerts'). csrattrs is read alongside, as the renewal does. A transport that cannot
 * be made is thrown where the endpoint's checks begin, as before they were started early.
 */
function askTheBank(e: Engine): Exchange | { error: unknown } {
  let transport: EstTransport;
  try {
    transport = e.deps.transportFor();
  } catch (error) {
    return { error };
  }
  const client = newClient(e, transport, 'renew');
  const x: Exchange = { transport, fetched: Promise.resolve(), shaped: Promise.resolve() };
  x.shaped = readRequestShape({ ...e.deps, log: () => undefined }, client, e.signal).then(({ keyType, hash, honoured, ignored, notes }) => {
    x.request = { keyType, hash, honoured, ignored, notes };
  });
  x.fetched = client.cacerts(e.signal).then(
    (a) => void (x.answer = a),
    (err: unknown) => void (x.failure = err instanceof CoreError ? err : new CoreError('INTERNAL', toApiError(err).message)),
  );
  return x;
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
