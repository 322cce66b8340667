// The core's process under plain Node: `child_process.fork` of the same entry the app starts
// as a utilityProcess, with the same messages (structured clone: `serialization: 'advanced'`
// carries the EST bodies as bytes). Used where no Electron binary exists: the tests, the
// browser tests' main side, and the stand-in Electron of test/app/node-electron.
import { fork } from 'node:child_process';
import type { CorePort } from './core-client';

export function forkCore(entry: string, opts: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): CorePort {
  const child = fork(entry, [], {
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.execArgv ? { execArgv: opts.execArgv } : {}),
  });
  // A send racing the child's death is the exit handler's business, not an uncaught error.
  child.on('error', () => undefined);
  return {
    send: (m) => {
      if (child.connected) child.send(m, () => undefined);
    },
    onMessage: (fn) => void child.on('message', fn),
    onExit: (fn) => void child.on('exit', (code) => fn(code)),
    kill: () => void child.kill('SIGKILL'),
    get pid() {
      return child.pid;
    },
  };
}
