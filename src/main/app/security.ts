// The security rules of the app, as data and small functions that tests can check one
// by one: the content security policy, which navigations,
// windows, permissions and external links are allowed (none, except the bank's site).
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron';

/** The renderer is served from app://certdesk/ (a privileged, secure, standard scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'certdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Sent as a header with every app:// response (the page's meta tag repeats it). No inline
 * script, no eval, no remote origin: the renderer talks to nothing but the preload.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of every app:// response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Whether a URL is one of the app's own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * No navigation, no new window, no <webview>, for every web contents the app ever
 * creates. The renderer is one page: links to the bank go through `openBankSite`.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Every permission (camera, notifications from the page, geolocation, HID, …) is refused. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
}

/**
 * IPC is answered only for the main window's main frame showing an app:// page: not a
 * subframe, not another window, not a page that somehow navigated elsewhere.
 */
export function createSenderCheck(getMainContents: () => WebContents | null): (event: IpcMainInvokeEvent) => boolean {
  return (event) => {
    const main = getMainContents();
    if (!main || main.isDestroyed() || event.sender !== main) return false;
    const frame = event.senderFrame;
    if (!frame || frame !== main.mainFrame) return false;
    return isAppUrl(frame.url);
  };
}

/** The https origin of a policy URL, or null (not a URL, not https, credentials in it). */
function httpsOrigin(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && !u.username && !u.password ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * The only origins `shell.openExternal` may open: those of the policy's bank pages
 * (bankSiteUrl, bankLoginUrl, newPcGuideUrl) and its helpdesk's URL, https only.
 * Returns the URL to open, or null when it is not on one of those https origins.
 */
export function allowedExternalUrl(url: string, policyUrls: string | undefined | ReadonlyArray<string | undefined>): string | null {
  const allowed = new Set((typeof policyUrls === 'string' || policyUrls === undefined ? [policyUrls] : policyUrls).map(httpsOrigin).filter((o) => o !== null));
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  if (target.protocol !== 'https:' || target.username || target.password) return null;
  return allowed.has(target.origin) ? target.href : null;
}
