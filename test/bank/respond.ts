// The bank's answers, shaped as a strict EST server's: exact Content-Type and Content-Length,
// base64 bodies with Content-Transfer-Encoding, no caching, and a Date from the bank's own
// clock (`now`), never the process's.
import type { ServerResponse } from 'node:http';
import { base64Body } from './der';
import type { Ctx, Refusal } from './request';

function headers(now: Date, extra: Record<string, string>, length: number): Record<string, string> {
  return { Date: now.toUTCString(), 'Cache-Control': 'no-store', 'Content-Length': String(length), ...extra };
}

export function sendEst(res: ServerResponse, now: Date, status: number, contentType: string, der: Uint8Array): void {
  const body = base64Body(der);
  res.sendDate = false;
  res.writeHead(status, headers(now, { 'Content-Type': contentType, 'Content-Transfer-Encoding': 'base64' }, body.length));
  res.end(body);
}

export function sendJson(res: ServerResponse, now: Date, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.sendDate = false;
  res.writeHead(status, headers(now, { 'Content-Type': 'application/json', ...extra }, body.length));
  res.end(body);
}

export function refuse(res: ServerResponse, now: Date, r: Refusal, ctx: Ctx): void {
  ctx.reason = r.reason;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (r.plain) {
    const body = Buffer.from(`${r.message}\n`, 'utf8');
    res.sendDate = false;
    res.writeHead(r.status, headers(now, { 'Content-Type': 'text/plain', ...r.headers }, body.length));
    res.end(body);
    return;
  }
  sendJson(res, now, r.status, { reason: r.reason, message: r.message, ...r.extra }, r.headers);
}
