// Registers the contract's handlers from one object that implements it. Every call is
// checked twice before it reaches the implementation: the sender must be the app's own
// frame, and the arguments must be what the contract says.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import {
  API_METHODS,
  channelOf,
  eventChannelOf,
  validateArgs,
  type ApiEvent,
  type CertDeskApi,
  type CertDeskEvents,
  type Result,
} from '../../shared/contract';

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
