// The certdesk: links a bank's page may open (its 「証明書発行アプリの起動」 button), read
// strictly: exactly these three, nothing else, and never an action by itself — the window
// asks the user first. Documented in docs/it-guide.md.
//   certdesk://open                      the home screen
//   certdesk://renew                     start the renewal (after the user confirms)
//   certdesk://acquire[?loginId=ID]      start 取得, the login ID filled in (after the user confirms)
import type { LaunchRequest } from '../../shared/contract';
import { validateLoginId } from '../../shared/validate';

export const LINK_SCHEME = 'certdesk';

/** Anything longer is not one of the links above. */
const MAX_LINK = 200;

export type LinkVerdict = { ok: true; request: LaunchRequest } | { ok: false; reason: string };

const refuse = (reason: string): LinkVerdict => ({ ok: false, reason });

/**
 * The raw text, against the exact forms (before any URL parser: WHATWG URL resolves `..`,
 * `%2e%2e` and would let `%6coginId` or `%61dmin` through decoded):
 *   link    = "certdesk://" action ["/"] ["?" [query]]       scheme and action in any letter case
 *   action  = "open" | "renew" | "acquire"
 *   query   = "loginId=" id                                  acquire only; the name exactly so
 *   id      = 1*( ALPHA | DIGIT | "." | "_" | "-" | "@" | "%40" )   decoded, 1–64 characters
 * No other percent-escape, path, port, user, fragment or parameter. Then WHATWG URL parses it
 * and must agree (a second opinion, not the judge).
 */
export function parseLaunchLink(raw: string): LinkVerdict {
  if (raw.length > MAX_LINK) return refuse('TOO_LONG');
  // Only printable ASCII: a link from a web page is percent-encoded; anything else is not ours.
  if (!/^[\x21-\x7e]+$/.test(raw)) return refuse('CHARACTERS');
  if (!raw.toLowerCase().startsWith(`${LINK_SCHEME}:`)) return refuse('SCHEME');
  // certdesk://renew and certdesk://renew/ alike; certdesk:renew (no //) is not a form we document.
  if (!raw.toLowerCase().startsWith(`${LINK_SCHEME}://`)) return refuse('FORM');
  const m = /^([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/.exec(raw.slice(LINK_SCHEME.length + 3))!;
  const [, authority = '', path = '', query, fragment] = m;
  if (fragment !== undefined || /[@:]/.test(authority)) return refuse('PARTS');
  const action = authority.toLowerCase();
  if (action !== 'open' && action !== 'renew' && action !== 'acquire') return refuse('ACTION');
  if (path !== '' && path !== '/') return refuse('PATH');
  let request: LaunchRequest = { action };
  if (query) {
    if (action !== 'acquire' || !query.startsWith('loginId=')) return refuse('QUERY');
    const id = query.slice('loginId='.length);
    if (/[&=;]/.test(id)) return refuse('QUERY');
    if (!/^(?:[A-Za-z0-9._@-]|%40)+$/.test(id)) return refuse('LOGIN_ID');
    const loginId = id.replace(/%40/g, '@');
    if (validateLoginId(loginId)) return refuse('LOGIN_ID');
    request = { action, loginId };
  }
  return agreesWithUrl(raw, request) ? { ok: true, request } : refuse('NOT_A_URL');
}

/** WHATWG URL's reading of an accepted link: the same scheme, action and login ID. */
function agreesWithUrl(raw: string, request: LaunchRequest): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== `${LINK_SCHEME}:` || url.hostname.toLowerCase() !== request.action) return false;
  if (url.username || url.password || url.port || url.hash || (url.pathname !== '' && url.pathname !== '/')) return false;
  const params = [...url.searchParams.entries()];
  if (request.action !== 'acquire' || request.loginId === undefined) return params.length === 0;
  return params.length === 1 && params[0]![0] === 'loginId' && params[0]![1] === request.loginId;
}
