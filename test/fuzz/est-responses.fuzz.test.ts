// Hostile EST answers into the public EstClient, through an in-memory EstTransport (the seam
// every transport implements): Retry-After and Date headers of any shape on 202, and any
// status, content type and body on enrolment and cacerts.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EstClient, type EstResponse, type EstTransport } from '../../src/main/core/est';
import { buildCsr, generateKeyPair } from '../../src/main/core/pki';
import { makeSeeds, type Seeds } from './fixtures';
import { FUZZ_RUNS, HEAP_GROWTH_LIMIT, count, heapUsed, newTally, oneCase } from './harness';
import { fuzzParams } from '../support/seed';
import { asBase64Text, mutated } from './mutate';

const MAX_WAIT_MS = 10 * 60 * 1000; // the client's documented ceiling on one wait

let seeds: Seeds;
let csrDer: Uint8Array;
beforeAll(async () => {
  seeds = makeSeeds();
  csrDer = (await buildCsr({ keys: await generateKeyPair('ecdsaP256'), subject: [{ oid: '2.5.4.3', value: 'fuzz' }] })).der;
});

function transportOf(answer: () => EstResponse): EstTransport {
  return { send: async () => answer(), close: () => undefined };
}

const headerText = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.integer({ min: -5, max: 1e12 }).map(String),
  fc.bigInt({ min: 0n, max: 10n ** 40n }).map(String),
  fc.constantFrom('0', '1', '120', '-1', '1.5', '1e3', ' 7 ', 'Infinity', 'NaN', '0x10', '', '٣', '１０'),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toUTCString())),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

describe('Retry-After and Date on 202 (pending)', () => {
  it('every wait is finite, between 0 and 10 minutes, and pending ends in PENDING_TIMEOUT', async () => {
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(fc.option(headerText, { nil: undefined }), fc.option(headerText, { nil: undefined }), fc.integer({ min: 0, max: 3 }), async (retryAfter, date, maxAttempts) => {
        const headers: Record<string, string> = {};
        if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
        if (date !== undefined) headers['date'] = date;
        const waits: number[] = [];
        const retryAts: Date[] = [];
        const client = new EstClient({
          baseUrl: 'https://bank.example/.well-known/est',
          transport: transportOf(() => ({ status: 202, headers, body: new Uint8Array(0) })),
          anchorsDer: [seeds.caDer],
          pendingMaxAttempts: maxAttempts,
          onPending: (p) => retryAts.push(p.retryAt),
          sleep: async (ms) => void waits.push(ms),
        });
        const o = await oneCase(() => client.simplereenroll(csrDer));
        count(tally, o);
        expect(o.ok).toBe(false);
        if (!o.ok) expect(o.error.code).toBe('PENDING_TIMEOUT');
        expect(waits).toHaveLength(maxAttempts);
        for (const ms of waits) {
          expect(Number.isFinite(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(MAX_WAIT_MS);
        }
        for (const d of retryAts) expect(Number.isNaN(d.getTime())).toBe(false);
      }),
      fuzzParams('Retry-After', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`Retry-After: ${FUZZ_RUNS} cases, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
  });
});

describe('any answer to simplereenroll and cacerts', () => {
  it('ends in certificates or a CoreError, never a leak, a hang or an unbounded wait', async () => {
    const status = fc.oneof(fc.constantFrom(200, 200, 200, 202, 204, 301, 400, 401, 403, 404, 500, 503), fc.integer({ min: 100, max: 599 }));
    const contentType = fc.oneof(
      fc.constantFrom('application/pkcs7-mime', 'application/pkcs7-mime; smime-type=certs-only', 'APPLICATION/PKCS7-MIME ; x=y', 'application/json', 'text/html', ''),
      fc.string({ maxLength: 40 }),
    );
    const body = fc.oneof(
      asBase64Text(mutated(seeds.cmsDer)).map((s) => new TextEncoder().encode(s)),
      fc.constant(new TextEncoder().encode(seeds.cmsBase64)),
      mutated(seeds.cmsDer),
      fc.uint8Array({ maxLength: 300 }),
      fc.record({ reason: fc.oneof(fc.constantFrom('RENEWAL_NOT_OPEN', 'expired', 'REVOKED', '__proto__', 'constructor'), fc.string()), message: fc.oneof(fc.string(), fc.integer()), opensOn: fc.string() }, { requiredKeys: [] })
        .map((j) => new TextEncoder().encode(JSON.stringify(j))),
      fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
    );
    const answer = fc.record({ status, contentType, body, retryAfter: fc.option(headerText, { nil: undefined }), date: fc.option(headerText, { nil: undefined }), wwwAuth: fc.option(fc.constantFrom('Basic realm="x"', 'Bearer', ''), { nil: undefined }) });
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 3 }), fc.constantFrom('simplereenroll', 'simpleenroll', 'cacerts'), async (answers, op) => {
        let i = 0;
        const waits: number[] = [];
        const client = new EstClient({
          baseUrl: 'https://bank.example/.well-known/est/label',
          transport: transportOf(() => {
            const a = answers[Math.min(i++, answers.length - 1)]!;
            const headers: Record<string, string> = { 'content-type': a.contentType, 'content-length': String(a.body.byteLength) };
            if (a.retryAfter !== undefined) headers['retry-after'] = a.retryAfter;
            if (a.date !== undefined) headers['date'] = a.date;
            if (a.wwwAuth !== undefined) headers['www-authenticate'] = a.wwwAuth;
            return { status: a.status, headers, body: a.body };
          }),
          anchorsDer: [seeds.caDer],
          pendingMaxAttempts: 2,
          sleep: async (ms) => void waits.push(ms),
        });
        const o = await oneCase<unknown>(() =>
          op === 'cacerts' ? client.cacerts() : op === 'simpleenroll' ? client.simpleenroll(csrDer, { loginId: 'user-1', password: 'pw' }) : client.simplereenroll(csrDer),
        );
        count(tally, o);
        for (const ms of waits) expect(ms >= 0 && ms <= MAX_WAIT_MS).toBe(true);
        if (o.ok && op === 'cacerts') {
          const v = o.value as { serverDate?: Date };
          if (v.serverDate) expect(Number.isNaN(v.serverDate.getTime())).toBe(false);
        }
      }),
      fuzzParams('EST answers', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`EST answers: ${FUZZ_RUNS} cases, ${tally.ok} accepted, errors ${JSON.stringify(Object.fromEntries(tally.errors))}, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.errors.size).toBeGreaterThan(5);
  });
});
