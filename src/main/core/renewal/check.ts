// `certdesk check`: the one background check a scheduler runs (issue 27). It reads the
// overview (which first finishes an interrupted renewal from the journal, so nothing is
// renewed twice), takes the due reminders from the one ledger, and with the policy's
// autoRenew renews each certificate whose window is open, with the key where the store
// keeps it. It never does 取得 (the password is the person's) and never asks anything: a
// token whose PIN is not at hand, another renewal holding the store's lock, or a failure
// earlier today leaves the renewal to the person or to the next check. What to tell the
// person comes back as notices; the entry (the CLI) words and shows them.
import type { ApiError, CertificateSummary, Overview, RenewalOutcome, Result } from '../../../shared/contract';
import { errorState, EXIT, type ExitCode } from '../../../shared/error-policy';
import type { Policy } from '../../../shared/policy';
import { readCheckLedger, writeCheckLedger, type CheckLedgerData } from './check-ledger';
import type { DueReminder } from './reminders';

export type CheckState = 'ok' | 'renewalOpen' | 'acquireRequired' | 'reissueRequired' | 'newPc' | 'broken';

/** Why a certificate came out as it did (the JSON's `reason`). */
export type CheckReason =
  | 'NOT_DUE' | 'SUPERSEDED' | 'RENEWED' | 'AUTO_RENEW_OFF' | 'PIN_NOT_AT_HAND' | 'BUSY'
  | 'FAILED' | 'FAILED_TODAY' | 'ACQUIRE' | 'REISSUE' | 'KEY_MISSING';

export interface CheckItem {
  fingerprint: string;
  holder: string;
  notAfter: string;
  expiryDate: string;
  daysLeft: number;
  phase: CertificateSummary['phase'];
  state: CheckState;
  reason: CheckReason;
  /** The new certificate, when renewed, as the renewal judged it (its standing: what status lists). */
  renewed?: { fingerprint: string; notAfter: string } & RenewalOutcome['standing'];
  error?: ApiError;
}

/** What the person is told, once: the entry words it (ja/en) and shows it through the OS. */
export type CheckNotice =
  /** A reminder threshold (30/10 days) reached; `openApp`: the renewal waits for the person (autoRenew off, PIN, busy). */
  | { kind: 'reminder'; fingerprint: string; holder: string; threshold: number; daysLeft: number; expiryDate: string; reason: CheckReason }
  | { kind: 'renewed'; fingerprint: string; holder: string; expiryDate: string; notAfter: string }
  | { kind: 'failed'; fingerprint: string; holder: string; error: ApiError }
  | { kind: 'acquire' | 'reissue'; fingerprint: string; holder: string; expiryDate: string };

export interface CheckReport {
  today: string;
  autoRenew: boolean;
  state: CheckState;
  exitCode: ExitCode;
  items: CheckItem[];
  notices: CheckNotice[];
  recovered?: Overview['recovered'];
  unfinished?: Overview['unfinished'];
  /** The ledger could not be written (the data folder): said, never fatal. */
  ledgerProblem?: string;
}

export interface CheckDeps {
  service: { getOverview(): Promise<Result<Overview>>; renew(fingerprint: string): Promise<Result<RenewalOutcome>> };
  policy: Pick<Policy, 'autoRenew'>;
  /** The reminders the ledger handed out while the overview was read (compose's `remind`). */
  takenReminders(): DueReminder[];
  /** The data folder: the check's ledger lives beside the journal. */
  dataDir: string;
  now?: () => Date;
  /** True when the keys live in a token whose PIN is not at hand (not remembered, no --pin-env). */
  pinMissing?: boolean;
  /** Waits before asking again for a lock another renewal holds; default 2 s then 5 s. */
  busyWaitsMs?: number[];
  sleep?: (ms: number) => Promise<void>;
}

const EXIT_OF: Record<CheckState, ExitCode> = {
  ok: EXIT.done, renewalOpen: EXIT.renewalOpen, acquireRequired: EXIT.useAcquire, reissueRequired: EXIT.reissue, newPc: EXIT.newPc, broken: EXIT.failed,
};
/** Most urgent last (as status's verdict). */
const URGENCY: CheckState[] = ['ok', 'renewalOpen', 'newPc', 'acquireRequired', 'reissueRequired', 'broken'];

