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

/**
 * `--policy FILE` in the packaged app's headless mode (the `certdesk` command IT runs on
 * every OS). That option replaces every policy layer: endpoint, anchor, stores. So:
 * - a UNC or device path (`\\host\share\p.json`, `//host/…`, `\\?\…`) is always refused: merely
 *   opening it sends the user's NTLM credentials to that host;
 * - where the bank's built-in policy, IT's machine file or the registry is installed, any
 *   --policy is refused: that PC's policy is IT's, and who may write a file cannot be judged
 *   without a race (IT tries a policy on a PC without one, or as the machine file).
 * The command line under Node (tests, development) keeps --policy as it is.
 */
export async function policyOptionRefusal(args: readonly string[], installedLayers: () => Promise<string[]>): Promise<string | null> {
  const files: string[] = [];
  args.forEach((a, i) => {
    if (a === '--policy') files.push(args[i + 1] ?? '');
    else if (a.startsWith('--policy=')) files.push(a.slice('--policy='.length));
  });
  if (files.length === 0) return null;
  if (files.some((f) => /^[\\/]{2}/.test(f))) {
    return 'certdesk: --policy にネットワーク上のパス（\\\\server\\share…）は使えません。ポリシーファイルをこの PC に置いてください。 / --policy cannot name a network path (\\\\server\\share…): put the policy file on this PC.';
  }
  const installed = (await installedLayers()).filter((l) => l !== 'user');
  if (installed.length === 0) return null;
  return `certdesk: この PC には銀行または IT 部門のポリシー（${installed.join(', ')}）があるため、--policy は使えません。 / --policy is refused: this PC has the bank's or IT's policy (${installed.join(', ')}); change that policy instead.`;
}
