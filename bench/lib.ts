// Timing and process helpers shared by the benchmarks. Medians, warm-up excluded.
import { execFile, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  name: string;
  ours_ms: number | null;
  ref_ms: number | null;
  ratio: number | null;
  runs: number;
  /** How each side was measured: printed in the table's header notes. */
  note: string;
  /** Extra figures (sizes, spawn floors) for rows that are not only time. */
  extra?: Record<string, number | string>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Runs `setup` (untimed) then `body` (timed) `warmup + runs` times, alternating between the two
 * sides so that a neighbour's load on this shared machine hits both alike.
 */
export async function compare<S>(opts: {
  runs: number;
  warmup?: number;
  setup: (i: number) => Promise<S>;
  /** When our side needs a setup of its own (a token to renew from): used instead of `setup` for it. */
  setupOurs?: (i: number) => Promise<S>;
  ours: (s: S) => Promise<unknown>;
  ref: (s: S) => Promise<unknown>;
  teardown?: (s: S) => Promise<void>;
}): Promise<{ ours: number; ref: number; oursAll: number[]; refAll: number[] }> {
  const warmup = opts.warmup ?? 1;
  const oursAll: number[] = [];
  const refAll: number[] = [];
  for (let i = 0; i < warmup + opts.runs; i++) {
    const order: Array<['ours' | 'ref', (s: S) => Promise<unknown>]> =
      i % 2 ? [['ref', opts.ref], ['ours', opts.ours]] : [['ours', opts.ours], ['ref', opts.ref]];
    for (const [side, fn] of order) {
      const s = await (side === 'ours' && opts.setupOurs ? opts.setupOurs : opts.setup)(i);
      const t0 = performance.now();
      try {
        await fn(s);
      } finally {
        const dt = performance.now() - t0;
        if (opts.teardown) await opts.teardown(s);
        if (i >= warmup) (side === 'ours' ? oursAll : refAll).push(dt);
      }
    }
  }
  return { ours: median(oursAll), ref: median(refAll), oursAll, refAll };
}

export function row(name: string, ours: number | null, ref: number | null, runs: number, note: string, extra?: BenchRow['extra']): BenchRow {
  const r: BenchRow = {
    name,
    ours_ms: ours === null ? null : round(ours),
    ref_ms: ref === null ? null : round(ref),
    ratio: ours !== null && ref !== null && ref > 0 ? round(ours / ref, 3) : null,
    runs,
    note,
  };
  if (extra) r.extra = extra;
  return r;
}

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs a program with an argument array (never a shell string); rejects on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { input?: string | Uint8Array; env?: NodeJS.ProcessEnv; cwd?: string; allowFail?: boolean } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      const res = { code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
      if (code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${res.stderr.slice(0, 2000)}${res.stdout.slice(0, 2000)}`));
      else resolve(res);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Runs a shell script file (the reference pipelines are written as shell on purpose). */
export function sh(script: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return run('sh', ['-e', '-c', script], { env });
}

export function spawnInherit(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'inherit', env: env ?? process.env });
    c.on('exit', (code) => resolve(code ?? 1));
  });
}

/**
 * Per-phase times of CertDesk's side (issue 29), off by default: BENCH_PHASES=1 sets
 * CERTDESK_TIMING=1 for our processes (src/main/core/timing.ts), and each row gets the
 * medians of the gaps between the core's own marks: `spawn` (fork/exec up to Node's time
 * origin), `coreLoaded` (Node's start, the command line's and the core's modules), then each
 * step mark (the time since the mark before it: `generateKey:running` is policy, store open
 * and journal; `generateKey:done` the keygen; …), `exit` (after the last step: status file,
 * logger, exit), and `journal` (all journal writes, summed; inside the gaps above).
 */
export const PHASES_ON = process.env.BENCH_PHASES === '1';

export class PhaseLog {
  private readonly runs: Array<Record<string, number>> = [];

  /** The env to add to our side's process (empty when phases are off). */
  env(): NodeJS.ProcessEnv {
    return PHASES_ON ? { CERTDESK_TIMING: '1' } : {};
  }

  /** Now, on the same clock as a child's performance.timeOrigin: take it just before the spawn. */
  static now(): number {
    return performance.timeOrigin + performance.now();
  }

  add(spawnedAt: number, stderr: string): void {
    if (PHASES_ON) this.runs.push(phasesOf(spawnedAt, stderr));
  }

  /** The medians per phase, in the order of the first run, as `phase.NAME` extras. */
  extra(): Record<string, number> | undefined {
    if (!PHASES_ON || this.runs.length === 0) return undefined;
    const out: Record<string, number> = {};
    for (const name of Object.keys(this.runs[0]!)) out[`phase.${name}`] = round(median(this.runs.map((r) => r[name] ?? 0)));
    return out;
  }
}

/** One run's phases (ms) from its stderr's certdesk-timing line; `spawnedAt` from PhaseLog.now() just before the spawn. */
export function phasesOf(spawnedAt: number, stderr: string): Record<string, number> {
  const line = stderr.split('\n').find((l) => l.startsWith('certdesk-timing '));
  if (!line) throw new Error(`BENCH_PHASES=1 but the process wrote no certdesk-timing line: ${stderr.slice(0, 500)}`);
  const t = JSON.parse(line.slice('certdesk-timing '.length)) as { origin: number; marks: Array<[string, number]>; spans: Record<string, number>; exit: number };
  const out: Record<string, number> = { spawn: t.origin - spawnedAt };
  let prev = 0;
  for (const [name, ms] of t.marks) {
    out[name] = (out[name] ?? 0) + ms - prev;
    prev = ms;
  }
  out.exit = t.exit - prev;
  for (const [name, ms] of Object.entries(t.spans)) out[name] = ms;
  return out;
}
