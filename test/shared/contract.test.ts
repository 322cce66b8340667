import { describe, expect, it } from 'vitest';
import { API_METHODS, API_EVENTS, channelOf, eventChannelOf, ERROR_CODES } from '../../src/shared/contract';
import { validateArgs } from '../../src/shared/validate';

const fp = 'a'.repeat(64);

describe('the contract', () => {
  it('derives one distinct channel per method and event', () => {
    const channels = [...API_METHODS.map(channelOf), ...API_EVENTS.map(eventChannelOf)];
    expect(new Set(channels).size).toBe(channels.length);
    expect(channels.every((c) => c.startsWith('certdesk:'))).toBe(true);
  });

  it('has a validator for every method', () => {
    expect(Object.keys(validateArgs).sort()).toEqual([...API_METHODS].sort());
  });

  it('error codes are unique', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('validateArgs at the boundary', () => {
  it.each(['getDetails', 'runPreflight', 'renew'] as const)('%s accepts one SHA-256 fingerprint only', (m) => {
    expect(validateArgs[m]([fp])).toBeNull();
    for (const bad of [[], [fp, fp], ['A'.repeat(64)], ['a'.repeat(63)], [`${'a'.repeat(63)}g`], [42], [{ toString: () => fp }], ['../../etc/passwd']]) {
      expect(validateArgs[m](bad)?.code).toBe('INVALID_INPUT');
    }
  });

  it('methods without arguments refuse any', () => {
    for (const m of ['getOverview', 'cancel', 'getDiagnostics', 'saveDiagnostics', 'getSettings', 'openBankSite'] as const) {
      expect(validateArgs[m]([])).toBeNull();
      expect(validateArgs[m](['x'])?.code).toBe('INVALID_INPUT');
    }
  });

  it('acquire wants exactly { loginId, password } within bounds', () => {
    expect(validateArgs.acquire([{ loginId: 'DEMO0001', password: 'pw' }])).toBeNull();
    const bad = [
      [],
      [null],
      [[]],
      [{ loginId: 'DEMO0001' }],
      [{ loginId: '', password: 'pw' }],
      [{ loginId: 'ア', password: 'pw' }],
      [{ loginId: 'x'.repeat(65), password: 'pw' }],
      [{ loginId: 'DEMO', password: '' }],
      [{ loginId: 'DEMO', password: 'p'.repeat(129) }],
      [{ loginId: 'DEMO', password: 'pw', admin: true }],
    ];
    for (const args of bad) expect(validateArgs.acquire(args)?.code, JSON.stringify(args)).toBe('INVALID_INPUT');
    expect(validateArgs.acquire([{ loginId: 'DEMO', password: 'pw', admin: true }])?.detail?.field).toBe('admin');
  });

  it('updateSettings accepts known fields with valid values only', () => {
    expect(validateArgs.updateSettings([{ language: 'en' }])).toBeNull();
    expect(validateArgs.updateSettings([{ remindersAtLogin: false }])).toBeNull();
    expect(validateArgs.updateSettings([{ language: 'fr' }])?.detail?.field).toBe('language');
    expect(validateArgs.updateSettings([{ endpoint: 'https://evil.example' }])?.detail?.field).toBe('endpoint');
    expect(validateArgs.updateSettings([{ remindersAtLogin: 'yes' }])?.code).toBe('INVALID_INPUT');
    expect(validateArgs.updateSettings([Object.create({ language: 'en' })])?.code).toBe('INVALID_INPUT');
  });
});
