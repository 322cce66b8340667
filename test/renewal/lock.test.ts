// The renewal locks between real processes: two contenders started on one start line, 50
// times over, with no lock, a stale one (dead pid), a reused pid (live, other start time),
// and two data folders writing one store. Exactly one winner each time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock, processStart } from '../../src/main/core/renewal/lock';

const PAIRS = Number(process.env.CERTDESK_LOCK_PAIRS ?? 50);
const root = mkdtempSync(join(tmpdir(), 'certdesk-lock-'));

interface Answer { id?: number; won?: boolean; code?: string; message?: string; released?: number }

class Contender {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (a: Answer) => void>();
  constructor() {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lock-worker.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const a = JSON.parse(line) as Answer;
      const key = a.released !== undefined ? `r${a.released}` : `t${a.id}`;
      this.waiting.get(key)?.(a);
      this.waiting.delete(key);
    });
  }
  private ask(key: string, order: object): Promise<Answer> {
    return new Promise((resolve) => {
      this.waiting.set(key, resolve);
      this.child.stdin!.write(JSON.stringify(order) + '\n');
    });
  }
  try(id: number, at: number, store: string, data?: string): Promise<Answer> {
    return this.ask(`t${id}`, { id, at, store, ...(data ? { data } : {}) });
  }
  release(id: number): Promise<Answer> {
    return this.ask(`r${id}`, { release: id });
  }
  get pid(): number {
    return this.child.pid!;
  }
  stop(): void {
    this.child.kill();
  }
}

let a: Contender;
let b: Contender;
let trial = 0;
let deadPid: number;

beforeAll(async () => {
  a = new Contender();
  b = new Contender();
  // Both ready (tsx loaded): a first uncontended round trip each.
  await Promise.all([a, b].map(async (c) => {
    const id = ++trial;
    expect((await c.try(id, 0, join(root, `warm-${id}`))).won).toBe(true);
    await c.release(id);
  }));
  // A pid that surely ended: a process that has exited and been reaped.
  const gone = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  deadPid = Number(gone.stdout.trim());
}, 30_000);

afterAll(() => {
  a?.stop();
  b?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** One race: both contenders on one start line; returns who won. */
async function race(prepare: (store: string, n: number) => void, dataFolders = false): Promise<Answer[]> {
  const n = ++trial;
  const store = join(root, `store-${n}.lock`);
  prepare(store, n);
  const at = Date.now() + 15;
  const [x, y] = await Promise.all([
    a.try(n * 10 + 1, at, store, dataFolders ? join(root, `data-a-${n}`, 'renewal.lock') : undefined),
    b.try(n * 10 + 2, at, store, dataFolders ? join(root, `data-b-${n}`, 'renewal.lock') : undefined),
  ]);
  if (x!.won) await a.release(n * 10 + 1);
  if (y!.won) await b.release(n * 10 + 2);
  return [x!, y!];
}

function tally(results: Answer[][]): { oneWinner: number; losers: Set<string> } {
  const losers = new Set<string>();
  let oneWinner = 0;
  for (const r of results) {
    if (r.filter((x) => x.won).length === 1) oneWinner++;
    for (const x of r) if (!x.won) losers.add(x.code ?? '?');
  }
  return { oneWinner, losers };
}

describe('renewal lock between processes', { timeout: 60_000 }, () => {
  it(`${PAIRS} simultaneous pairs, no lock present: one winner each, the loser BUSY`, async () => {
    const results: Answer[][] = [];
    for (let i = 0; i < PAIRS; i++) results.push(await race(() => undefined));
    const t = tally(results);
    expect(t.oneWinner).toBe(PAIRS);
    expect([...t.losers]).toEqual(['BUSY']);
  });

  it(`${PAIRS} simultaneous pairs over a stale lock (its pid is gone): one winner each`, async () => {
    const results: Answer[][] = [];
    for (let i = 0; i < PAIRS; i++) results.push(await race((store) => writeFileSync(store, JSON.stringify({ pid: deadPid, start: '1', host: hostname() }))));
    expect(tally(results).oneWinner).toBe(PAIRS);
  });

  it(`${PAIRS} simultaneous pairs over a lock of a reused pid (alive, another start time): one winner each`, async () => {
    const sleeper = spawn('sleep', ['60']);
    try {
      const results: Answer[][] = [];
      for (let i = 0; i < PAIRS; i++) results.push(await race((store) => writeFileSync(store, JSON.stringify({ pid: sleeper.pid, start: '1', host: hostname() }))));
      expect(tally(results).oneWinner).toBe(PAIRS);
    } finally {
      sleeper.kill();
    }
  });

  it(`${PAIRS} simultaneous pairs with two data folders on one store: one winner each`, async () => {
    const results: Answer[][] = [];
    for (let i = 0; i < PAIRS; i++) results.push(await race(() => undefined, true));
    expect(tally(results).oneWinner).toBe(PAIRS);
  });

  it('a live holder with its own start time blocks, named in the error; a lock of another host is BUSY naming that host', async () => {
    const sleeper = spawn('sleep', ['60']);
    try {
      const file = join(root, 'live.lock');
      const start = processStart(sleeper.pid!);
      if (process.platform === 'linux') expect(start).toMatch(/^\d+$/);
      writeFileSync(file, JSON.stringify({ pid: sleeper.pid, ...(start ? { start } : {}), host: hostname() }));
      await expect(acquireLock({ file, what: 'the NSS db x' })).rejects.toMatchObject({ code: 'BUSY', detail: { pid: sleeper.pid } });
      await expect(acquireLock({ file, what: 'the NSS db x' })).rejects.toThrow(new RegExp(`renewal of the NSS db x is running on this PC \\(process ${sleeper.pid}\\)`));
      writeFileSync(file, JSON.stringify({ pid: deadPid, host: 'branch-pc-7' }));
      await expect(acquireLock({ file, what: 'the NSS db x' })).rejects.toThrow(/running on the computer "branch-pc-7".*delete the lock file/);
    } finally {
      sleeper.kill();
    }
  });

  it('an old bare-pid lock of a dead process is taken over; the lock is released only by its holder', async () => {
    const file = join(root, 'old.lock');
    writeFileSync(file, String(deadPid));
    const unlock = await acquireLock({ file, what: 'x' });
    await expect(acquireLock({ file, what: 'x' })).rejects.toMatchObject({ code: 'BUSY', detail: { pid: process.pid } });
    await unlock();
    const again = await acquireLock({ file, what: 'x' });
    await again();
  });
});
