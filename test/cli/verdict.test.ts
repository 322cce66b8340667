// The state a scheduler reads: a broken check wins over the bank's dates (a 407 proxy outside
// the renewal window is broken, never "not due"); the most urgent certificate decides status.
import { describe, expect, it } from 'vitest';
import type { CertificateSummary, CheckResult, PreflightReport } from '../../src/shared/contract';
import { doctorVerdict, statusVerdict } from '../../src/main/cli/verdict';

const check = (id: CheckResult['id'], code?: string): CheckResult => (code ? { id, state: 'failed', error: { code: code as never, message: code } } : { id, state: 'passed' });
const report = (...checks: CheckResult[]): PreflightReport => ({ passed: checks.every((c) => c.state === 'passed'), checks });
const cert = (phase: CertificateSummary['phase'], hasPrivateKey = true): CertificateSummary =>
  ({ fingerprint: phase, holder: 'h', notAfter: '', expiryDate: '', phase, daysLeft: 0, renewalOpensOn: '', graceEndsOn: '', remindersDue: [], noticeDue: false, hasPrivateKey }) as CertificateSummary;

describe('doctor', () => {
  it('healthy outside the window is 0; inside 6; expired 4; past grace 5', () => {
    expect(doctorVerdict(report(check('policy'), check('identity', 'RENEWAL_NOT_OPEN'), check('endpoint')))).toEqual({ state: 'ok', exit: 0 });
    expect(doctorVerdict(report(check('policy'), check('identity'), check('endpoint')))).toEqual({ state: 'renewalOpen', exit: 6 });
    // Not yet due: the identity check passed with the opening date; the report passed.
    const notDue: CheckResult = { id: 'identity', state: 'passed', note: { code: 'NOT_YET_DUE', opensOn: '2027-05-26', expiryDate: '2027-06-25', daysLeft: 200 } };
    expect(report(check('policy'), notDue, check('endpoint')).passed).toBe(true);
    expect(doctorVerdict(report(check('policy'), notDue, check('endpoint')))).toEqual({ state: 'ok', exit: 0 });
    // Not due, and the bank unreachable: the one ✗ is the network's.
    expect(doctorVerdict(report(notDue, check('endpoint', 'NETWORK')))).toMatchObject({ state: 'broken', exit: 1, error: { code: 'NETWORK' } });
    expect(doctorVerdict(report(check('identity', 'ACQUIRE_REQUIRED'))).exit).toBe(4);
    expect(doctorVerdict(report(check('identity', 'REISSUE_REQUIRED'))).exit).toBe(5);
  });

  it('a proxy 407, a network failure or a distrusted server outside the window is 1, and that is the error', () => {
    for (const code of ['PROXY_AUTH_REQUIRED', 'NETWORK', 'TLS_UNTRUSTED', 'STORE_UNAVAILABLE']) {
      const v = doctorVerdict(report(check('identity', 'RENEWAL_NOT_OPEN'), check('endpoint', code)));
      expect(v).toMatchObject({ state: 'broken', exit: 1, error: { code } });
    }
    expect(doctorVerdict(report(check('identity', 'NO_CERTIFICATE'))).exit).toBe(7);
  });
});

describe('status', () => {
  it('the most urgent certificate decides: broken > reissue > 取得 > renewal open > ok; none is a new PC', () => {
    expect(statusVerdict({ certificates: [] } as never).exit).toBe(7);
    expect(statusVerdict({ certificates: [cert('valid')] } as never).exit).toBe(0);
    expect(statusVerdict({ certificates: [cert('valid'), cert('renewable')] } as never).exit).toBe(6);
    expect(statusVerdict({ certificates: [cert('renewable'), cert('acquirable')] } as never).exit).toBe(4);
    expect(statusVerdict({ certificates: [cert('acquirable'), cert('reissue')] } as never).exit).toBe(5);
    expect(statusVerdict({ certificates: [cert('reissue'), cert('valid', false)] } as never)).toMatchObject({ exit: 1, error: { code: 'KEY_MISSING' } });
    // An expired certificate without its key is just expired: 取得 makes a new key anyway.
    expect(statusVerdict({ certificates: [cert('acquirable', false)] } as never).exit).toBe(4);
  });
});
