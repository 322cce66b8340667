// The app's question for the PIN of the key's token (keyStorage tpm / pkcs11): CertDesk's
// own dialog in the window, through a pending request the renderer answers by a random id.
// The PIN is handed to the one operation that asked and kept nowhere here: the core drops
// it when that operation ends, and only the core's pin-store (policy rememberPin, the user's
// tick) keeps it, in the OS keychain, after the token took it.
//
// One dialog at a time: a second question waits for the first to end. No question waits
// forever: each ends with the user's answer, a cancel from the window's side (closed,
// reloaded, renderer gone: ask/dialog-in-window.ts), or PIN_DIALOG_TIMEOUT_MS; the operation
// then fails with PIN_REQUIRED and can be started again.

import type { PinTries } from '../../shared/pin-tries';
import { createWindowQuestions, type BrokerDepsOf } from '../ask/window-question';

/** What the window is asked (the contract's PinRequest, without the id). */
export interface PinPrompt {
  /** The token's label (CK_TOKEN_INFO.label): the dialog names it. */
  tokenLabel: string;
  /** The PIN given before was wrong: the dialog says so. */
  retry: boolean;
  /** On a retry: the tries left as the token said them (the dialog says that too). */
  pinTries?: PinTries;
  /** The policy lets the PIN be kept in the keychain: the dialog offers the box. */
  offerRemember: boolean;
}

export interface PinAnswer {
  pin: string;
  /** Keep it in the keychain (only honoured when the prompt offered it). */
  remember: boolean;
}

export interface PinBroker {
  /** The user's PIN for one question; null when cancelled, timed out, or no window can ask. */
  ask(prompt: PinPrompt): Promise<PinAnswer | null>;
  /** The renderer's answer to request `id` (null: cancelled); false when no such request is pending. */
  answer(id: string, answer: PinAnswer | null): boolean;
}

/** As long as the proxy sign-in waits (proxy-auth.ts): time to fetch the card, not a hang. */
export const PIN_DIALOG_TIMEOUT_MS = 5 * 60_000;

/** The window question's deps; the timeout defaults to PIN_DIALOG_TIMEOUT_MS. */
export type PinBrokerDeps = BrokerDepsOf<PinPrompt>;

export function createPinBroker(deps: PinBrokerDeps): PinBroker {
  const questions = createWindowQuestions<PinPrompt, PinAnswer>({ ...deps, timeoutMs: deps.dialogTimeoutMs ?? PIN_DIALOG_TIMEOUT_MS });
  return {
    // The box is honoured only when the prompt offered it.
    ask: (prompt) => questions.inTurn(prompt).then((a) => a && { pin: a.pin, remember: prompt.offerRemember && a.remember }),
    answer: (id, a) => questions.answer(id, a),
  };
}
