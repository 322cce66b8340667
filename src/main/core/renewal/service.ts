// The renewal service: the contract's methods as a facade over the parts that do the work
// (recovery, overview, operations, diagnostics, reminders, settings). Every method answers a
// Result and keeps its error for the diagnostics; recovery of an interrupted renewal runs
// before any of them.
import { fail, ok, type Result } from '../../../shared/contract';
import { toApiError } from '../errors';
import { diagnosticsText } from './diagnostics';
import { acquire, renew } from './operations';
import { readDetails, readOverview } from './overview';
import { preflight } from './preflight';
import { removeOneSuperseded } from './superseded';
import { createRecovery } from './recovery';
import { createReminderLedger } from './reminders';
import { openSession } from './session';
import { settingsView, updateSettings } from './settings-view';
import type { CoreService, RenewalDeps } from './types';

export function createRenewalService(deps: RenewalDeps): CoreService {
  const session = openSession(deps);
  const recovery = createRecovery(session);
  const reminders = createReminderLedger({ settings: deps.settings, policy: deps.policy, ...(deps.remind ? { remind: deps.remind } : {}) });

  /** Diagnostics history is best-effort; the caller still gets its error. */
  const remember = (err: unknown) => {
    const e = toApiError(err);
    try {
      const list = deps.settings.get('lastErrors') ?? [];
      deps.settings.set('lastErrors', [...list, { at: session.now().toISOString(), code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) }].slice(-20));
    } catch {
      // The history is lost; the error is not.
    }
    return e;
  };
  const wrap = async <T>(fn: () => Promise<T>): Promise<Result<T>> => {
    try {
      return ok(await fn());
    } catch (err) {
      const e = remember(err);
      return fail(e.code, e.message, e.detail);
    }
  };

  return {
    recover: (opts) => recovery.recover(opts),
    getOverview: () => wrap(() => readOverview(session, recovery, reminders)),
    getDetails: (fingerprint) => wrap(() => readDetails(session, fingerprint)),
    runPreflight: (fingerprint) =>
      wrap(async () => {
        await recovery.recover();
        return preflight(session.engine(new AbortController().signal), fingerprint, session.now());
      }),
    renew: (fingerprint) => wrap(() => renew(session, recovery, fingerprint)),
    removeSuperseded: (fingerprint) =>
      wrap(async () => {
        await removeOneSuperseded(session, fingerprint);
        const o = await readOverview(session, recovery, reminders);
        return { ...o, removedSuperseded: [...(o.removedSuperseded ?? []), fingerprint] };
      }),
    acquire: (request) => wrap(() => acquire(session, recovery, request)),
    cancel: async () => ok({ cancelled: session.cancel() }),
    getDiagnostics: () => wrap(async () => ({ text: await diagnosticsText(session) })),
    getSettings: () => wrap(async () => settingsView(deps)),
    updateSettings: (patch) => wrap(async () => updateSettings(deps, patch)),
  };
}
