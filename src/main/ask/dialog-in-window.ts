// The window's side of a question put to its dialog (the proxy sign-in, net/proxy-auth.ts; the
// token PIN, app/pin-broker.ts: the same prompt-agnostic rules): sends the broker's requests to
// the page, and answers "cancelled" for them when the page can no longer answer (the window
// closed, its renderer gone, the page reloaded or navigated away). Without this, a request whose
// dialog vanished would wait for the timeout, and every challenge from that proxy with it.
import type { WebContentsDidStartNavigationEventParams } from 'electron';

/** The parts of Electron's BrowserWindow this uses (tests pass a stand-in). */
export interface DialogWindow {
  on(event: 'closed', listener: () => void): unknown;
  webContents: {
    on(event: 'render-process-gone', listener: () => void): unknown;
    on(event: 'did-start-navigation', listener: (details: Pick<WebContentsDidStartNavigationEventParams, 'isMainFrame' | 'isSameDocument'>) => void): unknown;
    on(event: 'did-finish-load', listener: () => void): unknown;
    isLoading(): boolean;
    isDestroyed(): boolean;
  };
}

export interface DialogInWindow<P> {
  /** Shows request `id` in this window (once its page has loaded); false when the window is gone. */
  ask(id: string, prompt: P): boolean;
}

/**
 * `send` delivers the request to the page; `cancel` answers request `id` with "cancelled"
 * (the broker's answer(id, null)), which fails its request with PROXY_AUTH_REQUIRED.
 */
export function dialogInWindow<P>(
  win: DialogWindow,
  send: (id: string, prompt: P) => void,
  cancel: (id: string) => void,
): DialogInWindow<P> {
  // Sent to the page now showing: lost with it.
  const shown = new Set<string>();
  // Asked while the page was loading: sent when it has loaded (an event sent earlier is lost).
  const waiting = new Map<string, P>();
  let gone = false;

  const cancelShown = () => {
    const ids = [...shown];
    shown.clear();
    ids.forEach(cancel);
  };
  const cancelAll = () => {
    gone = true;
    const ids = [...shown, ...waiting.keys()];
    shown.clear();
    waiting.clear();
    ids.forEach(cancel);
  };
  const show = (id: string, prompt: P) => {
    shown.add(id);
    send(id, prompt);
  };

  win.on('closed', cancelAll);
  win.webContents.on('render-process-gone', cancelAll);
  // A reload or a new page (same-document changes and subframes keep the page): the dialog
  // is gone; requests still waiting for a page are shown by the next one.
  win.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) cancelShown();
  });
  win.webContents.on('did-finish-load', () => {
    const ready = [...waiting];
    waiting.clear();
    for (const [id, prompt] of ready) show(id, prompt);
  });

  return {
    ask(id, prompt) {
      if (gone || win.webContents.isDestroyed()) return false;
      if (win.webContents.isLoading()) waiting.set(id, prompt);
      else show(id, prompt);
      return true;
    },
  };
}
