import { Fragment, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Phase } from '../../../shared/contract';

/** Each screen's heading takes focus when the screen opens, so keyboard and screen-reader users start at the top. */
export function Heading({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}

/** One label and its value in a `dl.facts`. */
export function Fact({ label, className, fact, children }: { label: string; className?: string | undefined; fact?: string; children: ReactNode }) {
  return (
    <div data-fact={fact}>
      <dt>{label}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}

/** The phase in words and colour, never colour alone. */
export function PhaseBadge({ phase }: { phase: Phase }) {
  const { t } = useTranslation();
  return (
    <span className={`badge phase-${phase}`} data-phase={phase}>
      <span className="badge-dot" aria-hidden="true" />
      {t(`phase.${phase}`)}
    </span>
  );
}

/** Copies text; says so in a live region, or says to copy by hand when the clipboard is refused. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  };
  return (
    <span className="copy">
      <button type="button" className="btn btn-secondary" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {status === 'copied' ? t('app.copied') : status === 'failed' ? t('app.copyFailed') : ''}
      </span>
    </span>
  );
}

export type ItemState = 'pending' | 'running' | 'passed' | 'done' | 'failed' | 'skipped' | 'info';

export function StatusList({ items, label }: { items: Array<{ key: string; label: string; state: ItemState; stateLabel: string }>; label: string }) {
  return (
    <ol className="status-list" aria-label={label}>
      {items.map((it) => (
        <li key={it.key} className={`status-item state-${it.state}`} data-state={it.state} data-key={it.key}>
          <span className="status-icon" aria-hidden="true">
            {it.state === 'passed' || it.state === 'done' ? '✓' : it.state === 'failed' ? '!' : it.state === 'running' ? '…' : it.state === 'skipped' ? '–' : it.state === 'info' ? 'i' : ''}
          </span>
          <span className="status-label">{it.label}</span>
          <span className="status-state">{it.stateLabel}</span>
        </li>
      ))}
    </ol>
  );
}

/**
 * Colon-grouped hex (a fingerprint, a serial) that wraps only after a colon, never inside a
 * pair: a line break opportunity after each colon, none elsewhere (class `hex`).
 */
export function Hex({ text }: { text: string }) {
  const parts = text.split(':');
  return (
    <span className="hex">
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 && (
            <>
              :<wbr />
            </>
          )}
        </Fragment>
      ))}
    </span>
  );
}
