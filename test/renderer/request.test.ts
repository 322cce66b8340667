// The preflight's "what the request will contain" in words: where the key type and the hash
// came from, read from the core's own honoured/ignored lines (as requestShapeOf in
// src/main/core/est/csrattrs.ts writes them; test/e2e/preflight-request.spec.ts reads them
// from the real core, so a change of its wording fails there too).
import { describe, expect, it } from 'vitest';
import { keyTypeName, requestView } from '../../src/renderer/src/flow/request';
import { initialState, transition } from '../../src/renderer/src/flow/machine';
import { en } from '../../src/renderer/src/i18n/en';
import { ja } from '../../src/renderer/src/i18n/ja';
import type { CertificateSummary, PreflightRequest } from '../../src/shared/contract';


describe('the request in words', () => {
  it('a key type the bank asked for, with the policy at its default: the bank’s', () => {
    const v = requestView({ keyType: 'ecdsaP256', hash: 'SHA-256', honoured: ['key type ecdsaP256 (the policy leaves keyType at its default)', 'signature hash SHA-256'], ignored: [] });
    expect(v).toEqual({ keyType: 'ECDSA P-256', keySource: 'bank', hash: 'SHA-256', hashSource: 'bank' });
  });

  it('a key type the policy fixes over the bank’s wish: the company’s, and the wish is in the ignored lines', () => {
    const r = { keyType: 'rsa3072', hash: 'SHA-256', honoured: [], ignored: ['challengePassword: CertDesk never puts a password into the request', 'key type ecdsaP256: the policy sets keyType rsa3072'] };
    expect(requestView(r)).toEqual({ keyType: 'RSA 3072', keySource: 'policy', hash: 'SHA-256', hashSource: 'standard' });
  });

  it('a bank that asks nothing: as set up', () => {
    expect(requestView({ keyType: 'rsa2048', hash: 'SHA-256', honoured: [], ignored: [] })).toEqual({ keyType: 'RSA 2048', keySource: 'standard', hash: 'SHA-256', hashSource: 'standard' });
  });

  it('an unknown key type name is shown as it came', () => {
    expect(keyTypeName('ed25519')).toBe('ed25519');
  });

  it('every source has its words in both languages, with the value', () => {
    for (const c of [ja, en]) for (const s of ['bank', 'policy', 'standard'] as const) expect(c.request.source[s]).toContain('{{value}}');
  });
});

describe('the flow keeps the last preflight’s request', () => {
  const cert = { fingerprint: 'a'.repeat(64) } as CertificateSummary;
  const request: PreflightRequest = { keyType: 'ecdsaP256', hash: 'SHA-256', honoured: ['key type ecdsaP256'], ignored: [] };
  it('for the start screen (passed) and the preflight screen (failed); a new preflight forgets it', () => {
    let s = transition(initialState, { type: 'renew', cert }).state;
    expect(s.request).toBeNull();
    s = transition(s, { type: 'preflightDone', cert, report: { passed: true, checks: [], request } }).state;
    expect(s.screen.name).toBe('start');
    expect(s.request).toEqual(request);
    s = transition({ ...s, screen: { name: 'home' } }, { type: 'renew', cert }).state;
    expect(s.request).toBeNull();
    s = transition(s, { type: 'preflightDone', cert, report: { passed: false, checks: [{ id: 'clock', state: 'failed', error: { code: 'CLOCK_SKEW', message: 'x' } }], request } }).state;
    expect(s.screen.name).toBe('preflight');
    expect(s.request).toEqual(request);
  });
});
