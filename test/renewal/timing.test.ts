// The core's phase marks (issue 29): silent unless CERTDESK_TIMING=1; on, one stderr line at
// exit that the bench's PhaseLog turns into phases. Real child processes: the marks live in
// module state and the line is written as the process exits.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhaseLog, phasesOf } from '../../bench/lib';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = `import(${JSON.stringify(join(ROOT, 'src/main/core/timing.ts'))}).then((t) => { t.markOnce('storeListed'); t.mark('generateKey:running'); t.markOnce('storeListed'); t.span('journal', () => 1); t.span('journal', () => 2); t.mark('generateKey:done'); });`;

function child(env: NodeJS.ProcessEnv): { stderr: string; at: number } {
  const at = PhaseLog.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: ROOT, env: { ...process.env, CERTDESK_TIMING: undefined, ...env }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return { stderr: r.stderr, at };
}

describe('timing marks', () => {
  it('off by default: nothing written', () => {
    expect(child({}).stderr).not.toContain('certdesk-timing');
  });

  it('CERTDESK_TIMING=1: one line at exit with the marks in order, spans summed; PhaseLog reads it', () => {
    const { stderr, at } = child({ CERTDESK_TIMING: '1' });
    const lines = stderr.split('\n').filter((l) => l.startsWith('certdesk-timing '));
    expect(lines).toHaveLength(1);
    const t = JSON.parse(lines[0]!.slice('certdesk-timing '.length)) as { origin: number; marks: Array<[string, number]>; spans: Record<string, number>; exit: number };
    // markOnce's repeat (a listing while the key is made) does not split the keygen phase.
    expect(t.marks.map(([n]) => n)).toEqual(['coreLoaded', 'storeListed', 'generateKey:running', 'generateKey:done']);
    expect(Object.keys(t.spans)).toEqual(['journal']);
    const ms = t.marks.map(([, m]) => m);
    expect([...ms].sort((a, b) => a - b)).toEqual(ms);
    expect(t.exit).toBeGreaterThanOrEqual(ms.at(-1)!);

    // What the bench makes of it (PhaseLog.add with BENCH_PHASES=1): the gaps between marks, named by the mark that ends each.
    const phases = phasesOf(at, stderr);
    expect(Object.keys(phases)).toEqual(['spawn', 'coreLoaded', 'storeListed', 'generateKey:running', 'generateKey:done', 'exit', 'journal']);
    expect(phases.spawn).toBeGreaterThan(-50);
    // The gaps add up to the process's whole life after its time origin.
    const sum = phases.coreLoaded! + phases.storeListed! + phases['generateKey:running']! + phases['generateKey:done']! + phases.exit!;
    expect(Math.abs(sum - t.exit)).toBeLessThan(0.05);
  });
});
