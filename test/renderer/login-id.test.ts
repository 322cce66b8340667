// Login IDs as a Japanese input method types them, and the one an expired certificate carries.
import { describe, expect, it } from 'vitest';
import type { CertificateSummary } from '../../src/shared/contract';
import { loginIdOf, normaliseLoginId } from '../../src/renderer/src/flow/login-id';
import { transition, initialState } from '../../src/renderer/src/flow/machine';

describe('login IDs', () => {
  it('full-width letters, digits and symbols become what the bank issued; spaces around go', () => {
    expect(normaliseLoginId('ＤＥＭＯ０００１')).toBe('DEMO0001');
    expect(normaliseLoginId('\u3000user．name＠example－01 ')).toBe('user.name@example-01');
    expect(normaliseLoginId('demo0001')).toBe('demo0001');
  });

  it('an expired certificate pre-fills the form only when its name is a login ID', () => {
    const cert = (holder: string) => ({ holder }) as CertificateSummary;
    expect(loginIdOf(cert('DEMO0001'))).toBe('DEMO0001');
    expect(loginIdOf(cert('ＤＥＭＯ０００１'))).toBe('DEMO0001');
    expect(loginIdOf(cert('デモ 太郎'))).toBeUndefined();
    expect(loginIdOf(cert('C=JP, O=デモ信用金庫, CN=x'))).toBeUndefined();
  });

  it('the form opens with the login ID it was given, and empty without one', () => {
    expect(transition(initialState, { type: 'openAcquire', loginId: 'DEMO0001' }).state.screen).toEqual({ name: 'acquire', loginId: 'DEMO0001' });
    expect(transition(initialState, { type: 'openAcquire' }).state.screen).toEqual({ name: 'acquire' });
  });
});
