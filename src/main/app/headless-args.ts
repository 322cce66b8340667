// How the app was launched, read from its arguments before anything else happens: the
// headless command line for IT (`CertDesk --headless status|renew …`, src/main/cli.ts does
// the work, with Chromium's network stack so that keys the OS will not export still sign the
// TLS handshake; no window, no tray, no single-instance lock), the desktop app (maybe
// `--background`, from the login item), or a certdesk: link.
//
// A link's text is a web page's. Windows runs `"certdesk.exe" "--" "%1"`; a launcher that
// passes a `"` inside %1 through turns `certdesk://open" --headless renew --policy \\h\s\p.json`
// into separate arguments after `--`. So our own switches are read only before the first `--`
// (where a link can never be), and after `--` exactly one certdesk: argument is accepted;
// anything else there refuses the whole launch. Linux's .desktop entry passes the link
// alone, without `--` (`%U`): a certdesk: argument is then accepted only as the last one.

const LINK_PREFIX = 'certdesk:';
const isLink = (a: string) => a.toLowerCase().startsWith(LINK_PREFIX);

export type LaunchArgs =
  | { mode: 'headless'; args: string[] }
  | { mode: 'desktop'; background: boolean; link: string | null }
  /** Log it and open nothing: no window, no single-instance handoff. */
  | { mode: 'refused'; reason: 'AFTER_DASHDASH' | 'AFTER_LINK' | 'TWO_LINKS' };

/** argv as the process (or a second instance) received it; argv[0] is the executable. */
export function readLaunchArgs(argv: readonly string[]): LaunchArgs {
  const rest = argv.slice(1);
  const dd = rest.indexOf('--');
  const head = dd < 0 ? rest : rest.slice(0, dd);
  const tail = dd < 0 ? null : rest.slice(dd + 1);
  const firstLink = head.findIndex(isLink);
  const h = head.indexOf('--headless');
  // `certdesk --headless …` typed by IT (certdesk.cmd, bin/certdesk): what follows is the
  // command line's, `--` included. Never when a link came first (`certdesk://x --headless`).
  if (h >= 0 && (firstLink < 0 || firstLink > h)) {
    return { mode: 'headless', args: rest.slice(h + 1).filter((a) => !a.startsWith('--inspect') && !a.startsWith('--remote-debugging')) };
  }
  let link: string | null = null;
  let switches = head;
  if (tail) {
    if (tail.length !== 1 || !isLink(tail[0]!)) return { mode: 'refused', reason: 'AFTER_DASHDASH' };
    if (firstLink >= 0) return { mode: 'refused', reason: 'TWO_LINKS' };
    link = tail[0]!;
  } else if (firstLink >= 0) {
    if (firstLink !== head.length - 1) return { mode: 'refused', reason: 'AFTER_LINK' };
    link = head[firstLink]!;
    switches = head.slice(0, firstLink);
  }
  return { mode: 'desktop', background: switches.includes('--background'), link };
}

/** The arguments after `--headless`, or null when the app was not started headless. */
export function headlessArgs(argv: readonly string[]): string[] | null {
  const launch = readLaunchArgs(argv);
  return launch.mode === 'headless' ? launch.args : null;
}

/** The refused launch's log line: the reason and the count, never the arguments (a web page's text). */
export function refusedLaunchLine(launch: { reason: string }, argv: readonly string[]): string {
  return `certdesk: a launch was refused (${launch.reason}, ${argv.length - 1} arguments): after "--" only one certdesk: link is accepted; nothing was opened`;
}
