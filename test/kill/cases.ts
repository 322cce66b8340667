// Which kills a run makes: every journal step, store-tool runs, the removal window and
// spread-out times, drawn from a seeded PRNG so that a seed and a case id name one kill.
import type { KillCase, KillSignal, Operation } from './episode';
import { mulberry32 } from '../support/seed';

/**
 * The journal steps and store edits kill-points names, in the order a renewal passes them.
 * With the key in the db's token (keyStorage "store", the default): at generateKey:keyMade the
 * key exists under its working label "CertDesk <journal id>" and the journal has no ID for it
 * (recovery removes it by that label); at buildRequest the key
 * exists and the journal names it (recovery removes the orphan); attach:before is the key
 * there, the certificate not yet beside it (recovery attaches it).
 */
export const POINTS = ['generateKey', 'generateKey:keyMade', 'buildRequest', 'send', 'send:response', 'verify', 'install', 'attach:before', 'verifyInStore', 'removeOld', 'removeOld:keyGone', 'done'] as const;

/** What a whole run without a kill showed (its kill log): the basis for tool:N and timed kills. */
export interface Calibration {
  /** Tool runs of a whole run: `tool:1` … `tool:<count>`, with what each ran. */
  tools: string[];
  /** Tool numbers started between `point removeOld` and `point done`. */
  windowTools: number[];
  /** ms from `point removeOld` to `point done`. */
  windowMs: number;
  /** The whole run, ms. */
  runMs: number;
  /** The db's SQLite write transactions of a whole run, in order (the db file each wrote). */
  writes: string[];
}

export function calibrationOf(log: Array<{ ms: number; event: string }>, runMs: number, writes: string[]): Calibration {
  const tools = log.filter((e) => e.event.startsWith('tool ')).map((e) => e.event.split(' ').slice(2).join(' '));
  const from = log.find((e) => e.event === 'point removeOld')?.ms;
  const to = log.find((e) => e.event === 'point done')?.ms;
  const windowTools =
    from === undefined
      ? []
      : log.filter((e) => e.event.startsWith('tool ') && e.ms >= from && (to === undefined || e.ms <= to)).map((e) => Number(e.event.split(' ')[1]));
  return { tools, windowTools, windowMs: from !== undefined && to !== undefined ? to - from : 0, runMs, writes };
}

/** The seed is printed with every run. */
export const prng = mulberry32;

export interface PlanOptions {
  seed: number;
  full: boolean;
  calibration: Record<Operation, Calibration>;
}

const SIGNALS: KillSignal[] = ['SIGKILL', 'SIGINT'];
const OPS: Operation[] = ['renew', 'acquire'];

function pick<T>(rand: () => number, from: T[], n: number): T[] {
  const pool = [...from];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
  return out;
}

/**
 * The subset (npm test, about 40 kills): every step of a renewal with a process-group
 * SIGKILL, the steps of 取得 from the request on, SIGINT around the certificate swap; per
 * operation two tool runs (one inside the removal where there is one), the first and the
 * last two db write transactions, three kills aimed inside the removal window (two
 * SIGKILL, one SIGINT) and one at a random time.
 * The full run (CERTDESK_KILL_FULL=1): every step, tool run and db write with both signals for
 * both operations, 128 kills aimed inside the removal window, 40 at random times.
 */
