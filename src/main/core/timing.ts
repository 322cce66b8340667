// Phase marks for the bench (issue 29): inert unless CERTDESK_TIMING=1, so a normal run pays
// one boolean test per mark. When on, the process writes one line to stderr as it exits:
//   certdesk-timing {"origin":<performance.timeOrigin>,"marks":[[name,ms],…],"spans":{name:ms},"exit":ms}
// (ms since the process's time origin). `npm run bench` with BENCH_PHASES=1 turns it on for
// CertDesk's side and prints the medians per row, so the next regression shows where it is.
import { writeSync } from 'node:fs';

const on = process.env.CERTDESK_TIMING === '1';
const marks: Array<[string, number]> = [];
const spans: Record<string, number> = {};

/** A moment: the bench reports the time from the mark before it to this one under this name. */
export function mark(name: string): void {
  if (on) marks.push([name, round(performance.now())]);
}

/** mark(), the first time only: a phase that a later repeat (a listing during keygen) must not split. */
export function markOnce(name: string): void {
  if (on && !marks.some(([n]) => n === name)) marks.push([name, round(performance.now())]);
}

/** Adds the time `fn` takes to the span `name` (summed: the journal's several writes). */
export function span<T>(name: string, fn: () => T): T {
  if (!on) return fn();
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    spans[name] = round((spans[name] ?? 0) + performance.now() - t0);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

if (on) {
  // The core's own modules are evaluated: everything before is Node's start and the command line's load.
  mark('coreLoaded');
  process.once('exit', () => {
    try {
      writeSync(2, `certdesk-timing ${JSON.stringify({ origin: performance.timeOrigin, marks, spans, exit: round(performance.now()) })}\n`);
    } catch {
      // A closed stderr: the bench sees no timing, the run is unaffected.
    }
  });
}
