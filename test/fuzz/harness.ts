// What every fuzzer asserts: each case ends in a value or a CoreError with a contract code,
// within a generous per-case bound (a hang detector, not a speed test), and the heap does not
// keep what the cases allocated.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ERROR_CODES } from '../../src/shared/contract';
import { CoreError } from '../../src/main/core/errors';
import { fuzzRuns } from '../support/seed';

/** Cases per fuzzer: 10,000 in CI; CERTDESK_FUZZ_RUNS for a longer local run (seed.ts). */
export const FUZZ_RUNS = fuzzRuns(10_000);
/** A case taking this long is a hang, whatever the machine's load. */
export const CASE_BOUND_MS = Number(process.env.FUZZ_CASE_BOUND_MS ?? 5_000);

const codes = new Set<string>(ERROR_CODES);

/** Whatever `fn` throws must be a CoreError with a contract code and a message; returns it for more checks. */
export function expectCoreError(err: unknown): CoreError {
  if (!(err instanceof CoreError)) {
    throw new Error(`leaked a non-CoreError: ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
  }
  if (!codes.has(err.code)) throw new Error(`CoreError with unknown code ${err.code}`);
  if (err.message.length < 10) throw new Error(`CoreError ${err.code} with no real message: "${err.message}"`);
  return err;
}

export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: CoreError; ms: number };

/** Runs one case; a sync or async hang past CASE_BOUND_MS fails the property. */
export async function oneCase<T>(fn: () => T | Promise<T>): Promise<Outcome<T>> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case hung for more than ${CASE_BOUND_MS} ms`)), CASE_BOUND_MS);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(fn), bound]);
    const ms = performance.now() - t0;
    if (ms > CASE_BOUND_MS) throw new Error(`case took ${Math.round(ms)} ms (bound ${CASE_BOUND_MS} ms)`);
    return { ok: true, value, ms };
  } catch (err) {
    if (err instanceof Error && /^case (hung|took)/.test(err.message)) throw err;
    const ms = performance.now() - t0;
    if (ms > CASE_BOUND_MS) throw new Error(`case took ${Math.round(ms)} ms before failing (bound ${CASE_BOUND_MS} ms)`, { cause: err });
    return { ok: false, error: expectCoreError(err), ms };
  } finally {
    clearTimeout(timer);
  }
}

let gcFn: (() => void) | undefined;
/** A full GC without --expose-gc on the worker: V8's flag set at run time, gc taken from a fresh context. */
export function gc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Heap growth allowed across a whole run: 4 MB of noise, then half a KB a case, so a leak of 1 KB per case fails. */
export const HEAP_GROWTH_LIMIT = 4 * 1024 * 1024 + FUZZ_RUNS * 512;

export interface Tally { ok: number; errors: Map<string, number>; maxMs: number }
export const newTally = (): Tally => ({ ok: 0, errors: new Map(), maxMs: 0 });
export function count<T>(t: Tally, o: Outcome<T>): void {
  t.maxMs = Math.max(t.maxMs, o.ms);
  if (o.ok) t.ok++;
  else {
    // Reasons the server chose are free text: count those under their code alone.
    const reason = String(o.error.detail?.reason ?? '');
    const key = /^[A-Z][A-Z0-9_]*$/.test(reason) ? `${o.error.code}/${reason}` : o.error.code;
    t.errors.set(key, (t.errors.get(key) ?? 0) + 1);
  }
}
