// The app:// scheme that serves the built renderer. A custom scheme instead of file://
// gives the page a real origin (so 'self' in the CSP means the app and nothing else on
// disk) and lets every response carry the security headers.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { APP_HOST, APP_SCHEME, SECURITY_HEADERS } from './security';

/** Registered before `app.ready`: standard + secure so the page is a secure context. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    bypassCSP: false,
    allowServiceWorkers: false,
    corsEnabled: false,
    stream: false,
    codeCache: true,
  },
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

function answer(status: number, body: Uint8Array | null, type?: string): Response {
  const headers = new Headers(SECURITY_HEADERS);
  if (type) headers.set('Content-Type', type);
  return new Response(body, { status, headers });
}

/**
 * Answers one app:// request from the renderer folder. Only GET, only host `certdesk`,
 * only files inside `root` (no `..`, no encoded separators), only known file types.
 */
export async function serveRenderer(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, null);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return answer(400, null);
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return answer(404, null);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return answer(400, null);
  }
  if (path === '/' || path === '') path = '/index.html';
  if (path.includes('\0') || path.includes('\\') || path.split('/').includes('..')) return answer(404, null);
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const file = normalize(join(base, path));
  if (!file.startsWith(base)) return answer(404, null);
  const type = TYPES[extname(file).toLowerCase()];
  if (!type) return answer(404, null);
  try {
    const body = await readFile(file);
    return answer(200, request.method === 'HEAD' ? null : new Uint8Array(body), type);
  } catch {
    return answer(404, null);
  }
}
