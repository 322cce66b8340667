// The one seed of the randomised tests: fixed unless overridden, refused when it is not a
// number, and the same seed gives the same cases.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function seedModule(env: Record<string, string>) {
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  return import('../support/seed');
}

afterEach(() => vi.unstubAllEnvs());

describe('fuzz seed', () => {
  it('is fixed by default and taken from CERTDESK_FUZZ_SEED / CERTDESK_FUZZ_RUNS when set', async () => {
    const fixed = await seedModule({ CERTDESK_FUZZ_SEED: '', CERTDESK_FUZZ_RUNS: '' });
    expect(fixed.FUZZ_SEED).toBe((await seedModule({ CERTDESK_FUZZ_SEED: '', CERTDESK_FUZZ_RUNS: '' })).FUZZ_SEED);
    expect(fixed.fuzzParams('default', 300)).toEqual({ seed: fixed.FUZZ_SEED, numRuns: 300, endOnFailure: true });
    const set = await seedModule({ CERTDESK_FUZZ_SEED: '-17', CERTDESK_FUZZ_RUNS: '50000' });
    expect(set.fuzzParams('override', 300)).toEqual({ seed: -17, numRuns: 50_000, endOnFailure: true });
  });

  it('refuses a value that is not a whole number in range, saying which variable', async () => {
    for (const [name, value] of [['CERTDESK_FUZZ_SEED', 'abc'], ['CERTDESK_FUZZ_SEED', '1.5'], ['CERTDESK_FUZZ_SEED', '4294967296'], ['CERTDESK_FUZZ_RUNS', '0']] as const) {
      await expect(seedModule({ [name]: value }), `${name}=${value}`).rejects.toThrow(`${name}="${value}" is not a whole number`);
    }
  });

  it('gives the same cases for the same seed, other cases for another', async () => {
    const { FUZZ_SEED, seededRandom } = await seedModule({ CERTDESK_FUZZ_SEED: '', CERTDESK_FUZZ_RUNS: '' });
    const draw = (seed: number) => fc.sample(fc.uint8Array({ maxLength: 16 }), { seed, numRuns: 5 });
    expect(draw(FUZZ_SEED)).toEqual(draw(FUZZ_SEED));
    expect(draw(FUZZ_SEED)).not.toEqual(draw(FUZZ_SEED + 1));
    const take = (r: () => number) => Array.from({ length: 100 }, r);
    const a = take(seededRandom('kill times'));
    expect(a).toEqual(take(seededRandom('kill times')));
    expect(a).not.toEqual(take(seededRandom('other stream')));
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
    expect(new Set(a).size).toBe(100);
  });
});
