// Hostile policy files: any JSON text into loadPolicy (from a temp file, as IT would deploy it)
// and any document into parsePolicy. A policy is accepted whole or refused with
// POLICY_INVALID naming a field and the file, never a silent default or a library exception.
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from '../../src/main/core/config';
import { makeSeeds, type Seeds } from './fixtures';
import { FUZZ_RUNS, HEAP_GROWTH_LIMIT, count, heapUsed, newTally, oneCase } from './harness';
import { fuzzParams } from '../support/seed';

let seeds: Seeds;
let dir: string;
let file: string;
let valid: Record<string, unknown>;
const FIELDS = ['bankName', 'endpoint', 'trustAnchorFile', 'trustAnchorPem', 'keyType', 'renewWindowDays', 'graceDays', 'reminderDays', 'removeSuperseded', 'proxy', 'language', 'stores', 'bankSiteUrl', 'connectTimeoutMs', 'requestTimeoutMs', 'pendingMaxAttempts', 'maxClockSkewSeconds'];

beforeAll(() => {
  seeds = makeSeeds();
  dir = mkdtempSync(join(tmpdir(), 'certdesk-fuzz-policy-'));
  file = join(dir, 'policy.json');
  writeFileSync(join(dir, 'anchor.pem'), seeds.caPem);
  writeFileSync(join(dir, 'garbage.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  mkdirSync(join(dir, 'a-directory'));
  valid = {
    bankName: 'ファズ銀行', endpoint: 'https://127.0.0.1:8443/.well-known/est/corp', trustAnchorFile: 'anchor.pem', keyType: 'rsa2048',
    renewWindowDays: 30, graceDays: 90, reminderDays: [30, 10], removeSuperseded: true, proxy: 'system', language: 'ja', stores: ['nss:/tmp/x'],
    connectTimeoutMs: 10_000, requestTimeoutMs: 60_000, pendingMaxAttempts: 10, maxClockSkewSeconds: 300,
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid policy with some fields replaced, removed or added. */
function damagedPolicy(): fc.Arbitrary<unknown> {
  const fieldValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('anchor.pem', 'garbage.pem', 'a-directory', 'missing.pem', '/nonexistent/x.pem', '', 'http://x/.well-known/est', 'https://[::1]:1/.well-known/est',
      'https://bank.example/.well-known/est/bad label', 'http://proxy:99999', 'nss:', 'ecdsaP256', 'en', -1, 3651, 1e308, 0.5, null, seeds?.caPem ?? ''),
  );
  const damaged = fc.tuple(
    fc.dictionary(fc.constantFrom(...FIELDS), fieldValue, { maxKeys: 4 }),
    fc.subarray(FIELDS, { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
    fc.nat(8),
  ).map(([replace, remove, extra, shape]) => {
    const doc: Record<string, unknown> = { ...valid, ...replace };
    for (const f of remove) delete doc[f];
    if (shape === 0) Object.assign(doc, extra);
    return doc;
  });
  // Not even an object, sometimes (drawn by fast-check too, so the run's seed decides it).
  return fc.oneof({ weight: 9, arbitrary: damaged }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
}

function expectNamedRefusal(err: { code: string; detail?: Record<string, unknown> }) {
  expect(err.code).toBe('POLICY_INVALID');
  expect(typeof err.detail?.field).toBe('string');
  expect(err.detail?.file).toBe(file);
}

describe('parsePolicy under hostile documents', () => {
  it('accepts a whole policy or refuses it naming the field', async () => {
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(damagedPolicy(), async (doc) => {
        const o = await oneCase(() => parsePolicy(doc, file));
        count(tally, o);
        if (o.ok) {
          const p = o.value.policy;
          expect(p.endpoint.startsWith('https://')).toBe(true);
          expect(p.trustAnchorPem).toContain('-----BEGIN CERTIFICATE-----');
          expect(Number.isInteger(p.renewWindowDays) && Number.isInteger(p.graceDays)).toBe(true);
          expect(p.stores.length).toBeGreaterThan(0);
        } else expectNamedRefusal(o.error);
      }),
      fuzzParams('parsePolicy', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`parsePolicy: ${FUZZ_RUNS} cases, ${tally.ok} accepted, errors ${JSON.stringify(Object.fromEntries(tally.errors))}, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.errors.size).toBeGreaterThan(0);
  });
});

describe('loadPolicy under hostile files', () => {
  it('reads any bytes from the policy file into a policy or POLICY_INVALID', async () => {
    const text = fc.oneof(
      damagedPolicy().map((d) => JSON.stringify(d) ?? 'undefined'),
      damagedPolicy().chain((d) => fc.nat().map((cut) => { const s = JSON.stringify(d) ?? ''; return s.slice(0, cut % (s.length + 1)); })),
      fc.constant(JSON.stringify({ bankName: 'x' })).map((s) => '\uFEFF' + s),
      fc.string({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constantFrom('', '{', '[]', 'null', '{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"x": 1}}}', '{"bankName": "a", "bankName": "b"}'),
    );
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        writeFileSync(file, t);
        const o = await oneCase(() => loadPolicy({ file }));
        count(tally, o);
        if (!o.ok) expectNamedRefusal(o.error);
        // Prototype pollution through the policy would change every object in the process.
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      fuzzParams('loadPolicy', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`loadPolicy: ${FUZZ_RUNS} cases, ${tally.ok} accepted, errors ${JSON.stringify(Object.fromEntries(tally.errors))}, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(tally.ok).toBeGreaterThan(0);
  }, 180_000); // 10,000 files written and read: 25–35 s alone, more beside the other suites on 2 cores
});
