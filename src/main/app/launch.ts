// A certdesk: link reaching the running app: from the first launch's arguments, a second
// launch's (Windows, Linux: `second-instance`), or macOS's `open-url` (which may come before
// the window exists, so links wait in a queue). The window comes to the front; a valid link
// becomes a `launch` event the renderer confirms with the user; any other link is refused
// and logged (redacted), and nothing happens.
import type { App } from 'electron';
import type { LaunchRequest } from '../../shared/contract';
import { redactText } from '../../shared/redact';
import { LINK_SCHEME, parseLaunchLink } from './launch-link';

export interface LaunchTarget {
  /** Shows and focuses the window (creating it if needed). */
  showWindow(): void;
  /** Sends the validated request to the window once its page can hear it. */
  send(request: LaunchRequest): void;
  warn(message: string): void;
}

export interface LaunchLinks {
  /** A link from the OS, now or before the app was ready. */
  receive(raw: string): void;
  /** From now on links go to `target`; the queued ones first. */
  attach(target: LaunchTarget): void;
}

export function createLaunchLinks(): LaunchLinks {
  const queued: string[] = [];
  let target: LaunchTarget | null = null;
  const handle = (t: LaunchTarget, raw: string) => {
    t.showWindow();
    const verdict = parseLaunchLink(raw);
    if (!verdict.ok) {
      // The link's text is the web page's: redacted, cut short, never acted on.
      t.warn(`certdesk: a certdesk: link was refused (${verdict.reason}): ${JSON.stringify(redactText(raw.slice(0, 200)))}`);
      return;
    }
    t.send(verdict.request);
  };
  return {
    receive(raw) {
      if (target) handle(target, raw);
      else if (queued.length < 5) queued.push(raw);
    },
    attach(t) {
      target = t;
      for (const raw of queued.splice(0)) handle(t, raw);
    },
  };
}

/** The one queue of the process: index.ts feeds it before the desktop app attaches. */
export const launchLinks = createLaunchLinks();

/** Before `ready`, in the first instance: where the OS's certdesk: links come in. */
export function registerLinkScheme(app: Pick<App, 'on' | 'isPackaged' | 'setAsDefaultProtocolClient'>, platform: NodeJS.Platform, execPath: string, links: Pick<LaunchLinks, 'receive'>): void {
  // macOS hands a link over by this event, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    links.receive(url);
  });
  // Windows and macOS learn the scheme from the installed app itself; Linux from the .desktop
  // file's MimeType (electron-builder.yml). Not in development: it would register the bare
  // Electron binary. `--` before the link: nothing in a link can ever be read as a Chromium
  // switch (CVE-2018-1000006's class). Reviewed: a link only reaches launch-link's strict
  // parser and then the window's confirmation, never an action. eng-disable reason: that review.
  if (app.isPackaged && platform !== 'linux') app.setAsDefaultProtocolClient(LINK_SCHEME, execPath, ['--']); // eng-disable PROTOCOL_HANDLER_JS_CHECK
}

