// The frame of CertDesk's dialogs that main asks for by a random id (the proxy sign-in, the
// token PIN): requests queue up and show one at a time; the answer goes back by the request's
// id; a request that ends without the user (main's timeout or cancel: its "closed" event; the
// run that needed it failed or finished: `busy` drops) closes its dialog, so nothing is left
// asking for nothing. Each dialog keeps only its own fields and words.
import { Fragment, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { CertDeskBridge, CertDeskEvents, Result } from '../../../shared/contract';
import { api } from '../api';

type Answerer<A> = ((id: string, answer: A | null) => Promise<Result<{ accepted: boolean }>>) | undefined;

export interface PromptDialogProps<E extends 'proxyAuth' | 'pinRequest', A> {
  busy: boolean;
  /** Main's event that asks, and the one that says a request ended without the user. */
  request: E;
  closed: 'proxyAuthClosed' | 'pinClosed';
  /** The bridge's answer channel: a bridge without it (a test page's) cannot answer, so no dialog. */
  channel(bridge: CertDeskBridge): Answerer<A>;
  /** The question for one request (keyed by its id, so its state starts empty). */
  children(request: CertDeskEvents[E], onAnswer: (answer: A | null) => void): ReactNode;
}

export function PromptDialog<E extends 'proxyAuth' | 'pinRequest', A>({ busy, request, closed, channel, children }: PromptDialogProps<E, A>) {
  const [queue, setQueue] = useState<CertDeskEvents[E][]>([]);
  const send = (id: string, a: A | null) => {
    const answer = channel(api());
    // An answer main refuses is a cancel: the request must not wait forever.
    void answer?.(id, a).then((r) => (r.ok || a === null ? undefined : answer(id, null)));
  };
  useEffect(() => {
    const bridge = api();
    if (!channel(bridge)) return;
    const offAsk = bridge.on(request, (r) => setQueue((q) => [...q, r]));
    const offClosed = bridge.on(closed, ({ id }) => setQueue((q) => q.filter((r) => r.id !== id)));
    return () => {
      offAsk();
      offClosed();
    };
    // Subscribed once: each dialog's events and channel never change.
  }, []);
  // The run ended (failed, cancelled or done) with a dialog still up: nothing waits for it any
  // more; cancelled, so main's request ends too. Only on that change: a request that arrives
  // while no run shows keeps its dialog.
  const wasBusy = useRef(busy);
  const shown = useRef(queue);
  shown.current = queue;
  useEffect(() => {
    if (wasBusy.current && !busy && shown.current.length > 0) {
      shown.current.forEach((r) => send(r.id, null));
      setQueue([]);
    }
    wasBusy.current = busy;
    // Only on busy's change.
  }, [busy]);
  const current = queue[0];
  if (!current) return null;
  const answer = (a: A | null) => {
    setQueue((q) => q.filter((r) => r.id !== current.id));
    send(current.id, a);
  };
  return <Fragment key={current.id}>{children(current, answer)}</Fragment>;
}

export interface DialogFrameProps {
  /** Prefix of the title's and the body's ids (aria-labelledby, aria-describedby). */
  name: string;
  testId: string;
  title: string;
  body: ReactNode;
  cancelLabel: string;
  okLabel: string;
  noValidate?: boolean;
  onSubmit(e: FormEvent): void;
  onCancel(): void;
  /** The dialog's own fields. */
  children: ReactNode;
}

/** A modal dialog: labelled by its title and body, Esc is cancel, Tab stays inside. */
export function DialogFrame({ name, testId, title, body, cancelLabel, okLabel, noValidate, onSubmit, onCancel, children }: DialogFrameProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${name}-title`}
      aria-describedby={`${name}-body`}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      onKeyDown={(e) => wrapTab(e, ref.current)}
    >
      <form className="form" onSubmit={onSubmit} noValidate={noValidate}>
        <h2 id={`${name}-title`} className="dialog-title">
          {title}
        </h2>
        <div id={`${name}-body`}>{body}</div>
        {children}
        <div className="actions actions-end">
          <button type="button" className="btn btn-secondary" onClick={onCancel}>
            {cancelLabel}
          </button>
          <button type="submit" className="btn btn-primary">
            {okLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * Tab past the last control comes back to the first, Shift+Tab before the first to the last:
 * the modal dialog already makes the page behind inert; this keeps focus from leaving for the
 * browser's own UI, where a keyboard user would lose the dialog.
 */
function wrapTab(e: KeyboardEvent<HTMLDialogElement>, dialog: HTMLDialogElement | null) {
  if (e.key !== 'Tab' || !dialog) return;
  const controls = [...dialog.querySelectorAll<HTMLElement>('input, button')].filter((c) => !c.hasAttribute('disabled'));
  const first = controls[0];
  const last = controls[controls.length - 1];
  if (!first || !last) return;
  if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  } else if (e.shiftKey && document.activeElement === first) {
    e.preventDefault();
    last.focus();
  }
}
