// The bank pages the window may ask for, and how a 取得 refused for a certificate still valid
// on the old PC is told from other refusals. (The settings view's support and bankPages are
// covered end to end in test/e2e/new-pc.spec.ts, through the real service.)
import { describe, expect, it } from 'vitest';
import { validateArgs } from '../../src/shared/validate';
import { validElsewhere } from '../../src/shared/error-policy';

describe('the bank pages', () => {
  it('openBankSite takes nothing or one named page, never a URL', () => {
    expect(validateArgs.openBankSite([])).toBeNull();
    for (const p of ['login', 'newPc', 'site']) expect(validateArgs.openBankSite([p])).toBeNull();
    for (const bad of [['https://evil.example/'], ['login', 'site'], [1], [{ page: 'login' }]]) expect(validateArgs.openBankSite(bad)?.code).toBe('INVALID_INPUT');
  });
});

describe('a certificate still valid on another PC', () => {
  const required = { code: 'SERVER_REJECTED' as const, detail: { status: 403, reason: 'RENEWAL_REQUIRED' as const } };
  it('is RENEWAL_REQUIRED for either operation and RENEWAL_NOT_OPEN for 取得 only', () => {
    expect(validElsewhere(required, 'acquire')).toBe(true);
    expect(validElsewhere(required, 'renew')).toBe(true);
    expect(validElsewhere({ code: 'RENEWAL_NOT_OPEN' }, 'acquire')).toBe(true);
    expect(validElsewhere({ code: 'RENEWAL_NOT_OPEN' }, 'renew')).toBe(false);
    expect(validElsewhere({ code: 'AUTH_FAILED' }, 'acquire')).toBe(false);
  });
});
