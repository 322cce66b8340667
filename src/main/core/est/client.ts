// RFC 7030 operations on top of a transport: what to send, when to send credentials, how to
// wait through "pending", and which answers to believe.
import { CoreError } from '../errors';
import { parseCertsOnly, screenCaCertificates } from '../pki';
import { fromBase64Body, mediaType, toBase64Lines } from './encoding';
import { statusError } from './status-errors';
import type { EstRequest, EstResponse, EstTransport } from './types';

export interface EstClientOptions {
  baseUrl: string;
  transport: EstTransport;
  anchorsDer: Uint8Array[];
  pendingMaxAttempts: number;
  /** Each wait for a 202: its number, when the next try is, and how long until then. */
  onPending?: (p: { attempt: number; retryAt: Date; waitMs: number }) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock the pending deadline is kept by (tests drive it with their sleep). */
  now?: () => number;
  /** Overrides of the pending limits below (tests; no policy field sets them). */
  pending?: { minDelayMs?: number; deadlineMs?: number };
}

/** A Retry-After longer than this is the bank's mistake, not a reason to hang for a day. */
export const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;
/** RFC 7030 requires Retry-After with 202; when it is missing, wait this long. */
export const DEFAULT_RETRY_AFTER_MS = 10 * 1000;
/** `Retry-After: 0` (or 1) would resend as fast as the bank answers: never sooner than this. */
export const MIN_PENDING_DELAY_MS = 5 * 1000;
/**
 * All the waiting for one request, however many 202s and whatever pendingMaxAttempts says:
 * the renewal lock is held meanwhile. A wait that would end later is not started; the user
 * is told to try again then (the request is kept and resent, RFC 7030 §4.2.3).
 */
export const PENDING_DEADLINE_MS = 30 * 60 * 1000;

const PKCS7 = 'application/pkcs7-mime';
/**
 * What servers label a certs-only answer with: RFC 7030's type, and the pre-RFC 5751 x- and
 * -certificates names that older EST front-ends still send (the body is checked as CMS anyway).
 */
const PKCS7_TYPES = new Set([PKCS7, 'application/x-pkcs7-mime', 'application/pkcs7-certificates', 'application/x-pkcs7-certificates']);
/** A Basic challenge among any others, in one header or several joined by commas (RFC 9110 §11.6.1). */
const BASIC_CHALLENGE = /(^|[\s,])basic(?=[\s,]|$)/i;

export class EstClient {
  private readonly base: string;
  private readonly opts: EstClientOptions;

