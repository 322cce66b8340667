// The token's PIN for keyStorage tpm / pkcs11: from the variable --pin-env names (scripts;
// never an argument, which the process list shows), else the hidden prompt on a terminal,
// else not given (the core then says the PIN is needed). Asked only when the policy names a
// token, and only once.
import type { Language } from '../../shared/contract';
import type { CliIo } from './io';
import { askPassword } from './prompt';

const PROMPT: Record<Language, string> = {
  ja: '鍵のトークン（TPM・ICカード）のPIN: ',
  en: 'PIN of the key\'s token (TPM, smart card): ',
};

export function pinAsker(io: CliIo, o: { pinEnv?: string }, lang: () => Language, usage: (message: string) => Error): () => Promise<string | null> {
  let asked: Promise<string | null> | undefined;
  return () =>
    (asked ??= (async () => {
      if (o.pinEnv) {
        const v = io.env[o.pinEnv];
        if (v === undefined) throw usage(lang() === 'ja' ? `--pin-env: 環境変数 ${o.pinEnv} が設定されていません。` : `--pin-env: the environment variable ${o.pinEnv} is not set.`);
        return v;
      }
      if (!io.stdin.isTTY) return null;
      return askPassword(io, PROMPT[lang()]);
    })());
}
