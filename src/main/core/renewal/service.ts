// The renewal service: the contract's methods on top of pki, est, store and vault.
// Every method answers a Result; recovery of an interrupted renewal runs before any of them.
import { arch, platform, release } from 'node:os';
import { join } from 'node:path';
import {
  fail,
  ok,
  type AcquireRequest,
  type CertificateDetails,
  type Overview,
  type Result,
  type SettingsPatch,
  type SettingsView,
} from '../../../shared/contract';
import { jstDate } from '../../../shared/phase';
import { redactText } from '../../../shared/redact';
import { CoreError, toApiError } from '../errors';
import { inspectCertificate, pemToDer, sha256Hex, subjectDerOf } from '../pki';
import type { StoredIdentity } from '../store';
import { Journal } from './journal';
import { acquireRenewalLocks } from './lock';
import { byExpiry, summarize } from './overview';
import { phaseError, preflight } from './preflight';
import { createReminderLedger } from './reminders';
import { advance, newClient, onFailure, start, type Credentials, type Engine } from './steps';
import type { CoreService, RecoveryOutcome, RenewalDeps, TransportIdentity } from './types';

export function createRenewalService(deps: RenewalDeps): CoreService {
  const now = deps.now ?? (() => new Date());
  const journal = new Journal(deps.journalDir);
  let anchorsDer: Uint8Array[];
  try {
    anchorsDer = pemToDer(deps.policy.trustAnchorPem, 'CERTIFICATE');
  } catch {
    throw new CoreError('POLICY_INVALID', 'The trust anchor in the policy cannot be read.', { field: 'trustAnchorPem', file: deps.policySource ?? '(policy)' });
  }
  let controller: AbortController | null = null;
  let busy = false;
  let lastRecovery: RecoveryOutcome | null = null;

  const reminders = createReminderLedger({ settings: deps.settings, policy: deps.policy, ...(deps.remind ? { remind: deps.remind } : {}) });

  const engine = (signal: AbortSignal): Engine => ({ deps, journal, anchorsDer, signal });

  const remember = (err: unknown) => {
    const e = toApiError(err);
    try {
      const list = deps.settings.get('lastErrors') ?? [];
      deps.settings.set('lastErrors', [...list, { at: now().toISOString(), code: e.code, message: e.message }].slice(-20));
    } catch {
      // Diagnostics history is best-effort; the caller still gets its error.
    }
    return e;
  };

  /** Runs `fn` as the one operation in progress (in this process and, by the lock, across processes). */
  async function exclusive<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (busy) throw new CoreError('BUSY', 'A renewal is already running. Wait for it to finish.');
    busy = true;
    controller = new AbortController();
    let unlock: (() => Promise<void>) | undefined;
    try {
      unlock = await acquireRenewalLocks(
        { file: join(deps.journalDir, 'renewal.lock'), what: `the data folder ${deps.journalDir}` },
        { file: deps.store.lockFile, what: deps.store.describe(), unwritable: 'STORE_WRITE_FAILED' },
      );
      return await fn(controller.signal);
    } finally {
      storeChanged();
      controller = null;
      busy = false;
      await unlock?.().catch(() => undefined);
    }
  }

  async function identityFor(fp: string): Promise<TransportIdentity> {
    if (deps.identityFor) return deps.identityFor(fp);
    if (deps.store.exportIdentity) return deps.store.exportIdentity(fp);
    return { fingerprint: fp };
  }

  async function recoverLocked(signal: AbortSignal, credentials?: Credentials): Promise<RecoveryOutcome | null> {
    const rec = await journal.read();
    if (!rec) return null;
    const e = engine(signal);
    const op = rec.operation;
    if (rec.step === 'generateKey' || rec.step === 'buildRequest' || rec.step === 'done') {
      await journal.clear();
      return { outcome: 'rolledBack', operation: op };
    }
    let transport: ReturnType<RenewalDeps['transportFor']> | undefined;
    try {
      const live: Parameters<typeof advance>[2] = { resuming: true };
      if (rec.step === 'send') {
        if (op === 'acquire') {
          if (!credentials) {
            return {
              outcome: 'pending',
              operation: op,
              error: { code: 'ACQUIRE_REQUIRED', message: 'An interrupted 取得 waits for your login ID and password: run 取得 again to finish it with the same request.' },
            };
          }
          live.credentials = credentials;
          transport = deps.transportFor();
        } else {
          const old = rec.oldFingerprint!;
          const listed = await deps.store.list(anchorsDer);
          if (!listed.some((s) => s.fingerprint === old && s.hasPrivateKey)) {
            // The authenticating certificate is gone: the request cannot be resent, and nothing was installed.
            await journal.clear();
            return {
              outcome: 'rolledBack',
              operation: op,
              error: {
                code: 'NO_CERTIFICATE',
                message: `The certificate of the interrupted renewal (sha256 ${old}) is no longer in ${deps.store.describe()} with its key, so its request cannot be sent again. Renew with the certificate you have, or obtain a new one (取得).`,
              },
            };
          }
          transport = deps.transportFor(await identityFor(old));
        }
        live.client = newClient(e, transport, op);
      }
      const out = await advance(e, rec, live);
      return { outcome: 'resumed', operation: op, fingerprint: out.certificate.sha256 };
    } catch (err) {
      const error = await onFailure(e, rec, err, 'send');
      const cleared = (await journal.read().catch(() => rec)) === null;
      return { outcome: cleared ? 'rolledBack' : 'pending', operation: op, error: error.toApiError() };
    } finally {
      transport?.close();
    }
  }

  async function recover(opts: { credentials?: Credentials } = {}): Promise<RecoveryOutcome | null> {
    if (busy) return null;
    // Cheap when there is nothing to do: no lock, no store, no network.
    if (!(await journal.read())) return null;
    const r = await exclusive((signal) => recoverLocked(signal, opts.credentials));
    if (r) lastRecovery = r;
    return r;
  }

  // One listing serves the calls of a moment (the CLI's overview then renew; the UI's
  // overview then details): each is several store-tool runs. Any change to the store drops it.
  let listCache: { at: number; value: Promise<StoredIdentity[]> } | null = null;
  const LIST_TTL_MS = 3000;
  async function listBank(): Promise<StoredIdentity[]> {
    const t = Date.now();
    if (!listCache || t - listCache.at > LIST_TTL_MS) {
      const entry = { at: t, value: deps.store.list(anchorsDer) };
      listCache = entry;
      entry.value.catch(() => {
        if (listCache === entry) listCache = null;
      });
    }
    return listCache.value;
  }
  const storeChanged = () => {
    listCache = null;
  };

  const wrap = async <T>(fn: () => Promise<T>): Promise<Result<T>> => {
    try {
      return ok(await fn());
    } catch (err) {
      const e = remember(err);
      return fail(e.code, e.message, e.detail);
    }
  };

  const settingsView = (): SettingsView => {
    const managed = deps.managed ?? [];
    const policyLang = managed.includes('language');
    return {
      language: policyLang ? deps.policy.language : (deps.settings.get('language') ?? deps.policy.language),
      endpoint: deps.policy.endpoint,
      bankName: deps.policy.bankName,
      remindersAtLogin: deps.settings.get('remindersAtLogin') ?? true,
      managed: ['endpoint', 'bankName', ...(policyLang ? (['language'] as const) : [])],
    };
  };

  const service: CoreService = {
    recover: (opts) => recover(opts),

    getOverview: () =>
      wrap(async () => {
        const r = deps.recoverOnRead === false ? null : await recover().catch(() => lastRecovery);
        const t = now();
        const certificates = (await listBank()).map((s) => summarize(s, deps.policy, t)).sort(byExpiry);
        const overview: Overview = { bankName: deps.policy.bankName, now: t.toISOString(), today: jstDate(t), certificates };
        const shown = r ?? lastRecovery;
        if (shown && shown.outcome !== 'pending') {
          overview.recovered = { outcome: shown.outcome, ...(shown.fingerprint ? { fingerprint: shown.fingerprint } : {}) };
        }
        // Whatever still waits in the journal: not finished here (read-only) or not finishable yet.
        const waiting = await journal.read().catch(() => null);
        if (waiting && waiting.step !== 'done') overview.unfinished = { operation: waiting.operation, step: waiting.step, startedAt: waiting.startedAt };
        reminders.take(certificates, t);
        return overview;
      }),

    getDetails: (fingerprint) =>
      wrap(async (): Promise<CertificateDetails> => {
        const s = (await listBank()).find((x) => x.fingerprint === fingerprint);
        if (!s) throw new CoreError('NO_CERTIFICATE', `No certificate of the bank with fingerprint ${fingerprint} is in ${deps.store.describe()}.`);
        const d = inspectCertificate(s.certificateDer);
        d.facts.hasPrivateKey = s.hasPrivateKey;
        // The store lists only certificates whose issuer chains to the anchor.
        d.facts.chainComplete = true;
        return d;
      }),

    runPreflight: (fingerprint) =>
      wrap(async () => {
        await recover();
        return preflight(engine(new AbortController().signal), fingerprint, now());
      }),

    renew: (fingerprint) =>
      wrap(async () => {
        const r = await recover();
        if (r?.outcome === 'pending') throw new CoreError(r.error?.code ?? 'BUSY', r.error?.message ?? 'An interrupted renewal could not be finished yet.', r.error?.detail);
        return exclusive(async (signal) => {
          const e = engine(signal);
          const old = (await listBank()).find((x) => x.fingerprint === fingerprint);
          if (!old) {
            if (r?.outcome === 'resumed' && r.operation === 'renew') {
              // The interrupted renewal of this very certificate was just finished.
              const done = (await listBank()).find((x) => x.fingerprint === r.fingerprint);
              if (done) {
                const certificate = inspectCertificate(done.certificateDer);
                certificate.facts.hasPrivateKey = done.hasPrivateKey;
                certificate.facts.chainComplete = true;
                return { certificate, replaced: fingerprint, removedOld: deps.policy.removeSuperseded };
              }
            }
            throw new CoreError('NO_CERTIFICATE', `No certificate of the bank with fingerprint ${fingerprint} is in ${deps.store.describe()}.`);
          }
          if (!old.hasPrivateKey) throw new CoreError('KEY_MISSING', 'The certificate is installed but its private key is not, so it cannot authenticate a renewal. Use 取得 or ask the branch.');
          const pe = phaseError(old, e, now());
          if (pe) throw pe;
          const plain = deps.transportFor();
          let authenticated: ReturnType<RenewalDeps['transportFor']> | undefined;
          // Exporting the identity (a store tool call) overlaps key generation.
          const sendClient = identityFor(fingerprint).then((id) => {
            authenticated = deps.transportFor(id);
            return newClient(e, authenticated, 'renew');
          });
          sendClient.catch(() => undefined);
          try {
            return await start(e, {
              operation: 'renew',
              old,
              subjectDer: subjectDerOf(old.certificateDer),
              client: newClient(e, plain, 'renew'),
              sendClient,
            });
          } finally {
            plain.close();
            await sendClient.catch(() => undefined);
            authenticated?.close();
          }
        });
      }),

    acquire: (request: AcquireRequest) =>
      wrap(async () => {
        const credentials = { loginId: request.loginId, password: request.password };
        const r = await recover({ credentials });
        if (r?.outcome === 'resumed' && r.operation === 'acquire') {
          const done = (await listBank()).find((x) => x.fingerprint === r.fingerprint);
          if (done) {
            const certificate = inspectCertificate(done.certificateDer);
            certificate.facts.hasPrivateKey = true;
            certificate.facts.chainComplete = true;
            return { certificate, removedOld: deps.policy.removeSuperseded };
          }
        }
        if (r?.outcome === 'pending') throw new CoreError(r.error?.code ?? 'BUSY', r.error?.message ?? 'An interrupted renewal could not be finished yet.', r.error?.detail);
        return exclusive(async (signal) => {
          const e = engine(signal);
          const t = now();
          const listed = await listBank();
          const phased = listed.map((s) => ({ s, sum: summarize(s, deps.policy, t) })).sort((a, b) => byExpiry(a.sum, b.sum));
          const target = phased.find((p) => p.sum.phase === 'acquirable');
          if (!target && phased.length > 0 && phased.every((p) => p.sum.phase === 'reissue')) {
            throw phaseError(phased[0]!.s, e, t)!;
          }
          // Repeat the subject the bank gave last time; a first certificate leaves it to the bank.
          const basis = target ?? phased[0];
          const subject = basis ? { subjectDer: subjectDerOf(basis.s.certificateDer) } : undefined;
          const transport = deps.transportFor();
          try {
            return await start(e, {
              operation: 'acquire',
              ...(target ? { old: target.s } : {}),
              subjectDer: subject?.subjectDer ?? EMPTY_NAME,
              client: newClient(e, transport, 'acquire'),
              credentials,
            });
          } finally {
            transport.close();
          }
        });
      }),

    cancel: async () => {
      const c = controller;
      if (!c || c.signal.aborted) return ok({ cancelled: false });
      c.abort();
      return ok({ cancelled: true });
    },

    remove: (fingerprint) =>
      wrap(async () => {
        if (busy || (await journal.read())) throw new CoreError('BUSY', 'A renewal is in progress or unfinished; remove certificates after it ends.');
        const s = (await listBank()).find((x) => x.fingerprint === fingerprint);
        if (!s) throw new CoreError('NO_CERTIFICATE', `No certificate of the bank with fingerprint ${fingerprint} is in ${deps.store.describe()}.`);
        try {
          await deps.store.remove(fingerprint);
        } finally {
          storeChanged();
        }
        return { removed: true };
      }),

    getDiagnostics: () =>
      wrap(async () => {
        const lines: string[] = ['CertDesk diagnostics', `generated: ${now().toISOString()}`, ''];
        lines.push('[versions]');
        for (const [k, v] of Object.entries({ node: process.versions.node, ...(deps.versions ?? {}) })) lines.push(`${k}: ${v}`);
        lines.push('', '[system]', `os: ${platform()} ${release()} ${arch()}`);
        lines.push('', '[policy]', `source: ${deps.policySource ?? '(given)'}`, `managed: ${(deps.managed ?? []).join(', ')}`);
        for (const [k, v] of Object.entries(deps.policy)) {
          if (k === 'trustAnchorPem') {
            lines.push(`trustAnchors (sha256): ${anchorsDer.map(sha256Hex).join(', ')}`);
          } else lines.push(`${k}: ${JSON.stringify(v)}`);
        }
        lines.push('', '[store]', deps.store.describe());
        try {
          const t = now();
          for (const s of await listBank()) {
            const sum = summarize(s, deps.policy, t);
            lines.push(`- ${sum.holder} sha256=${s.fingerprint} notAfter=${sum.notAfter} phase=${sum.phase} key=${s.hasPrivateKey ? 'yes' : 'NO'}`);
          }
        } catch (err) {
          const e = toApiError(err);
          lines.push(`listing failed: ${e.code} ${e.message}`);
        }
        lines.push('', '[journal]');
        try {
          const rec = await journal.read();
          lines.push(rec ? `unfinished ${rec.operation} at step ${rec.step}, started ${rec.startedAt}` : 'none');
        } catch (err) {
          lines.push(toApiError(err).message);
        }
        lines.push('', '[last errors]');
        for (const e of deps.settings.get('lastErrors') ?? []) lines.push(`${e.at} ${e.code} ${e.message}`);
        // One redactor over the whole text: the proxy line, holders and past errors alike.
        return { text: redactText(lines.join('\n') + '\n') };
      }),

    getSettings: () => wrap(async () => settingsView()),

    updateSettings: (patch: SettingsPatch) =>
      wrap(async () => {
        const view = settingsView();
        if (patch.language !== undefined) {
          if (view.managed.includes('language')) throw new CoreError('INVALID_INPUT', 'The language is set by your organisation\'s policy.', { field: 'language' });
          deps.settings.set('language', patch.language);
        }
        if (patch.remindersAtLogin !== undefined) deps.settings.set('remindersAtLogin', patch.remindersAtLogin);
        return settingsView();
      }),
  };
  return service;
}

/** An empty Name: a first 取得 lets the bank fill in the account's subject (RFC 7030 allows it). */
const EMPTY_NAME = new Uint8Array([0x30, 0x00]);
