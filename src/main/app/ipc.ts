// Registers the contract's handlers from one object that implements it. Every call is
// checked twice before it reaches the implementation: the sender must be the app's own
// frame, and the arguments must be what the contract says.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  API_METHODS,
  channelOf,
  eventChannelOf,
  PIN_ANSWER_CHANNEL,
  PROXY_AUTH_ANSWER_CHANNEL,
  type ApiError,
  type ApiEvent,
  type CertDeskApi,
  type CertDeskEvents,
  type PinAnswer,
  type ProxyAuthAnswer,
  type Result,
} from '../../shared/contract';
import { validateArgs, validatePinAnswer, validateProxyAuthAnswer } from '../../shared/validate';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export function registerApi(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, api: CertDeskApi, isTrustedSender: SenderCheck): () => void {
  for (const method of API_METHODS) {
    ipcMain.handle(channelOf(method), async (event, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'INVALID_INPUT', message: 'Refused: the call did not come from CertDesk\'s own window.', detail: { field: 'sender' } } };
      }
      const invalid = validateArgs[method](args);
      if (invalid) return { ok: false, error: invalid };
      try {
        return await (api[method] as (...a: unknown[]) => Promise<Result<unknown>>)(...args);
      } catch (err) {
        // The implementation answers Results; a throw is a bug. Never send its stack to the renderer.
        console.error(`certdesk: ${method} threw`, err instanceof Error ? err.message : String(err));
        return { ok: false, error: { code: 'INTERNAL', message: 'An unexpected error occurred. The diagnostics export has the details.' } };
      }
    });
  }
  return () => API_METHODS.forEach((m) => ipcMain.removeHandler(channelOf(m)));
}

/** Sends an event of the contract to one window. */
export function emit<E extends ApiEvent>(target: Pick<WebContents, 'send' | 'isDestroyed'>, event: E, payload: CertDeskEvents[E]): void {
  if (!target.isDestroyed()) target.send(eventChannelOf(event), payload);
}

/**
 * A window dialog's answer channel: the same two checks as a contract call (CertDesk's own
 * frame; an id and an answer of the right shape, whose error names the field and never echoes
 * the value), then a field-by-field copy (nothing else from the renderer's object) to the
 * broker, which knows the id.
 */
function registerAnswer<A>(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  channel: string,
  validate: (args: unknown[]) => ApiError | null,
  copy: (answer: A) => A,
  broker: { answer(id: string, answer: A | null): boolean },
  isTrustedSender: SenderCheck,
): () => void {
  ipcMain.handle(channel, (event, ...args: unknown[]): Result<{ accepted: boolean }> => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'Refused: the call did not come from CertDesk\'s own window.', detail: { field: 'sender' } } };
    }
    const invalid = validate(args);
    if (invalid) return { ok: false, error: invalid };
    const [id, answer] = args as [string, A | null];
    return { ok: true, value: { accepted: broker.answer(id, answer ? copy(answer) : null) } };
  });
  return () => ipcMain.removeHandler(channel);
}

/** The proxy sign-in dialog's answer, to the proxy-auth broker. */
export function registerProxyAuthAnswer(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  broker: { answer(id: string, answer: ProxyAuthAnswer | null): boolean },
  isTrustedSender: SenderCheck,
): () => void {
  const copy = (a: ProxyAuthAnswer): ProxyAuthAnswer => ({ username: a.username, password: a.password, remember: a.remember });
  return registerAnswer(ipcMain, PROXY_AUTH_ANSWER_CHANNEL, validateProxyAuthAnswer, copy, broker, isTrustedSender);
}

/** The PIN dialog's answer, to the PIN broker (a PIN must not reach a message or a log). */
export function registerPinAnswer(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  broker: { answer(id: string, answer: PinAnswer | null): boolean },
  isTrustedSender: SenderCheck,
): () => void {
  return registerAnswer(ipcMain, PIN_ANSWER_CHANNEL, validatePinAnswer, (a: PinAnswer): PinAnswer => ({ pin: a.pin, remember: a.remember }), broker, isTrustedSender);
}
