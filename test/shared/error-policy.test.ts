// The error policy table: complete at run time as the type makes it at compile time, coherent
// across its columns, its detail exceptions tied to facts the core really emits, and the
// IT guide's exit-code table true to it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/shared/contract';
import { ERROR_POLICY, EXIT, errorPolicy, errorState, exitCodeOf, isBankDate, keepsJournalAtSend, blamedCheck, resumesAtStart, rollsBackAt } from '../../src/shared/error-policy';
import { STEP_IDS } from '../../src/shared/contract';

const root = join(import.meta.dirname, '..', '..');
const codes = (pred: (c: ErrorCode) => boolean) => ERROR_CODES.filter(pred).sort();

describe('the error policy table', () => {
  it('has exactly one row per error code', () => {
    expect(Object.keys(ERROR_POLICY).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('exits only with the documented codes; 3, 4 and 5 are the bank’s dates, 2 only a usage error', () => {
    const documented = new Set<number>(Object.values(EXIT));
    for (const c of ERROR_CODES) expect(documented.has(errorPolicy(c).exit), c).toBe(true);
    expect(codes((c) => errorPolicy(c).exit === EXIT.renewalNotOpen)).toEqual(['RENEWAL_NOT_OPEN']);
    expect(codes((c) => errorPolicy(c).exit === EXIT.useAcquire)).toEqual(['ACQUIRE_REQUIRED']);
    expect(codes((c) => errorPolicy(c).exit === EXIT.reissue)).toEqual(['REISSUE_REQUIRED']);
    expect(codes((c) => errorPolicy(c).exit === EXIT.usage || errorPolicy(c).exit === EXIT.done)).toEqual([]);
    expect(exitCodeOf({ code: 'INVALID_INPUT', detail: { field: 'store', usage: true } })).toBe(EXIT.usage);
    expect(exitCodeOf({ code: 'INVALID_INPUT', detail: { field: 'loginId' } })).toBe(EXIT.failed);
  });

  it('is coherent across its columns', () => {
    for (const c of ERROR_CODES) {
      const p = errorPolicy(c);
      // One way out at a time: a button to retry beside one to 取得 would ask the user to choose.
      if (p.offersAcquire) expect(p.retry, `${c}: offers 取得 and a retry`).toBe(false);
      if (p.exit === EXIT.useAcquire) expect(p.offersAcquire, `${c}: exits "use acquire" without offering it`).toBe(true);
      // The bank's answer about the dates: it issued nothing and will not before the date changes.
      if (p.exit === EXIT.renewalNotOpen || p.exit === EXIT.useAcquire || p.exit === EXIT.reissue) {
        expect(p.keepsJournalAtSend, `${c}: keeps a journal the bank cannot complete`).toBe(false);
        expect(p.retry, `${c}: a retry today gets the same answer`).toBe(false);
      }
    }
  });

  it('rolls back at send exactly where the bank certainly issued nothing (the rule steps.ts had)', () => {
    expect(codes((c) => !keepsJournalAtSend({ code: c }))).toEqual(
      ['AUTH_FAILED', 'SERVER_REJECTED', 'RENEWAL_NOT_OPEN', 'ACQUIRE_REQUIRED', 'REISSUE_REQUIRED', 'CLIENT_CERT_REJECTED', 'TLS_UNTRUSTED', 'CANCELLED', 'CLOCK_SKEW'].sort(),
    );
    // Cancelled while the bank was answering: it may have issued, the next run collects it.
    expect(keepsJournalAtSend({ code: 'CANCELLED', detail: { reason: 'IN_FLIGHT' } })).toBe(true);
    expect(keepsJournalAtSend({ code: 'CANCELLED', detail: { reason: 'OTHER' } })).toBe(false);
  });

  it('rolls back before send always, at verify where the answer is no usable certificate, anywhere where the journal is of no use (the rules onFailure had)', () => {
    for (const c of ERROR_CODES) for (const step of ['generateKey', 'buildRequest'] as const) expect(rollsBackAt({ code: c }, step), `${c} at ${step}`).toBe(true);
    expect(codes((c) => rollsBackAt({ code: c }, 'send'))).toEqual(codes((c) => !keepsJournalAtSend({ code: c })));
    expect(codes((c) => rollsBackAt({ code: c }, 'verify'))).toEqual(['BAD_RESPONSE', 'VERIFY_FAILED']);
    for (const step of ['install', 'verifyInStore', 'removeOld'] as const) expect(codes((c) => rollsBackAt({ code: c }, step)), step).toEqual([]);
    // The journal's sealed key no longer opens, the issued certificate's key is gone: nothing left to finish at any step.
    for (const step of STEP_IDS) {
      expect(rollsBackAt({ code: 'VAULT_UNAVAILABLE', detail: { reason: 'UNSEAL' } }, step), step).toBe(true);
      expect(rollsBackAt({ code: 'KEY_MISSING', detail: { reason: 'ISSUED_LOST' } }, step), step).toBe(true);
    }
    expect(rollsBackAt({ code: 'VAULT_UNAVAILABLE', detail: { reason: 'NO_KEYCHAIN' } }, 'install')).toBe(false);
    expect(rollsBackAt({ code: 'CANCELLED', detail: { reason: 'IN_FLIGHT' } }, 'send')).toBe(false);
    expect(rollsBackAt({ code: 'CANCELLED' }, 'verify')).toBe(false);
  });

  it('promises the next start finishes the job where a retry makes sense or the store lost what it was given, never for a cancel or an unwritable journal', () => {
    expect(codes((c) => resumesAtStart({ code: c }))).toEqual(codes((c) => errorPolicy(c).retry && c !== 'CANCELLED' && c !== 'JOURNAL_WRITE_FAILED'));
    expect(resumesAtStart({ code: 'KEY_MISSING', detail: { reason: 'KEY_NOT_LISTED' } })).toBe(true);
    expect(resumesAtStart({ code: 'VERIFY_FAILED', detail: { reason: 'NOT_IN_STORE' } })).toBe(true);
    expect(resumesAtStart({ code: 'VERIFY_FAILED', detail: { reason: 'UNTRUSTED_CHAIN' } })).toBe(false);
    expect(resumesAtStart({ code: 'CANCELLED', detail: { reason: 'IN_FLIGHT' } })).toBe(false);
  });

  it('says the state each code leaves the certificate in: three are the bank’s dates (the lists verdict.ts, Preflight.tsx and cli.ts had)', () => {
    expect(codes((c) => isBankDate({ code: c }))).toEqual(['ACQUIRE_REQUIRED', 'REISSUE_REQUIRED', 'RENEWAL_NOT_OPEN']);
    expect(errorState({ code: 'RENEWAL_NOT_OPEN' })).toBe('renewalNotOpen');
    expect(errorState({ code: 'ACQUIRE_REQUIRED' })).toBe('acquireRequired');
    expect(errorState({ code: 'REISSUE_REQUIRED' })).toBe('reissueRequired');
    expect(codes((c) => errorState({ code: c }) === 'newPc')).toEqual(['NO_CERTIFICATE']);
    expect(codes((c) => errorState({ code: c }) === 'broken')).toEqual(codes((c) => !isBankDate({ code: c }) && c !== 'NO_CERTIFICATE'));
    // Each date has its own exit code, and only the dates exit with those.
    for (const c of ERROR_CODES) expect([EXIT.renewalNotOpen, EXIT.useAcquire, EXIT.reissue].includes(errorPolicy(c).exit as 3 | 4 | 5), c).toBe(isBankDate({ code: c }));
  });

  it('blames the endpoint for transport failures and cacerts for an unanchored CA list (the rule preflight.ts had)', () => {
    expect(codes((c) => blamedCheck({ code: c }) === 'endpoint')).toEqual(['CANCELLED', 'CLIENT_CERT_REJECTED', 'NETWORK', 'PROXY_AUTH_REQUIRED', 'PROXY_FAILED', 'SERVER_ERROR', 'SERVER_REJECTED', 'TLS_UNTRUSTED']);
    expect(blamedCheck({ code: 'TLS_UNTRUSTED', detail: { reason: 'CACERTS_NOT_ANCHORED' } })).toBe('cacerts');
    expect(blamedCheck({ code: 'TLS_UNTRUSTED', detail: { reason: 'HOSTNAME' } })).toBe('endpoint');
  });

  it('names in its detail exceptions only facts the core emits with that code, and each changes something', () => {
    const sources = readdirSync(join(root, 'src', 'main'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(join(root, 'src', 'main', f), 'utf8'));
    for (const [code, row] of Object.entries(ERROR_POLICY)) {
      for (const w of row.when ?? []) {
        const facts = Object.entries(w.detail).map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : String(v)}`);
        // Each call from its code to the next call (at most 12 lines): the facts may stand on a line of their own.
        const calls = sources.flatMap((s) => s.split(/new CoreError\(\s*/).slice(1).map((call) => call.split('\n').slice(0, 12).join('\n')));
        const emitted = calls.some((call) => call.startsWith(`'${code}'`) && facts.every((f) => call.includes(f)));
        expect(emitted, `${code} with ${facts.join(', ')}: no such CoreError in src/main`).toBe(true);
        const changed = Object.entries(w.then).some(([k, v]) => (row as unknown as Record<string, unknown>)[k] !== v);
        expect(changed, `${code} with ${facts.join(', ')} changes nothing`).toBe(true);
      }
    }
  });

  it('docs/it-guide.md lists each exit code with the error codes that give it', () => {
    const guide = readFileSync(join(root, 'docs', 'it-guide.md'), 'utf8');
    const rows = new Map(
      [...guide.matchAll(/^\| `(\d)` \| [^|]+ \| ([^|]*) \|$/gm)].map((m) => [Number(m[1]), [...(m[2] ?? '').matchAll(/`([A-Z_]+)`/g)].map((x) => x[1]).sort()]),
    );
    expect([...rows.keys()].sort()).toEqual(Object.values(EXIT).sort());
    for (const exit of [EXIT.renewalNotOpen, EXIT.useAcquire, EXIT.reissue]) expect(rows.get(exit), `exit ${exit}`).toEqual(codes((c) => errorPolicy(c).exit === exit));
    expect(rows.get(EXIT.usage)).toEqual(['INVALID_INPUT']);
  });
});
