// What a scheduler reads from `status` and `doctor`: one state and its exit code. Nothing due
// is 0; a state that needs the user (renewal open, 取得, 再発行, a new PC) has its own code;
// anything broken (network, proxy, trust, store, key, policy) is `failed` and wins over the
// bank's dates, so a broken network is never read as "not due".
import type { ApiError, CertificateSummary, Overview, Phase, PreflightReport } from '../../shared/contract';
import { EXIT, errorState, isBankDate, type ErrorState, type ExitCode } from '../../shared/error-policy';

/** The error table's states, where "renewal not open yet" is simply nothing due (`ok`), and the open window. */
export type HealthState = Exclude<ErrorState, 'renewalNotOpen'> | 'ok' | 'renewalOpen';

export interface Verdict {
  state: HealthState;
  exit: ExitCode;
  /** The broken thing, or the bank's date that needs the user (ACQUIRE_REQUIRED, REISSUE_REQUIRED). */
  error?: ApiError;
}

const EXIT_OF: Record<HealthState, ExitCode> = {
  ok: EXIT.done,
  renewalOpen: EXIT.renewalOpen,
  acquireRequired: EXIT.useAcquire,
  reissueRequired: EXIT.reissue,
  newPc: EXIT.newPc,
  broken: EXIT.failed,
};

/** Most urgent last: with several certificates the exit code is the most urgent one's. */
const URGENCY: HealthState[] = ['ok', 'renewalOpen', 'newPc', 'acquireRequired', 'reissueRequired', 'broken'];

const PHASE_STATE: Record<Phase, HealthState> = { valid: 'ok', renewable: 'renewalOpen', acquirable: 'acquireRequired', reissue: 'reissueRequired' };

const verdict = (state: HealthState, error?: ApiError): Verdict => ({ state, exit: EXIT_OF[state], ...(error ? { error } : {}) });

/** One certificate's state: its phase, or broken when its private key is missing while it is still in use. */
export function certificateState(s: CertificateSummary): HealthState {
  // 置き換え済み: a newer certificate of the same holder stands beside it; nothing is due for this one.
  if (s.supersededBy) return 'ok';
  if (!s.hasPrivateKey && (s.phase === 'valid' || s.phase === 'renewable')) return 'broken';
  return PHASE_STATE[s.phase];
}

/** `status`: read-only, so only what the store shows (doctor adds the network). */
export function statusVerdict(ov: Overview): Verdict {
  if (ov.certificates.length === 0) return verdict('newPc');
  const states = ov.certificates.map(certificateState);
  const worst = states.reduce((a, b) => (URGENCY.indexOf(b) > URGENCY.indexOf(a) ? b : a), 'ok' as HealthState);
  if (worst === 'broken') {
    const s = ov.certificates[states.indexOf('broken')]!;
    return verdict('broken', { code: 'KEY_MISSING', message: `The certificate ${s.fingerprint} is installed but its private key is not.` });
  }
  return verdict(worst);
}

/** What an error means as a state for the record: its row's state, "not open yet" being nothing due. */
export function stateOfError(e: Pick<ApiError, 'code' | 'detail'>): HealthState {
  const s = errorState(e);
  return s === 'renewalNotOpen' ? 'ok' : s;
}

/** `doctor`: the first broken check wins (the bank's dates are not a fault); else the certificate's dates decide. */
export function doctorVerdict(report: PreflightReport): Verdict {
  const failed = report.checks.filter((c) => c.state === 'failed' && c.error);
  // NO_CERTIFICATE is the new-PC state; every other fault is "broken".
  const broken = failed.find((c) => !isBankDate(c.error!))?.error;
  if (broken) return verdict(stateOfError(broken), broken);
  const date = failed.find((c) => isBankDate(c.error!))?.error;
  // Not yet due: the identity check passed and says when renewal opens.
  if (!date) return report.checks.some((c) => c.note?.code === 'NOT_YET_DUE') ? verdict('ok') : verdict('renewalOpen');
  const state = stateOfError(date);
  return state === 'ok' ? verdict('ok') : verdict(state, date);
}
