// Hostile bytes into the pki parsers that read what a server sends: parseCertsOnly (EST
// answers) and inspectCertificate (any certificate). Each case: a value or a CoreError, never
// a library exception, a hang, or a heap that keeps growing.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectCertificate, parseCertsOnly } from '../../src/main/core/pki';
import { makeSeeds, type Seeds } from './fixtures';
import { FUZZ_RUNS, HEAP_GROWTH_LIMIT, count, heapUsed, newTally, oneCase } from './harness';
import { fuzzParams } from '../support/seed';
import { asBase64Text, lyingLength, mutated, nestingBomb } from './mutate';

let seeds: Seeds;
beforeAll(() => {
  seeds = makeSeeds();
});

describe('parseCertsOnly under hostile input', () => {
  it('answers every case with certificates or BAD_RESPONSE', async () => {
    const input: fc.Arbitrary<Uint8Array | string> = fc.oneof(
      { weight: 5, arbitrary: mutated(seeds.cmsDer) },
      { weight: 2, arbitrary: asBase64Text(mutated(seeds.cmsDer)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 256 }) },
      { weight: 1, arbitrary: nestingBomb },
      { weight: 1, arbitrary: lyingLength },
      { weight: 1, arbitrary: fc.constantFrom<Uint8Array | string>('', '\n', '====', '-----BEGIN PKCS7-----\n!!\n-----END PKCS7-----\n', new Uint8Array(0)) },
    );
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(input, async (body) => {
        const o = await oneCase(() => parseCertsOnly(body));
        count(tally, o);
        if (o.ok) {
          expect(o.value.length).toBeGreaterThan(0);
          for (const c of o.value) expect(c).toBeInstanceOf(Uint8Array);
        } else {
          expect(o.error.code).toBe('BAD_RESPONSE');
        }
      }),
      fuzzParams('parseCertsOnly', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`parseCertsOnly: ${FUZZ_RUNS} cases, ${tally.ok} parsed, errors ${JSON.stringify(Object.fromEntries(tally.errors))}, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    // The generator must reach both sides, or the property proves nothing.
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.errors.size).toBeGreaterThan(2);
  });

  it('still reads the undamaged seed in every accepted form', () => {
    expect(parseCertsOnly(seeds.cmsDer)).toHaveLength(2);
    expect(parseCertsOnly(seeds.cmsBase64)).toHaveLength(2);
    expect(parseCertsOnly(new TextEncoder().encode(seeds.cmsBase64.replace(/\n/g, '\r\n')))).toHaveLength(2);
  });
});

describe('inspectCertificate under hostile input', () => {
  it('answers every case with details or a CoreError', async () => {
    const input = fc.oneof(
      { weight: 4, arbitrary: mutated(seeds.leafDer) },
      { weight: 2, arbitrary: mutated(seeds.rsaLeafDer) },
      { weight: 2, arbitrary: mutated(seeds.caDer) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
      { weight: 1, arbitrary: nestingBomb },
      { weight: 1, arbitrary: lyingLength },
    );
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(input, async (der) => {
        const o = await oneCase(() => inspectCertificate(der));
        count(tally, o);
        if (o.ok) {
          // What it returns must be usable by the UI: real dates, hex fingerprints, strings.
          expect(o.value.sha256).toMatch(/^[0-9a-f]{64}$/);
          expect(Number.isNaN(Date.parse(o.value.notAfter))).toBe(false);
          expect(typeof o.value.subject.text).toBe('string');
          expect(() => JSON.stringify(o.value)).not.toThrow();
        }
      }),
      fuzzParams('inspectCertificate', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`inspectCertificate: ${FUZZ_RUNS} cases, ${tally.ok} read, errors ${JSON.stringify(Object.fromEntries(tally.errors))}, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.errors.size).toBeGreaterThan(0);
  });

  it('reads the undamaged seeds', () => {
    const d = inspectCertificate(seeds.leafDer);
    expect(d.extendedKeyUsage).toContain('clientAuth');
    expect(d.subjectAltNames.length).toBe(5);
    expect(inspectCertificate(seeds.caDer).isCA).toBe(true);
  });
});
