// Starts test/load/bank-child.ts and talks to it.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface BankProcess {
  url: string;
  trustAnchorPem: string;
  pid: number;
  accounts(prefix: string, count: number): Promise<Array<{ id: string; password: string }>>;
  memory(): Promise<{ heapUsed: number; rss: number; external: number }>;
  stop(): Promise<void>;
}

export async function startBankProcess(dataDir: string): Promise<BankProcess> {
  const child: ChildProcess = fork(join(import.meta.dirname, 'bank-child.ts'), [dataDir], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  let next = 1;
  child.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.ok(m.value);
    else w?.fail(new Error(m.error));
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.fail(new Error(`bank process exited ${code}`));
    waiting.clear();
  });
  const call = <T>(msg: Record<string, unknown>, id = next++): Promise<T> =>
    new Promise<T>((ok, fail) => {
      waiting.set(id, { ok: ok as (v: unknown) => void, fail });
      if (id !== 0) child.send({ ...msg, id });
    });
  const hello = await call<{ url: string; trustAnchorPem: string }>({}, 0);
  return {
    ...hello,
    pid: child.pid!,
    accounts: (prefix, count) => call({ op: 'accounts', prefix, count }),
    memory: () => call({ op: 'memory' }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      await call({ op: 'stop' }).catch(() => undefined);
      await exited;
    },
  };
}