const isPinMissing = (e: ApiError) => e.code === 'STORE_UNAVAILABLE' && e.detail?.reason === 'PIN_REQUIRED';

/** The state a failed renewal leaves: the error table's 取得 or reissue where the bank said so, else broken. */
function stateOfFailure(e: ApiError): CheckState {
  const s = errorState(e);
  return s === 'acquireRequired' || s === 'reissueRequired' ? s : 'broken';
}

/** A certificate with a newer one of the same holder beside it (kept when removeSuperseded is off) needs nothing. */
function superseded(s: CertificateSummary, all: CertificateSummary[]): boolean {
  return all.some((o) => o !== s && o.holder === s.holder && o.hasPrivateKey && o.notAfter > s.notAfter && (o.phase === 'valid' || o.phase === 'renewable'));
}

export async function runCheck(deps: CheckDeps): Promise<CheckReport> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const ov = await deps.service.getOverview();
  if (!ov.ok) throw Object.assign(new Error(ov.error.message), { api: ov.error });
  const overview = ov.value;
  const today = overview.today;
  const reminders = new Map(deps.takenReminders().map((r) => [r.fingerprint, r]));
  const ledger: CheckLedgerData = await readCheckLedger(deps.dataDir);
  let ledgerChanged = false;
  const items: CheckItem[] = [];
  const notices: CheckNotice[] = [];

  const base = (s: CertificateSummary) => ({ fingerprint: s.fingerprint, holder: s.holder, notAfter: s.notAfter, expiryDate: s.expiryDate, daysLeft: s.daysLeft, phase: s.phase });
  /** The threshold reminder, worded for why the renewal waits. */
  const remind = (s: CertificateSummary, reason: CheckReason) => {
    const r = reminders.get(s.fingerprint);
    if (r) notices.push({ kind: 'reminder', fingerprint: s.fingerprint, holder: s.holder, threshold: r.threshold, daysLeft: r.daysLeft, expiryDate: s.expiryDate, reason });
  };
  /** 取得 and 再発行 have no threshold in the reminders ledger: told once per certificate and phase here. */
  const tellOnce = (s: CertificateSummary, kind: 'acquire' | 'reissue') => {
    const told = ledger.told[s.fingerprint] ?? [];
    if (told.includes(kind)) return;
    ledger.told[s.fingerprint] = [...told, kind];
    ledgerChanged = true;
    notices.push({ kind, fingerprint: s.fingerprint, holder: s.holder, expiryDate: s.expiryDate });
  };

  const renewWithTurn = async (fp: string): Promise<Result<RenewalOutcome>> => {
    const waits = [...(deps.busyWaitsMs ?? [2000, 5000])];
    for (;;) {
      const r = await deps.service.renew(fp);
      if (r.ok || r.error.code !== 'BUSY' || waits.length === 0) return r;
      await sleep(waits.shift()!);
    }
  };

  // A renewal the journal just finished (a check or the app was killed in the middle): the person is told as for a fresh one.
  const rec = overview.recovered;
  if (rec?.outcome === 'resumed' && rec.fingerprint) {
    const fp = rec.fingerprint.replace(/:/g, '').toLowerCase();
    const s = overview.certificates.find((c) => c.fingerprint === fp);
    if (s) {
      notices.push({ kind: 'renewed', fingerprint: fp, holder: s.holder, expiryDate: s.expiryDate, notAfter: s.notAfter });
      ledger.lastRenewal = { at: now().toISOString(), replaced: '', fingerprint: fp, notAfter: s.notAfter, expiryDate: s.expiryDate };
      ledgerChanged = true;
    }
  }

  for (const s of overview.certificates) {
    if (superseded(s, overview.certificates)) {
      items.push({ ...base(s), state: 'ok', reason: 'SUPERSEDED' });
      continue;
    }
    const keyMissing: ApiError = { code: 'KEY_MISSING', message: `The certificate ${s.fingerprint} is installed but its private key is not.` };
    if (s.phase === 'valid') {
      items.push(s.hasPrivateKey ? { ...base(s), state: 'ok', reason: 'NOT_DUE' } : { ...base(s), state: 'broken', reason: 'KEY_MISSING', error: keyMissing });
      continue;
    }
    if (s.phase === 'acquirable' || s.phase === 'reissue') {
      const acquire = s.phase === 'acquirable';
      items.push({ ...base(s), state: acquire ? 'acquireRequired' : 'reissueRequired', reason: acquire ? 'ACQUIRE' : 'REISSUE' });
      tellOnce(s, acquire ? 'acquire' : 'reissue');
      continue;
    }
    // Renewable.
    if (!s.hasPrivateKey) {
      items.push({ ...base(s), state: 'broken', reason: 'KEY_MISSING', error: keyMissing });
      continue;
    }
    if (!deps.policy.autoRenew || deps.pinMissing) {
      const reason = !deps.policy.autoRenew ? 'AUTO_RENEW_OFF' : 'PIN_NOT_AT_HAND';
      items.push({ ...base(s), state: 'renewalOpen', reason });
      remind(s, reason);
      continue;
    }
    const failedBefore = ledger.failures[s.fingerprint];
    if (failedBefore && failedBefore.day === today) {
      // One attempt a day after a failure: the person was told then; a broken bank is not hammered.
      items.push({ ...base(s), state: stateOfFailure({ code: failedBefore.code, message: failedBefore.message }), reason: 'FAILED_TODAY', error: { code: failedBefore.code, message: failedBefore.message } });
      continue;
    }
    const r = await renewWithTurn(s.fingerprint);
    if (r.ok) {
      const c = r.value.certificate;
      const fingerprint = c.sha256.replace(/:/g, '').toLowerCase();
      const { expiryDate } = r.value.standing;
      items.push({ ...base(s), state: 'ok', reason: 'RENEWED', renewed: { fingerprint, notAfter: c.notAfter, ...r.value.standing } });
      notices.push({ kind: 'renewed', fingerprint, holder: s.holder, expiryDate, notAfter: c.notAfter });
      delete ledger.failures[s.fingerprint];
      ledger.lastRenewal = { at: now().toISOString(), replaced: s.fingerprint, fingerprint, notAfter: c.notAfter, expiryDate };
      ledgerChanged = true;
      continue;
    }
    const e = r.error;
    if (e.code === 'BUSY' || isPinMissing(e)) {
      // Nothing was tried: another renewal has the store, or the token wants its PIN.
      const reason = e.code === 'BUSY' ? 'BUSY' : 'PIN_NOT_AT_HAND';
      items.push({ ...base(s), state: 'renewalOpen', reason, error: e });
      remind(s, reason);
      continue;
    }
    ledger.failures[s.fingerprint] = { day: today, at: now().toISOString(), code: e.code, message: e.message };
    ledgerChanged = true;
    items.push({ ...base(s), state: stateOfFailure(e), reason: 'FAILED', error: e });
    notices.push({ kind: 'failed', fingerprint: s.fingerprint, holder: s.holder, error: e });
  }

  let ledgerProblem: string | undefined;
  if (ledgerChanged) {
    await writeCheckLedger(deps.dataDir, ledger).catch((err: NodeJS.ErrnoException) => {
      ledgerProblem = `${deps.dataDir}: ${err.code ?? err.message}`;
    });
  }
  const state: CheckState = items.length === 0 ? 'newPc' : items.map((i) => i.state).reduce((a, b) => (URGENCY.indexOf(b) > URGENCY.indexOf(a) ? b : a), 'ok' as CheckState);
  return {
    today,
    autoRenew: deps.policy.autoRenew,
    state,
    exitCode: EXIT_OF[state],
    items,
    notices,
    ...(overview.recovered ? { recovered: overview.recovered } : {}),
    ...(overview.unfinished ? { unfinished: overview.unfinished } : {}),
    ...(ledgerProblem ? { ledgerProblem } : {}),
  };
}
