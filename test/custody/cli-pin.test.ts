// The command line's token PIN (keyStorage tpm / pkcs11): from the variable --pin-env names,
// else the hidden prompt on a terminal (raw mode, nothing echoed), else not given; asked once.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pinAsker } from '../../src/main/cli/pin';
import type { CliIo } from '../../src/main/cli/io';

function io(opts: { tty: boolean; env?: Record<string, string> }) {
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty, raw: [] as boolean[], setRawMode(r: boolean) { this.raw.push(r); } });
  let err = '';
  const value: CliIo = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, stdin, env: opts.env ?? {} };
  return { value, stdin, err: () => err };
}

const usage = (m: string) => new Error(`usage: ${m}`);

describe('the CLI token PIN', () => {
  it('takes the PIN from the variable --pin-env names and never prompts', async () => {
    const t = io({ tty: true, env: { TOKEN_PIN: '4321' } });
    const ask = pinAsker(t.value, { pinEnv: 'TOKEN_PIN' }, () => 'en', usage);
    expect(await ask()).toBe('4321');
    expect(t.err()).toBe('');
  });

  it('a --pin-env variable that is not set is a usage error naming it', async () => {
    const t = io({ tty: true });
    await expect(pinAsker(t.value, { pinEnv: 'TOKEN_PIN' }, () => 'ja', usage)()).rejects.toThrow('usage: --pin-env: 環境変数 TOKEN_PIN が設定されていません。');
  });

  it('asks once on a terminal with echo off, and gives nothing without a terminal', async () => {
    const t = io({ tty: true });
    const ask = pinAsker(t.value, {}, () => 'en', usage);
    const first = ask();
    t.stdin.write('98');
    t.stdin.write('76\r');
    expect(await first).toBe('9876');
    expect(await ask()).toBe('9876');
    expect(t.stdin.raw).toEqual([true, false]);
    expect(t.err()).toBe("PIN of the key's token (TPM, smart card): \n");
    expect(await pinAsker(io({ tty: false }).value, {}, () => 'en', usage)()).toBeNull();
  });
});
