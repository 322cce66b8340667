// Prompts on a terminal only: a hidden password and a yes/no confirmation.
import type { CliIo } from './io';

function readLine(io: CliIo, hidden: boolean): Promise<string | null> {
  const stdin = io.stdin;
  return new Promise((resolve) => {
    let buf = '';
    const raw = hidden && typeof stdin.setRawMode === 'function';
    if (raw) stdin.setRawMode!(true);
    const finish = (v: string | null) => {
      stdin.off('data', onData);
      if (raw) stdin.setRawMode!(false);
      stdin.pause();
      if (hidden) io.stderr.write('\n');
      resolve(v);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(buf);
        if (ch === '\u0003' || ch === '\u0004') return finish(null); // Ctrl-C, Ctrl-D
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

export async function askPassword(io: CliIo, prompt: string): Promise<string | null> {
  io.stderr.write(prompt);
  return readLine(io, true);
}

export async function confirm(io: CliIo, question: string): Promise<boolean> {
  io.stderr.write(question);
  const answer = (await readLine(io, false))?.trim().toLowerCase() ?? '';
  return ['y', 'yes', 'はい', 'ｙ'].includes(answer);
}

/** One line typed at the terminal (a number from a list); null on Ctrl-C or Ctrl-D. */
export async function ask(io: CliIo, question: string): Promise<string | null> {
  io.stderr.write(question);
  return readLine(io, false);
}
