// The bank's rules at every boundary, in JST whatever the machine's TZ (npm test runs this
// file under UTC, Asia/Tokyo, Pacific/Honolulu (UTC−10) and Pacific/Kiritimati (UTC+14)).
import { describe, expect, it } from 'vitest';
import { computePhase, jstDate, DEFAULT_PHASE_POLICY, type PhasePolicy } from '../../src/shared/phase';

// notAfter 2026-12-25 23:59:59 JST = 2026-12-25T14:59:59Z. E = 2026-12-25 (JST).
const notAfter = new Date('2026-12-25T14:59:59Z');
/** An instant at JST noon of E + offset days. */
const jstNoon = (offsetDays: number) => new Date(Date.UTC(2026, 11, 25 + offsetDays, 3, 0, 0));

describe('computePhase at the boundaries of the default policy (30 / 90 / [30, 10])', () => {
  const cases: Array<[string, number, string, number]> = [
    ['E−31', -31, 'valid', 31],
    ['E−30', -30, 'renewable', 30],
    ['E−11', -11, 'renewable', 11],
    ['E−10', -10, 'renewable', 10],
    ['E', 0, 'renewable', 0],
    ['E+1', 1, 'acquirable', -1],
    ['E+90', 90, 'acquirable', -90],
    ['E+91', 91, 'reissue', -91],
    ['E+400', 400, 'reissue', -400],
  ];
  it.each(cases)('%s → %s', (_label, offset, phase, daysLeft) => {
    const info = computePhase(notAfter, jstNoon(offset));
    expect(info.phase).toBe(phase);
    expect(info.daysLeft).toBe(daysLeft);
    expect(info.expiryDate).toBe('2026-12-25');
    expect(info.renewalOpensOn).toBe('2026-11-25');
    expect(info.graceEndsOn).toBe('2027-03-25');
  });

  it('reminders: none before E−30, [30] from E−30, [30, 10] from E−10, none once expired', () => {
    expect(computePhase(notAfter, jstNoon(-31)).remindersDue).toEqual([]);
    expect(computePhase(notAfter, jstNoon(-30)).remindersDue).toEqual([30]);
    expect(computePhase(notAfter, jstNoon(-11)).remindersDue).toEqual([30]);
    expect(computePhase(notAfter, jstNoon(-10)).remindersDue).toEqual([30, 10]);
    expect(computePhase(notAfter, jstNoon(0)).remindersDue).toEqual([30, 10]);
    expect(computePhase(notAfter, jstNoon(1)).remindersDue).toEqual([]);
  });

  it('the notice shows from the window start and only while renewable', () => {
    expect(computePhase(notAfter, jstNoon(-31)).noticeDue).toBe(false);
    expect(computePhase(notAfter, jstNoon(-30)).noticeDue).toBe(true);
    expect(computePhase(notAfter, jstNoon(0)).noticeDue).toBe(true);
    expect(computePhase(notAfter, jstNoon(1)).noticeDue).toBe(false);
  });
});

describe('day E when notAfter’s time of day has already passed', () => {
  // Expires 2026-12-25 10:00 JST (01:00Z). At 15:00 JST the same day it is expired: 取得.
  const morning = new Date('2026-12-25T01:00:00Z');
  it('before the instant on day E: renewable', () => {
    expect(computePhase(morning, new Date('2026-12-25T00:59:59Z')).phase).toBe('renewable');
  });
  it('at the instant: still renewable (notAfter is inclusive)', () => {
    expect(computePhase(morning, new Date('2026-12-25T01:00:00Z')).phase).toBe('renewable');
  });
  it('after the instant on day E: acquirable, daysLeft 0, no reminders', () => {
    const info = computePhase(morning, new Date('2026-12-25T06:00:00Z'));
    expect(info.phase).toBe('acquirable');
    expect(info.daysLeft).toBe(0);
    expect(info.remindersDue).toEqual([]);
  });
});

describe('calendar days are JST days, not the PC’s', () => {
  it('23:30 UTC is already the next JST day (a PC in UTC−10 sees the day before)', () => {
    // 2026-11-24T15:00Z = 2026-11-25 00:00 JST = 2026-11-24 05:00 in Honolulu.
    expect(jstDate(new Date('2026-11-24T15:00:00Z'))).toBe('2026-11-25');
    expect(computePhase(notAfter, new Date('2026-11-24T15:00:00Z')).phase).toBe('renewable');
    expect(computePhase(notAfter, new Date('2026-11-24T14:59:59Z')).phase).toBe('valid');
  });
  it('a PC in UTC+14 at 01:00 local on E+1 is still on E in JST', () => {
    // 2026-12-26 01:00 at UTC+14 = 2026-12-25T11:00Z = 2026-12-25 20:00 JST.
    const info = computePhase(notAfter, new Date('2026-12-25T11:00:00Z'));
    expect(info.today).toBe('2026-12-25');
    expect(info.phase).toBe('renewable');
  });
  it('a notAfter of 15:00Z is the next JST day', () => {
    expect(computePhase(new Date('2026-12-25T15:00:00Z'), jstNoon(0)).expiryDate).toBe('2026-12-26');
  });
  it('does not depend on the process TZ (run under several TZ values)', () => {
    // Date.prototype.getDate would differ across the TZ runs; jstDate must not.
    expect(jstDate(new Date('2026-03-01T14:59:59Z'))).toBe('2026-03-01');
    expect(jstDate(new Date('2026-03-01T15:00:00Z'))).toBe('2026-03-02');
  });
});

describe('other banks’ policies', () => {
  const wide: PhasePolicy = { renewWindowDays: 40, graceDays: 180, reminderDays: [40, 14, 3] };
  it('window 40, grace 180', () => {
    expect(computePhase(notAfter, jstNoon(-41), wide).phase).toBe('valid');
    expect(computePhase(notAfter, jstNoon(-40), wide).phase).toBe('renewable');
    expect(computePhase(notAfter, jstNoon(180), wide).phase).toBe('acquirable');
    expect(computePhase(notAfter, jstNoon(181), wide).phase).toBe('reissue');
    expect(computePhase(notAfter, jstNoon(-3), wide).remindersDue).toEqual([40, 14, 3]);
  });
  it('rejects nonsense policy values instead of defaulting', () => {
    expect(() => computePhase(notAfter, jstNoon(0), { ...DEFAULT_PHASE_POLICY, graceDays: -1 })).toThrow(/graceDays/);
    expect(() => computePhase(notAfter, jstNoon(0), { ...DEFAULT_PHASE_POLICY, renewWindowDays: 1.5 })).toThrow(/renewWindowDays/);
    expect(() => computePhase(new Date('x'), jstNoon(0))).toThrow(/invalid date/);
  });
  it('crosses a year and a leap day correctly', () => {
    const leap = new Date('2028-03-01T14:59:59Z'); // E = 2028-03-01 JST; 2028 is a leap year
    expect(computePhase(leap, new Date('2028-01-31T03:00:00Z')).renewalOpensOn).toBe('2028-01-31');
    expect(computePhase(leap, new Date('2028-01-31T03:00:00Z')).phase).toBe('renewable');
  });
});
