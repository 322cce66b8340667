// The reminder schedule: which notifications fire on which JST day, none twice, across
// restarts (the record lives in the real user settings file), and clicking one opens the
// renewal of that certificate.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calls, resetCalls } from '../support/electron-stub';

vi.mock('electron', () => import('../support/electron-stub'));

const { createReminderLedger, dueReminders, msUntilNextCheck } = await import('../../src/main/core/renewal');
const { createNotifier, startReminderClock } = await import('../../src/main/app/notifier');
const { stringsFor } = await import('../../src/main/app/strings');
const { openSettings } = await import('../../src/main/core/config');
const { DEFAULT_PHASE_POLICY } = await import('../../src/shared/phase');

const DAY = 86_400_000;
// notAfter 2027-03-31 23:59:59 JST; JST day E = 2027-03-31.
const NOT_AFTER = '2027-03-31T14:59:59Z';
const certA = { fingerprint: 'a'.repeat(64), holder: '山田 太郎', notAfter: NOT_AFTER };
const certB = { fingerprint: 'b'.repeat(64), holder: 'Suzuki', notAfter: '2027-04-05T03:00:00Z' };
/** Noon JST, `d` days before E (negative: after). */
const jstNoonBefore = (d: number) => new Date(Date.parse('2027-03-31T03:00:00Z') - d * DAY);

describe('dueReminders', () => {
  it('running every day from E−40 to E+5: 30 on E−30, 10 on E−10, nothing else', () => {
    let fired = {};
    const log: Array<[number, number]> = [];
    for (let d = 40; d >= -5; d--) {
      const r = dueReminders([certA], jstNoonBefore(d), DEFAULT_PHASE_POLICY, fired);
      fired = r.fired;
      for (const x of r.due) log.push([d, x.threshold]);
    }
    expect(log).toEqual([
      [30, 30],
      [10, 10],
    ]);
  });

  it('at several checks per day, still once (JST midnight boundary, PC in any zone)', () => {
    let fired = {};
    const log: number[] = [];
    // From E−31 23:00 JST to E−29 in 20-minute steps.
    const start = Date.parse('2027-02-28T14:00:00Z');
    for (let t = start; t < start + 2 * DAY; t += 20 * 60_000) {
      const r = dueReminders([certA], new Date(t), DEFAULT_PHASE_POLICY, fired);
      fired = r.fired;
      for (const _x of r.due) log.push(Math.floor((t - start) / 60_000));
    }
    // E−30 begins at 2027-03-01 00:00 JST = 2027-02-28T15:00Z, 60 minutes after start.
    expect(log).toEqual([60]);
  });

  it('a PC first switched on at E−8 shows only the most urgent reminder, and not 30 later', () => {
    const first = dueReminders([certA], jstNoonBefore(8), DEFAULT_PHASE_POLICY, {});
    expect(first.due).toEqual([{ fingerprint: certA.fingerprint, holder: certA.holder, threshold: 10, daysLeft: 8 }]);
    expect(first.fired[certA.fingerprint]).toEqual([30, 10]);
    expect(dueReminders([certA], jstNoonBefore(7), DEFAULT_PHASE_POLICY, first.fired).due).toEqual([]);
  });

  it('nothing for an expired certificate, per certificate otherwise, with the policy days', () => {
    expect(dueReminders([certA], new Date(Date.parse(NOT_AFTER) + 1000), DEFAULT_PHASE_POLICY, {}).due).toEqual([]);
    const policy = { ...DEFAULT_PHASE_POLICY, reminderDays: [40, 14, 3] };
    const r = dueReminders([certA, certB], jstNoonBefore(14), policy, {});
    expect(r.due.map((x) => [x.holder, x.threshold, x.daysLeft])).toEqual([
      ['山田 太郎', 14, 14],
      ['Suzuki', 40, 19],
    ]);
  });

  it('keeps the record of certificates not on the PC, forgets invalid entries', () => {
    const r = dueReminders([certA], jstNoonBefore(50), DEFAULT_PHASE_POLICY, { ['c'.repeat(64)]: [30], bad: 'x' as never });
    expect(r.fired).toEqual({ ['c'.repeat(64)]: [30] });
  });

  it('checks again five minutes after the next JST midnight', () => {
    const now = new Date('2027-03-01T10:00:00Z'); // 19:00 JST
    expect(msUntilNextCheck(now)).toBe((5 * 60 + 5) * 60_000);
  });
});

describe('the reminder ledger and the notifier (Electron notifications, settings file, restarts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-reminders-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => resetCalls());

  async function runOnce(now: Date, onClick = vi.fn()) {
    // A fresh settings object each time: what a restarted app reads from disk.
    const settings = openSettings({ dir });
    const ledger = createReminderLedger({ settings, policy: DEFAULT_PHASE_POLICY, remind: createNotifier({ strings: () => stringsFor('ja'), onClick }) });
    const r = startReminderClock(async () => ledger.take([certA], now), () => now);
    await r.checkNow();
    r.stop();
    return { onClick };
  }

  it('shows 30 once across restarts, then 10, and a click opens that renewal', async () => {
    await runOnce(jstNoonBefore(31));
    expect(calls.notifications).toHaveLength(0);

    const first = await runOnce(jstNoonBefore(30));
    // The clock checks at start and checkNow checks again: one notification all the same.
    expect(calls.notifications).toHaveLength(1);
    const n = calls.notifications[0]!;
    expect(n.shown).toBe(true);
    expect(n.options.title).toBe('電子証明書の更新をお願いします');
    expect(n.options.body).toContain('あと 30 日');
    n.emit('click');
    expect(first.onClick).toHaveBeenCalledWith({ fingerprint: certA.fingerprint, threshold: 30, daysLeft: 30 });

    await runOnce(jstNoonBefore(30)); // restart the same day
    await runOnce(jstNoonBefore(20));
    expect(calls.notifications).toHaveLength(1);

    await runOnce(jstNoonBefore(10));
    expect(calls.notifications).toHaveLength(2);
    expect(calls.notifications[1]!.options.body).toContain('あと 10 日');
    await runOnce(jstNoonBefore(9));
    await runOnce(jstNoonBefore(0));
    expect(calls.notifications).toHaveLength(2);
    expect(openSettings({ dir }).get('remindersShown')).toEqual({ [certA.fingerprint]: [30, 10] });
  });
});
