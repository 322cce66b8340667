// One answer channel of a window prompt (proxy sign-in, token PIN) registered on a fake
// ipcMain, as ipc.ts's registerAnswer wires each: calls come from a given sender, answers
// reach a broker that accepts only `acceptedId`.
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { FakeWebContents } from '../support/electron-stub';

type Handler = (event: unknown, ...args: unknown[]) => unknown;
type Register = (ipc: never, broker: never, check: never) => () => void;

export function answerChannel(register: Register, channel: string, senderCheck: (main: () => WebContents) => unknown, acceptedId: string) {
  const main = new FakeWebContents();
  const handlers = new Map<string, Handler>();
  const ipc = { handle: (c: string, h: Handler) => void handlers.set(c, h), removeHandler: (c: string) => void handlers.delete(c) };
  const answers: unknown[][] = [];
  const broker = { answer: (id: string, a: unknown) => (answers.push([id, a]), id === acceptedId) };
  const unregister = register(ipc as never, broker as never, senderCheck(() => main as unknown as WebContents) as never);
  const call = (sender: FakeWebContents, ...args: unknown[]) => handlers.get(channel)!({ sender, senderFrame: sender.mainFrame } as unknown as IpcMainInvokeEvent, ...args);
  return { main, handlers, answers, unregister, call };
}
