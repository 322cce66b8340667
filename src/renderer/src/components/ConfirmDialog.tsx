import { useEffect, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  yes: string;
  no: string;
  onYes(): void;
  onNo(): void;
  children: ReactNode;
}

/**
 * A modal <dialog>: showModal() makes the rest of the page inert, so focus stays inside,
 * and Esc fires `cancel`, which answers いいえ. Focus starts on いいえ: the safe answer.
 */
export function ConfirmDialog({ title, yes, no, onYes, onNo, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const noRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    noRef.current?.focus();
    return () => d.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onCancel={(e) => {
        e.preventDefault();
        onNo();
      }}
    >
      <h2 id="confirm-title" className="dialog-title">
        {title}
      </h2>
      <div id="confirm-body">{children}</div>
      <div className="actions actions-end">
        <button type="button" ref={noRef} className="btn btn-secondary" onClick={onNo}>
          {no}
        </button>
        <button type="button" className="btn btn-primary" onClick={onYes}>
          {yes}
        </button>
      </div>
    </dialog>
  );
}
