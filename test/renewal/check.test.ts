// The scheduled check's decisions (src/main/core/renewal/check.ts) over a scripted service: the
// store's lock held by another renewal (waits its turn, then leaves it to the next check), a
// token PIN not at hand (nothing tried), one attempt a day after a failure (the ledger, written
// atomically), a certificate superseded by a newer one, no certificate at all.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiError, CertificateSummary, Overview, RenewalOutcome, Result } from '../../src/shared/contract';
import { runCheck, type DueReminder } from '../../src/main/core/renewal';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'certdesk-check-unit-'));
  dirs.push(d);
  return d;
};

const cert = (fp: string, phase: CertificateSummary['phase'], o: Partial<CertificateSummary> = {}): CertificateSummary => ({
  fingerprint: fp, holder: 'ヤマダ', notAfter: '2027-01-01T00:00:00.000Z', expiryDate: '2027-01-01', phase, daysLeft: 20,
  renewalOpensOn: '2026-12-02', graceEndsOn: '2027-04-01', remindersDue: [30], noticeDue: phase === 'renewable', hasPrivateKey: true, ...o,
});
const outcome = (fp: string): RenewalOutcome => ({ certificate: { sha256: fp.toUpperCase(), notAfter: '2028-01-01T00:00:00.000Z' } as RenewalOutcome['certificate'], standing: { expiryDate: '2028-01-01', daysLeft: 400, phase: 'valid' }, replaced: 'a', removedOld: true });
const failed = (error: ApiError): Result<never> => ({ ok: false, error });

function scripted(certs: CertificateSummary[], answers: Array<Result<RenewalOutcome>>) {
  const renewCalls: string[] = [];
  const service = {
    getOverview: async (): Promise<Result<Overview>> => ({ ok: true, value: { bankName: 'b', now: '2026-12-12T01:00:00Z', today: '2026-12-12', certificates: certs } }),
    renew: async (fp: string) => {
      renewCalls.push(fp);
      return answers.shift() ?? failed({ code: 'INTERNAL', message: 'no more answers' });
    },
  };
  return { service, renewCalls };
}
const reminder = (fp: string): DueReminder => ({ fingerprint: fp, holder: 'ヤマダ', threshold: 30, daysLeft: 20 });

