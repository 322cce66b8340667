// A question the main process puts to the window's own dialog and the renderer answers by a
// random id: the proxy sign-in (net/proxy-auth.ts) and the token PIN (app/pin-broker.ts) are thin
// wrappers over it. No question waits forever: each ends with the answer, a cancel from the
// window's side (dialog-in-window.ts), no window to ask, or the timeout; however it ends,
// everything it held is released at once and the window is told to close its dialog.

export interface Timers {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface WindowQuestionDeps<P> {
  /** Shows the dialog: sends the request to the window; false when there is no window to ask. */
  ask(id: string, prompt: P): boolean;
  /** Request `id` has ended, however it ended: the window closes its dialog. */
  closed?(id: string): void;
  /** A fresh unguessable id per request. */
  newId(): string;
  timeoutMs: number;
  /** Default the global setTimeout/clearTimeout (tests pass a clock they drive). */
  timers?: Timers;
}

/** What a broker over it takes: the same, with a default timeout (`dialogTimeoutMs`). */
export type BrokerDepsOf<P> = Omit<WindowQuestionDeps<P>, 'timeoutMs'> & { dialogTimeoutMs?: number };

export interface WindowQuestions<P, A> {
  /**
   * Shows one dialog now; null when cancelled, timed out, or no window can ask. `onEnd` runs
   * as it ends, before anything awaiting it: a caller's bookkeeping is gone in that same tick.
   */
  open(prompt: P, onEnd?: (answer: A | null) => void): Promise<A | null>;
  /** As open, one dialog at a time: a question waits for the ones before it to end. */
  inTurn(prompt: P): Promise<A | null>;
  /** The renderer's answer to request `id` (null: cancelled); false when no such request is pending. */
  answer(id: string, answer: A | null): boolean;
}

const realTimers: Timers = {
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createWindowQuestions<P, A>(deps: WindowQuestionDeps<P>): WindowQuestions<P, A> {
  const timers = deps.timers ?? realTimers;
  // Each pending request's one way to end (answer, cancel or timeout), by id.
  const pending = new Map<string, (a: A | null) => void>();
  // The dialog now up (or none) for questions in turn.
  let line: Promise<unknown> = Promise.resolve();

  const open = (prompt: P, onEnd?: (a: A | null) => void): Promise<A | null> =>
    new Promise((resolve) => {
      const id = deps.newId();
      const end = (a: A | null) => {
        // Whichever comes first ends it; the later ones find nothing pending.
        if (!pending.delete(id)) return;
        timers.clear(timer);
        onEnd?.(a);
        resolve(a);
        try {
          deps.closed?.(id);
        } catch {
          // A window that cannot be told has no dialog to close.
        }
      };
      pending.set(id, end);
      const timer = timers.set(() => end(null), deps.timeoutMs);
      let shown: boolean;
      try {
        shown = deps.ask(id, prompt);
      } catch {
        shown = false;
      }
      if (!shown) end(null);
    });

  return {
    open,
    inTurn(prompt) {
      const p = line.then(() => open(prompt));
      line = p.catch(() => undefined);
      return p;
    },
    answer(id, a) {
      const end = pending.get(id);
      if (!end) return false;
      end(a);
      return true;
    },
  };
}
