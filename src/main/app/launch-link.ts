// The certdesk: links a bank's page may open (its 「証明書発行アプリの起動」 button), read
// strictly: exactly these three, nothing else, and never an action by itself — the window
// asks the user first. Documented in docs/it-guide.md.
//   certdesk://open                      the home screen
//   certdesk://renew                     start the renewal (after the user confirms)
//   certdesk://acquire[?loginId=ID]      start 取得, the login ID filled in (after the user confirms)
import { validateLoginId, type LaunchRequest } from '../../shared/contract';

export const LINK_SCHEME = 'certdesk';

/** Anything longer is not one of the links above. */
const MAX_LINK = 200;

export type LinkVerdict = { ok: true; request: LaunchRequest } | { ok: false; reason: string };

const refuse = (reason: string): LinkVerdict => ({ ok: false, reason });

export function parseLaunchLink(raw: string): LinkVerdict {
  if (raw.length > MAX_LINK) return refuse('TOO_LONG');
  // Only printable ASCII: a link from a web page is percent-encoded; anything else is not ours.
  if (!/^[\x21-\x7e]+$/.test(raw)) return refuse('CHARACTERS');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('NOT_A_URL');
  }
  if (url.protocol !== `${LINK_SCHEME}:`) return refuse('SCHEME');
  if (url.username || url.password || url.port || url.hash) return refuse('PARTS');
  // certdesk://renew and certdesk://renew/ alike; certdesk:renew (no //) is not a form we document.
  if (!raw.toLowerCase().startsWith(`${LINK_SCHEME}://`)) return refuse('FORM');
  const path = url.pathname === '/' ? '' : url.pathname;
  if (path) return refuse('PATH');
  const action = url.hostname.toLowerCase();
  const params = [...url.searchParams.entries()];
  switch (action) {
    case 'open':
    case 'renew':
      return url.search ? refuse('QUERY') : { ok: true, request: { action } };
    case 'acquire': {
      if (params.length === 0) return url.search && url.search !== '?' ? refuse('QUERY') : { ok: true, request: { action } };
      if (params.length !== 1 || params[0]![0] !== 'loginId') return refuse('QUERY');
      const loginId = params[0]![1];
      if (validateLoginId(loginId)) return refuse('LOGIN_ID');
      return { ok: true, request: { action, loginId } };
    }
    default:
      return refuse('ACTION');
  }
}

/** The certdesk: link among a process's arguments (Windows and Linux pass it as one; macOS sends open-url instead). */
export function linkInArgs(argv: readonly string[]): string | null {
  return argv.find((a) => a.toLowerCase().startsWith(`${LINK_SCHEME}:`)) ?? null;
}
