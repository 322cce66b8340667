// The core for one command, from the composition root: the command's options become its
// options. Only what a command needs is opened (status never touches the keychain or the network).
import type { ProgressEvent } from '../../shared/contract';
import { redactText } from '../../shared/redact';
import type { ChromiumTransport, ComposedCore, ComposeOptions } from '../core/compose';

export interface GlobalOptions {
  json?: boolean;
  policy?: string;
  store?: string;
  identity?: string;
  identityPasswordEnv?: string;
  /** The variable holding the token's PIN (keyStorage tpm / pkcs11). */
  pinEnv?: string;
  yes?: boolean;
  /** The core's log lines on stderr. */
  verbose?: boolean;
}

export type Context = ComposedCore;

/** What the command is about to do: what to start early, and whether reading may finish an interrupted renewal. */
export interface ContextIntent {
  renew?: boolean;
  /** false: status and inspect read only (no store write, no network) unless --recover. */
  recoverOnRead?: boolean;
  /** The token's PIN (renew, acquire), asked only when the policy names a token. */
  pin?: () => Promise<string | null>;
  /** `check`: the due reminders are taken (recorded as shown) and handed here. */
  remind?: ComposeOptions['remind'];
  /** Tests: the stores already opened (CliOptions.openedStores). */
  openedStores?: ComposeOptions['openedStores'];
}

/**
 * --verbose: each of the core's log lines on stderr, `certdesk: ` before it. The core never
 * logs a secret; the redactor runs anyway, as for the app's log file.
 */
export function verboseLog(write: (line: string) => void): (line: string) => void {
  return (line) => write(`certdesk: ${redactText(line)}`);
}

export async function buildContext(o: GlobalOptions, env: Record<string, string | undefined>, emit: {
  progress(e: ProgressEvent): void;
  /** Where the core's log lines go (stderr with --verbose). */
  log?: (line: string) => void;
}, chromium?: ChromiumTransport, intent: ContextIntent = {}): Promise<Context> {
  const { composeCore } = await import('../core/compose');
  return composeCore({
    env,
    emit: (event, payload) => {
      if (event === 'progress') emit.progress(payload as ProgressEvent);
    },
    ...(o.policy ? { policyFile: o.policy } : {}),
    ...(o.store ? { store: o.store } : {}),
    ...(o.identity ? { identity: { file: o.identity, ...(o.identityPasswordEnv ? { passwordEnv: o.identityPasswordEnv } : {}) } } : {}),
    ...(chromium ? { chromium } : {}),
    // The db's listing starts before the core has loaded.
    prefetch: true,
    recoverOnRead: intent.recoverOnRead ?? true,
    ...(intent.pin ? { pin: intent.pin } : {}),
    ...(intent.remind ? { remind: intent.remind } : {}),
    ...(intent.openedStores ? { openedStores: intent.openedStores } : {}),
    ...(o.verbose && emit.log ? { log: verboseLog(emit.log) } : {}),
  });
}