export function plan(o: PlanOptions): KillCase[] {
  const rand = prng(o.seed);
  const cases: KillCase[] = [];
  const point = (op: Operation, signal: KillSignal, at: string) => cases.push({ id: `${op}/${signal}/point:${at}`, op, signal, kind: 'point', at });
  const tool = (op: Operation, signal: KillSignal, n: number) =>
    cases.push({ id: `${op}/${signal}/tool:${n}(${o.calibration[op].tools[n - 1] ?? '?'})`, op, signal, kind: 'tool', at: `tool:${n}` });
  const write = (op: Operation, signal: KillSignal, n: number) =>
    cases.push({ id: `${op}/${signal}/write:${n}(${o.calibration[op].writes[n - 1] ?? '?'})`, op, signal, kind: 'write', write: n });
  const timed = (op: Operation, signal: KillSignal, kind: 'window' | 'random') => {
    const c = o.calibration[op];
    // Inside the window: after `point removeOld`, up to the calibrated width (at least a few ms: the harness reacts that fast).
    const delayMs = kind === 'window' ? rand() * Math.max(c.windowMs, 4) : rand() * c.runMs;
    const after = kind === 'window' ? 'removeOld' : 'start';
    // Numbered: two draws can round to the same delay.
    cases.push({ id: `${op}/${signal}/${kind}#${cases.length + 1}:+${delayMs.toFixed(2)}ms`, op, signal, kind, after, delayMs });
  };

  for (const op of OPS) {
    const c = o.calibration[op];
    const allTools = c.tools.map((_, i) => i + 1);
    if (o.full) {
      for (const signal of SIGNALS) for (const at of POINTS) point(op, signal, at);
      for (const signal of SIGNALS) for (const n of allTools) tool(op, signal, n);
      for (const signal of SIGNALS) for (let n = 1; n <= c.writes.length; n++) write(op, signal, n);
      // 128 aimed: some land just after the journal is cleared, and at least 100 must land inside.
      for (const signal of SIGNALS) for (let i = 0; i < 32; i++) timed(op, signal, 'window');
      for (const signal of SIGNALS) for (let i = 0; i < 10; i++) timed(op, signal, 'random');
    } else {
      const steps = op === 'renew' ? [...POINTS] : ['send', 'send:response', 'install', 'removeOld', 'removeOld:keyGone'];
      for (const at of steps) point(op, 'SIGKILL', at);
      const sigintAt = op === 'renew' ? ['send:response', 'removeOld', 'removeOld:keyGone'] : ['removeOld:keyGone'];
      for (const at of sigintAt) point(op, 'SIGINT', at);
      const inWindow = pick(rand, c.windowTools, 1);
      const other = pick(rand, allTools.filter((n) => !inWindow.includes(n)), 2 - inWindow.length);
      [...inWindow, ...other].forEach((n, i) => tool(op, SIGNALS[i % 2]!, n));
      // The first db write (the new key going in) and the last two (the removal's).
      for (const n of new Set([1, c.writes.length - 1, c.writes.length].filter((n) => n >= 1))) write(op, 'SIGKILL', n);
      // A SIGKILL can land inside the store's own (synchronous) writes; a SIGINT waits for the event loop.
      for (const signal of ['SIGKILL', 'SIGKILL', 'SIGINT'] as const) timed(op, signal, 'window');
      timed(op, op === 'renew' ? 'SIGKILL' : 'SIGINT', 'random');
    }
  }
  return cases;
}

/**
 * Each store's own kill points in a renewal into two dbs (after its install, read-back and
 * removal of the old certificate). A `store:N` point is reached after store N's write.
 */
export const STORE_POINTS = ['install:store1', 'install:store2', 'verifyInStore:store1', 'verifyInStore:store2', 'removeOld:store1', 'removeOld:store2'] as const;

/**
 * Two dbs in the policy's `stores` (a PC with Chromium's and Firefox's dbs). With two stores
 * the key is a software one (store/custody-decision.ts: a token's key cannot reach the other db), so
 * attach:before is never passed; buildRequest is (the sealed-key path's own point).
 * The subset: SIGKILL after the first db's install, read-back and removal, SIGINT after the
 * first's install and removal, and a SIGKILL as the second db's removal begins to write (its
 * key going): about ten seconds a case.
 * The full run: every journal step and store point with both signals for 更新, the store
 * points for 取得, and each of the second db's write transactions with both signals.
 */
export function planTwoDbs(o: { full: boolean; calibration: Calibration }): KillCase[] {
  const cases: KillCase[] = [];
  const point = (op: Operation, signal: KillSignal, at: string) => cases.push({ id: `${op}+2dbs/${signal}/point:${at}`, op, signal, kind: 'point', at, dbs: 2 });
  const write = (signal: KillSignal, n: number) =>
    cases.push({ id: `renew+2dbs/${signal}/db2-write:${n}(${o.calibration.writes[n - 1] ?? '?'})`, op: 'renew', signal, kind: 'write', write: n, writeDb: 2, dbs: 2 });
  const db2Writes = o.calibration.writes.length;
  if (o.full) {
    const points = [...POINTS.filter((p) => p !== 'attach:before'), ...STORE_POINTS];
    for (const signal of SIGNALS) for (const at of points) point('renew', signal, at);
    for (const signal of SIGNALS) for (const at of STORE_POINTS) point('acquire', signal, at);
    for (const signal of SIGNALS) for (let n = 1; n <= db2Writes; n++) write(signal, n);
  } else {
    for (const at of ['buildRequest', 'install:store1', 'verifyInStore:store1', 'removeOld:store1']) point('renew', 'SIGKILL', at);
    for (const at of ['install:store1', 'removeOld:store1']) point('renew', 'SIGINT', at);
    // The second db's removal: its key's write transaction, then its certificate's (the last two).
    if (db2Writes >= 2) write('SIGKILL', db2Writes - 1);
  }
  return cases;
}
