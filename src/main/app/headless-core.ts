// The headless command line through the core's process: its output to this terminal, this
// terminal's input (and raw mode, for a hidden prompt) to it, Chromium's requests for it.
// A core process that ends before the command's own end is exit code 1, said on stderr,
// and is not started again: a command line is run again by whoever ran it.
import type { CorePort } from './core-client';
import { startCoreClient } from './core-client';
import type { ChromiumTransport } from '../core/compose/transport';

interface Terminal {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/** `packaged`: the installed app (its --policy rules apply, in the core's process). */
export function runCliOverCore(spawn: () => CorePort, args: string[], term: Terminal, opts: { chromium?: ChromiumTransport; packaged: boolean }): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      term.stdin.off('data', onData);
      term.stdin.off('end', onEnd);
      term.stdin.pause();
      client.stop();
      resolve(code);
    };
    const client = startCoreClient(
      spawn,
      { mode: 'cli', args, stdinIsTTY: Boolean(term.stdin.isTTY), packaged: opts.packaged },
      {
        event: () => undefined,
        log: () => undefined,
        ...(opts.chromium ? { chromium: opts.chromium } : {}),
        out: (stream, data) => term[stream].write(data),
        rawMode: (raw) => term.stdin.setRawMode?.(raw),
        exit: (code) => finish(code),
        // No second run of the command: whoever ran it runs it again.
        stopped: (s) => {
          term.stderr.write(`certdesk: the core process ended (code ${s.code}) before the command did. What it had done is in its journal: the next run finishes or undoes it.\n`);
          finish(1);
        },
      },
      { restart: false },
    );
    const onData = (d: Buffer | string) => client.stdin(typeof d === 'string' ? new TextEncoder().encode(d) : new Uint8Array(d));
    const onEnd = () => client.stdin(null);
    // Read only when the command asks: a paused stdin does not keep a finished run alive.
    term.stdin.on('data', onData);
    term.stdin.on('end', onEnd);
  });
}