describe('runCheck', () => {
  it('another renewal holds the lock: waits its turn twice, then leaves it to the next check (exit 6), counted as no attempt', async () => {
    const dir = dataDir();
    const busy = failed({ code: 'BUSY', message: 'Another CertDesk renewal is running.' });
    const { service, renewCalls } = scripted([cert('a', 'renewable')], [busy, busy, busy]);
    const waits: number[] = [];
    const r = await runCheck({ service, policy: { autoRenew: true }, takenReminders: () => [reminder('a')], dataDir: dir, sleep: async (ms) => void waits.push(ms) });
    expect(renewCalls).toEqual(['a', 'a', 'a']);
    expect(waits).toEqual([2000, 5000]);
    expect(r).toMatchObject({ state: 'renewalOpen', exitCode: 6, items: [{ reason: 'BUSY' }] });
    expect(r.notices).toEqual([expect.objectContaining({ kind: 'reminder', reason: 'BUSY', threshold: 30 })]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the lock freed while waiting: renewed on the second try', async () => {
    const { service, renewCalls } = scripted([cert('a', 'renewable')], [failed({ code: 'BUSY', message: 'busy' }), { ok: true, value: outcome('b') }]);
    const r = await runCheck({ service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dataDir(), sleep: async () => undefined });
    expect(renewCalls).toEqual(['a', 'a']);
    expect(r).toMatchObject({ state: 'ok', exitCode: 0, items: [{ reason: 'RENEWED', renewed: { fingerprint: 'b', expiryDate: '2028-01-01' } }] });
    expect(r.notices).toEqual([{ kind: 'renewed', fingerprint: 'b', holder: 'ヤマダ', expiryDate: '2028-01-01', notAfter: '2028-01-01T00:00:00.000Z' }]);
  });

  it('a token PIN not at hand: nothing tried, the reminder says to open CertDesk, exit 6', async () => {
    const { service, renewCalls } = scripted([cert('a', 'renewable')], []);
    const r = await runCheck({ service, policy: { autoRenew: true }, pinMissing: true, takenReminders: () => [reminder('a')], dataDir: dataDir() });
    expect(renewCalls).toEqual([]);
    expect(r).toMatchObject({ exitCode: 6, items: [{ reason: 'PIN_NOT_AT_HAND' }], notices: [{ kind: 'reminder', reason: 'PIN_NOT_AT_HAND' }] });
  });

  it('a failure is recorded (atomically, no temp file left) and not tried again the same JST day; a new day tries again', async () => {
    const dir = dataDir();
    const err = { code: 'SERVER_ERROR' as const, message: 'The bank answered 503.' };
    const first = scripted([cert('a', 'renewable')], [failed(err)]);
    const r1 = await runCheck({ service: first.service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dir });
    expect(r1).toMatchObject({ exitCode: 1, state: 'broken', items: [{ reason: 'FAILED' }], notices: [{ kind: 'failed', error: err }] });
    expect(readdirSync(dir)).toEqual(['auto-renew.json']);
    expect(JSON.parse(readFileSync(join(dir, 'auto-renew.json'), 'utf8')).failures.a).toMatchObject({ day: '2026-12-12', code: 'SERVER_ERROR' });

    const second = scripted([cert('a', 'renewable')], []);
    const r2 = await runCheck({ service: second.service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dir });
    expect(second.renewCalls).toEqual([]);
    expect(r2).toMatchObject({ exitCode: 1, items: [{ reason: 'FAILED_TODAY' }], notices: [] });

    const ledger = JSON.parse(readFileSync(join(dir, 'auto-renew.json'), 'utf8'));
    ledger.failures.a.day = '2026-12-11';
    writeFileSync(join(dir, 'auto-renew.json'), JSON.stringify(ledger));
    const third = scripted([cert('a', 'renewable')], [{ ok: true, value: outcome('c') }]);
    const r3 = await runCheck({ service: third.service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dir });
    expect(third.renewCalls).toEqual(['a']);
    expect(r3.exitCode).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'auto-renew.json'), 'utf8'));
    expect(after.failures).toEqual({});
    expect(after.lastRenewal).toMatchObject({ replaced: 'a', fingerprint: 'c', expiryDate: '2028-01-01' });
  });

  it('a damaged ledger is read as empty, never fatal', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'auto-renew.json'), '{ not json');
    const { service } = scripted([cert('a', 'acquirable', { daysLeft: -3 })], []);
    const r = await runCheck({ service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dir });
    expect(r).toMatchObject({ exitCode: 4, notices: [{ kind: 'acquire' }] });
  });

  it('an expired certificate beside its newer successor needs nothing; reissue is told once; no certificate is the new-PC state', async () => {
    const older = cert('old', 'acquirable', { notAfter: '2026-11-01T00:00:00.000Z' });
    const newer = cert('new', 'valid', { notAfter: '2027-11-01T00:00:00.000Z' });
    const r = await runCheck({ service: scripted([newer, older], []).service, policy: { autoRenew: false }, takenReminders: () => [], dataDir: dataDir() });
    expect(r).toMatchObject({ exitCode: 0, items: [{ reason: 'NOT_DUE' }, { reason: 'SUPERSEDED' }], notices: [] });

    const dir = dataDir();
    const gone = cert('x', 'reissue', { daysLeft: -120 });
    expect((await runCheck({ service: scripted([gone], []).service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dir })).notices).toHaveLength(1);
    const again = await runCheck({ service: scripted([gone], []).service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dir });
    expect(again).toMatchObject({ exitCode: 5, notices: [] });

    expect(await runCheck({ service: scripted([], []).service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dataDir() })).toMatchObject({ state: 'newPc', exitCode: 7 });
  });

  it('the renewal window open but the key missing: broken, never attempted', async () => {
    const { service, renewCalls } = scripted([cert('a', 'renewable', { hasPrivateKey: false })], []);
    const r = await runCheck({ service, policy: { autoRenew: true }, takenReminders: () => [], dataDir: dataDir() });
    expect(renewCalls).toEqual([]);
    expect(r).toMatchObject({ exitCode: 1, items: [{ reason: 'KEY_MISSING', error: { code: 'KEY_MISSING' } }] });
  });
});