  constructor(opts: EstClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new CoreError('INVALID_INPUT', `The EST endpoint "${opts.baseUrl}" is not a URL. Fix the endpoint in the policy.`, { reason: 'ENDPOINT_URL' });
    }
    // Credentials and keys only ever travel over TLS verified against the anchor.
    if (url.protocol !== 'https:') {
      throw new CoreError('INVALID_INPUT', `The EST endpoint ${url.origin} is not https. Fix the endpoint in the policy.`, { reason: 'NOT_HTTPS' });
    }
    if (opts.anchorsDer.length === 0) {
      throw new CoreError('INVALID_INPUT', 'No pinned trust anchor: put the bank root certificate in the policy.', { reason: 'NO_ANCHOR' });
    }
    if (!Number.isInteger(opts.pendingMaxAttempts) || opts.pendingMaxAttempts < 0) {
      throw new CoreError('INVALID_INPUT', 'pendingMaxAttempts must be a whole number ≥ 0. Fix it in the policy.', { reason: 'PENDING_MAX_ATTEMPTS' });
    }
    this.base = url.href.replace(/\/+$/, '');
    this.opts = opts;
  }

  /**
   * The bank CA certificates, accepted only when each is a CA that chains to a pinned anchor:
   * CertDesk stores them, so a bad list fails here, before the bank is asked to issue.
   */
  async cacerts(signal?: AbortSignal): Promise<{ certificates: Uint8Array[]; serverDate?: Date }> {
    const res = await this.exchange({ method: 'GET', url: `${this.base}/cacerts`, headers: { Accept: PKCS7 }, signal }, 'cacerts');
    if (res.status !== 200) throw statusError(res, 'cacerts');
    const certificates = certsFrom(res, 'cacerts');
    const { refused } = await screenCaCertificates(certificates, this.opts.anchorsDer);
    const bad = refused[0];
    if (bad) {
      const why = typeof bad.error.detail?.reason === 'string' ? bad.error.detail.reason : 'UNTRUSTED_CHAIN';
      if (why === 'NOT_A_CA' || why === 'CA_NOT_KEYCERTSIGN') {
        throw new CoreError(
          'BAD_RESPONSE',
          `The bank's server answered an unusable CA list: ${bad.error.message} Nothing was sent to the bank and your current certificate is unchanged. Try again later; if this persists, tell the bank's helpdesk that its cacerts answer holds a certificate that is not a CA.`,
          { reason: 'CACERTS_NOT_CA', chain: why, certificate: bad.error.message },
          { cause: bad.error },
        );
      }
      throw new CoreError('TLS_UNTRUSTED', 'The CA certificates the server sent do not chain to the pinned trust anchor: this may not be the bank. Check the policy\'s trust anchor and endpoint.', { reason: 'CACERTS_NOT_ANCHORED', chain: why }, { cause: bad.error });
    }
    const date = res.headers['date'] ? new Date(res.headers['date']) : undefined;
    return date && !Number.isNaN(date.getTime()) ? { certificates, serverDate: date } : { certificates };
  }

  /** The bank's CSR attributes (DER), or null when it has none. */
  async csrattrs(signal?: AbortSignal): Promise<Uint8Array | null> {
    const res = await this.exchange({ method: 'GET', url: `${this.base}/csrattrs`, headers: { Accept: 'application/csrattrs' }, signal }, 'csrattrs');
    // No attributes (204, 404), or no /csrattrs at all (501): nothing is asked of the request.
    if (res.status === 204 || res.status === 404 || res.status === 501) return null;
    if (res.status !== 200) throw statusError(res, 'csrattrs');
    if (res.body.byteLength === 0) return null;
    if (mediaType(res.headers['content-type']) !== 'application/csrattrs') throw wrongType('csrattrs', res);
    // Some servers send the DER itself, without the base64 RFC 7030 asks for.
    const der = res.body[0] === 0x30 && res.body.some((b) => b < 0x09 || b > 0x7e) ? res.body : fromBase64Body(res.body, 'csrattrs');
    if (der[0] !== 0x30) {
      throw new CoreError('BAD_RESPONSE', 'The bank\'s csrattrs answer is not a DER SEQUENCE. Send the diagnostics to the helpdesk.', { reason: 'BAD_CSRATTRS' });
    }
    return der;
  }

  /** 取得: HTTP Basic with login ID and password, sent only after the server's 401 challenge. */
  async simpleenroll(csrDer: Uint8Array, credentials: { loginId: string; password: string }, signal?: AbortSignal): Promise<Uint8Array[]> {
    const auth = basic(credentials);
    const req = enrollRequest(`${this.base}/simpleenroll`, csrDer, signal);
    let res = await this.pendingLoop(req, 'simpleenroll');
    // A bank that takes only a certificate for 取得 never asks for the password: none is sent.
    if (res.status === 403 && /^CLIENT_CERTIFICATE_REQUIRED$/i.test(reasonOf(res) ?? '')) {
      throw new CoreError(
        'AUTH_FAILED',
        'The bank accepts 取得 only with a client certificate it issued, not with a login ID and password, so CertDesk cannot obtain a certificate from it this way. Contact the bank.',
        { reason: 'CLIENT_CERT_ONLY' },
      );
    }
    if (res.status === 401) {
      if (!BASIC_CHALLENGE.test(res.headers['www-authenticate'] ?? '')) {
        throw new CoreError('AUTH_FAILED', 'The bank did not offer login ID and password authentication for this request. Contact the bank.', { reason: 'NO_BASIC_CHALLENGE' });
      }
      res = await this.pendingLoop({ ...req, headers: { ...req.headers, Authorization: auth } }, 'simpleenroll');
      if (res.status === 401) {
        throw new CoreError('AUTH_FAILED', 'The bank rejected the login ID or password. Check them and try again; after repeated failures the bank may lock the account.', { reason: 'REJECTED' });
      }
    }
    return this.enrolled(res, 'simpleenroll');
  }

  /** 更新: authenticated by the current certificate in the TLS handshake (the transport's identity). */
  async simplereenroll(csrDer: Uint8Array, signal?: AbortSignal): Promise<Uint8Array[]> {
    const res = await this.pendingLoop(enrollRequest(`${this.base}/simplereenroll`, csrDer, signal), 'simplereenroll');
    if (res.status === 401) {
      throw new CoreError('CLIENT_CERT_REJECTED', 'The bank did not accept the current certificate for renewal. If it has expired, obtain a new one (取得) with your login ID and password.', { reason: 'HTTP_401' });
    }
    return this.enrolled(res, 'simplereenroll');
  }

  private enrolled(res: EstResponse, op: string): Uint8Array[] {
    if (res.status !== 200) throw statusError(res, op);
    return certsFrom(res, op);
  }

  /**
   * Sends, and while the bank answers 202, waits Retry-After (at least MIN_PENDING_DELAY_MS,
   * at most MAX_RETRY_AFTER_MS) and resends the identical request, until pendingMaxAttempts
   * waits or PENDING_DEADLINE_MS of waiting, whichever comes first.
   */
  private async pendingLoop(req: EstRequest, op: string): Promise<EstResponse> {
    const now = this.opts.now ?? Date.now;
    const minDelay = this.opts.pending?.minDelayMs ?? MIN_PENDING_DELAY_MS;
    const deadlineMs = this.opts.pending?.deadlineMs ?? PENDING_DEADLINE_MS;
    let deadline: number | null = null;
    for (let attempt = 1; ; attempt++) {
      const res = await this.exchange(req, op);
      if (res.status !== 202) return res;
      deadline ??= now() + deadlineMs;
      if (attempt > this.opts.pendingMaxAttempts) {
        throw new CoreError('PENDING_TIMEOUT', `The bank is still processing the request after ${this.opts.pendingMaxAttempts} waits. Try again later; the request will be resumed.`, { attempts: attempt, reason: 'MAX_ATTEMPTS' });
      }
      const ms = Math.max(retryAfterMs(res, now()), minDelay);
      const retryAt = now() + ms;
      if (retryAt > deadline) {
        const minutes = Math.ceil(ms / 60_000);
        throw new CoreError(
          'PENDING_TIMEOUT',
          `The bank is still processing the request and asks to wait ${minutes} more minute(s), beyond the ${Math.round(deadlineMs / 60_000)} minutes CertDesk waits in all. Try again later; the request will be resumed.`,
          { attempts: attempt, reason: 'DEADLINE', waitSeconds: Math.ceil(ms / 1000) },
        );
      }
      this.opts.onPending?.({ attempt, retryAt: new Date(retryAt), waitMs: ms });
      await (this.opts.sleep ?? abortableSleep)(ms, req.signal);
      if (req.signal?.aborted) throw cancelled();
    }
  }

  private async exchange(req: EstRequest, op: string): Promise<EstResponse> {
    if (req.signal?.aborted) throw cancelled();
    try {
      return await this.opts.transport.send(req);
    } catch (err) {
      // An enrolment cancelled on the wire may have reached the bank, which may have issued:
      // the caller must keep the request to resend it, not roll back.
      if (err instanceof CoreError && err.code === 'CANCELLED' && req.method === 'POST') {
        throw new CoreError('CANCELLED', 'The request to the bank was cancelled while the bank was answering. The bank may have issued the certificate: CertDesk sends the same request again at the next start to collect it.', { reason: 'IN_FLIGHT' }, { cause: err });
      }
      if (err instanceof CoreError) throw err;
      throw new CoreError('INTERNAL', `The ${op} request failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
    }
  }
}

function enrollRequest(url: string, csrDer: Uint8Array, signal?: AbortSignal): EstRequest {
  if (!(csrDer instanceof Uint8Array) || csrDer.byteLength < 2 || csrDer[0] !== 0x30) {
    throw new CoreError('INVALID_INPUT', 'The certificate request is not DER (PKCS#10). This is a bug: send the diagnostics to the helpdesk.', { reason: 'BAD_CSR' });
  }
  const headers = { 'Content-Type': 'application/pkcs10', 'Content-Transfer-Encoding': 'base64', Accept: PKCS7 };
  const req: EstRequest = { method: 'POST', url, headers, body: new TextEncoder().encode(toBase64Lines(csrDer)) };
  if (signal) req.signal = signal;
  return req;
}

/** The `reason` of a JSON error body, if any. */
function reasonOf(res: EstResponse): string | undefined {
  try {
    const v = JSON.parse(Buffer.from(res.body).toString('utf8')) as { reason?: unknown };
    return typeof v?.reason === 'string' ? v.reason : undefined;
  } catch {
    return undefined;
  }
}

function basic(c: { loginId: string; password: string }): string {
  // RFC 7617: the user-id cannot contain a colon; control characters would break the header.
  if (!c.loginId || c.loginId.includes(':') || hasControl(c.loginId + c.password)) {
    throw new CoreError('INVALID_INPUT', 'The login ID is empty or contains characters that cannot be sent (such as ":"). Check the login ID.', { reason: 'LOGIN_ID' });
  }
  return `Basic ${Buffer.from(`${c.loginId}:${c.password}`, 'utf8').toString('base64')}`;
}

function hasControl(s: string): boolean {
  for (const ch of s) {
    const n = ch.codePointAt(0)!;
    if (n < 0x20 || n === 0x7f) return true;
  }
  return false;
}

function certsFrom(res: EstResponse, op: string): Uint8Array[] {
  if (!PKCS7_TYPES.has(mediaType(res.headers['content-type']))) throw wrongType(op, res);
  try {
    return parseCertsOnly(res.body);
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw new CoreError('BAD_RESPONSE', `The bank's ${op} answer could not be read as certificates. Send the diagnostics to the helpdesk.`, { reason: 'BAD_CMS' }, { cause: err });
  }
}

function wrongType(op: string, res: EstResponse): CoreError {
  return new CoreError('BAD_RESPONSE', `The bank answered ${op} with Content-Type "${res.headers['content-type'] ?? ''}", not an EST answer. Check the endpoint in the policy.`, { reason: 'WRONG_CONTENT_TYPE' });
}

/**
 * Retry-After as delay-seconds or an HTTP date (relative to the bank's Date when it sent one,
 * so a PC clock that is off does not matter), capped at MAX_RETRY_AFTER_MS; the floor is the caller's.
 */
export function retryAfterMs(res: EstResponse, nowMs: number = Date.now()): number {
  const v = (res.headers['retry-after'] ?? '').trim();
  let ms: number;
  // Digits only; a huge number is just long (capped below), never NaN or Infinity.
  if (/^\d+$/.test(v)) ms = v.length > 9 ? MAX_RETRY_AFTER_MS : Number(v) * 1000;
  else {
    const at = /[a-z]/i.test(v) ? Date.parse(v) : NaN;
    const ref = res.headers['date'] ? Date.parse(res.headers['date']) : NaN;
    ms = Number.isNaN(at) ? DEFAULT_RETRY_AFTER_MS : at - (Number.isNaN(ref) ? nowMs : ref);
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function cancelled(): CoreError {
  return new CoreError('CANCELLED', 'The request to the bank was cancelled.');
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(t);
      reject(cancelled());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
