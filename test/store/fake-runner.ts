// A scripted CommandRunner for the stores that cannot run here (Windows, macOS): it records
// every call exactly and answers from a queue of handlers, failing on any unexpected call.
import type { CommandRunner, RunOptions, RunResult } from '../../src/main/core/store';

export interface Call {
  cmd: string;
  args: string[];
  opts: RunOptions | undefined;
}

export type Handler = (call: Call) => RunResult | Promise<RunResult>;

export function scriptedRunner(): { run: CommandRunner; calls: Call[]; push(...h: Handler[]): void; pending(): number } {
  const calls: Call[] = [];
  const queue: Handler[] = [];
  const run: CommandRunner = async (cmd, args, opts) => {
    const call = { cmd, args: [...args], opts };
    calls.push(call);
    const h = queue.shift();
    if (!h) throw new Error(`unexpected call: ${cmd} ${args.join(' ')}`);
    return h(call);
  };
  return { run, calls, push: (...h) => queue.push(...h), pending: () => queue.length };
}

export const ok = (stdout = '', stderr = ''): RunResult => ({ code: 0, stdout, stderr });
export const fail = (code: number, stderr: string, stdout = ''): RunResult => ({ code, stdout, stderr });
