// One seed for every randomised test: fixed, so that CI goes red only on a real change;
// printed with each property, so that a red run can be replayed; overridable, for longer
// local runs with other seeds.
//   CERTDESK_FUZZ_SEED=<integer>  the seed (default DEFAULT_SEED)
//   CERTDESK_FUZZ_RUNS=<integer>  cases for every property instead of its own default
// fast-check properties take fuzzParams(); randomness drawn by hand takes seededRandom().
import type fc from 'fast-check';
import { vi } from 'vitest';

const DEFAULT_SEED = 1_400_014;

function wholeNumber(name: string, min: number, max: number): number | undefined {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || n < min || n > max) {
    throw new Error(`${name}="${raw}" is not a whole number from ${min} to ${max}; set another (for example ${name}=12345) or unset it for the default.`);
  }
  return n;
}

/** The seed of this run: CERTDESK_FUZZ_SEED, else the fixed default. fast-check seeds are 32-bit. */
export const FUZZ_SEED = wholeNumber('CERTDESK_FUZZ_SEED', -(2 ** 31), 2 ** 31 - 1) ?? DEFAULT_SEED;
const RUNS = wholeNumber('CERTDESK_FUZZ_RUNS', 1, 10_000_000);
// A long local run outlasts the suite's per-test limit (60 s), which is there for CI's runs.
if (RUNS !== undefined) vi.setConfig({ testTimeout: 24 * 3_600_000 });

/** Cases for a property whose default is `defaultRuns`, unless CERTDESK_FUZZ_RUNS says otherwise. */
export function fuzzRuns(defaultRuns: number): number {
  return RUNS ?? defaultRuns;
}

/** fast-check parameters for the property `name`, with a line in the test output that replays it. */
export function fuzzParams<T = unknown>(name: string, defaultRuns: number): fc.Parameters<T> {
  const numRuns = fuzzRuns(defaultRuns);
  const replay = `CERTDESK_FUZZ_SEED=${FUZZ_SEED}${RUNS === undefined ? '' : ` CERTDESK_FUZZ_RUNS=${RUNS}`}`;
  console.log(`fuzz ${name}: seed ${FUZZ_SEED}, ${numRuns} runs (replay: ${replay})`);
  return { seed: FUZZ_SEED, numRuns, endOnFailure: true };
}

/** mulberry32: small, fast and the same on every machine; enough for picking cases. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random number source in [0, 1) from the run's seed and `label` (each caller its own
 * stream, so adding one does not shift the others).
 */
export function seededRandom(label: string): () => number {
  let state = FUZZ_SEED >>> 0;
  for (const ch of label) state = Math.imul(state ^ ch.charCodeAt(0), 0x9e3779b1) >>> 0;
  return mulberry32(state);
}
