// EST over Chromium's network stack, for the app: the OS certificate store lends the client
// key (non-exportable keys, the keychain, NSS), the OS proxy settings apply. A thin adapter
// from Electron's `net.request` to the core's EstTransport; the EST rules live in core/est.
//
// Trust: Chromium verifies the server (OS roots, host name, revocation, CT). This file never
// accepts what Chromium rejected: `pinningVerifyProc` can only add a failure (the chain must
// also contain a pinned anchor), never turn a failure into success.
import { createHash, X509Certificate } from 'node:crypto';
import type { Certificate, ClientRequestConstructorOptions, Net, Request as VerifyRequest, Session } from 'electron';
import { CoreError, createBodyCollector, type EstRequest, type EstResponse, type EstTransport } from '../core/compose/transport';
import { asksDialog, type ProxyAuthBroker, type ProxyChallenge } from './proxy-auth';
import type { NetErrorCode, ReasonOf } from '../../shared/contract';

/** EST answers are a few kilobytes; anything this large is not an EST answer. */

export interface NetTransportOptions {
  net: Pick<Net, 'request'>;
  session: Session;
  requestTimeoutMs: number;
  /** CertDesk's dialog for a proxy's Basic/Digest challenge; without it every proxy challenge is declined. */
  proxyAuth?: ProxyAuthBroker;
}

export function createNetTransport(opts: NetTransportOptions): EstTransport {
  if (!(opts.requestTimeoutMs > 0)) {
    throw new CoreError('INVALID_INPUT', 'The request timeout must be a positive number of milliseconds. Fix it in the policy.', { reason: 'TIMEOUTS' });
  }
  const inflight = new Set<() => void>();
  return {
    send: (req) => send(opts, req, inflight),
    close() {
      for (const abort of [...inflight]) abort();
    },
  };
}

function send(opts: NetTransportOptions, req: EstRequest, inflight: Set<() => void>): Promise<EstResponse> {
  return new Promise<EstResponse>((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new CoreError('INVALID_INPUT', `"${req.url}" is not a URL. Check the endpoint in the policy.`, { reason: 'ENDPOINT_URL' }));
      return;
    }
    if (url.protocol !== 'https:') {
      reject(new CoreError('INVALID_INPUT', `The endpoint ${url.origin} is not https: the bank's endpoint must use HTTPS. Fix the endpoint in the policy.`, { reason: 'NOT_HTTPS' }));
      return;
    }
    if (req.signal?.aborted) {
      reject(cancelled());
      return;
    }
    const options: ClientRequestConstructorOptions = {
      method: req.method,
      url: url.href,
      session: opts.session,
      // No cookies, no cached credentials, no redirects, no HTTP cache: each EST exchange stands alone.
      credentials: 'omit',
      useSessionCookies: false,
      redirect: 'error',
      cache: 'no-store',
    };
    const r = opts.net.request(options);
    let settled = false;
    const finish = (err: CoreError | null, value?: EstResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inflight.delete(abort);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) {
        r.abort();
        reject(err);
      } else resolve(value!);
    };
    const abort = () => finish(cancelled());
    const onAbort = () => finish(cancelled());
    const startTimer = () => setTimeout(
      () => finish(new CoreError('NETWORK', `The bank did not answer within ${Math.round(opts.requestTimeoutMs / 1000)} s (${url.host}). Check the network connection and proxy settings, then try again.`, { reason: 'TIMEOUT' })),
      opts.requestTimeoutMs,
    );
    let timer = startTimer();
    let proxyAttempts = 0;
    // The proxy challenge this request could not answer: its failure is the proxy's sign-in.
    let declined: ProxyChallenge | null = null;
    inflight.add(abort);
    req.signal?.addEventListener('abort', onAbort, { once: true });

    // The bank's credentials go only in the Authorization header the EST client sets after
    // a 401: a server's challenge is always declined. A proxy's Basic/Digest challenge gets
    // CertDesk's dialog; NTLM/Negotiate reach this event only after Chromium's own sign-in
    // with the Windows logon failed, and are declined (no dialog).
    r.on('login', (authInfo: ProxyChallenge, callback: (username?: string, password?: string) => void) => {
      if (!authInfo.isProxy || !opts.proxyAuth || !asksDialog(authInfo)) {
        if (authInfo.isProxy) declined = authInfo;
        callback();
        return;
      }
      proxyAttempts += 1;
      // The user is typing: the bank's timeout waits.
      clearTimeout(timer);
      const answer = (creds: { username: string; password: string } | null) => {
        if (settled) return;
        timer = startTimer();
        if (creds) callback(creds.username, creds.password);
        else {
          declined = authInfo;
          callback();
        }
      };
      opts.proxyAuth.credentialsFor(authInfo, proxyAttempts).then(answer, () => answer(null));
    });
    r.on('redirect', () => finish(new CoreError('BAD_RESPONSE', `The bank's endpoint redirected the request, which EST does not do. Check the endpoint in the policy.`, { reason: 'UNEXPECTED_REDIRECT' })));
    r.on('error', (err: Error) => finish(declined && /net::ERR_(TUNNEL_CONNECTION_FAILED|PROXY_AUTH_)/.test(err.message) ? proxyAuthError(declined, Boolean(opts.proxyAuth)) : mapNetError(err, url.host)));
    r.on('response', (res) => {
      if (res.statusCode === 407) {
        finish(proxyAuthError(declined, Boolean(opts.proxyAuth)));
        return;
      }
      const body = createBodyCollector();
      res.on('data', (c: Buffer) => {
        const tooLarge = body.add(c);
        if (tooLarge) finish(tooLarge);
      });
      res.on('aborted', () => finish(mapNetError(new Error('net::ERR_CONNECTION_RESET'), url.host)));
      res.on('error', (err: Error) => finish(mapNetError(err, url.host)));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
        finish(null, { status: res.statusCode, headers, body: body.bytes() });
      });
    });
    for (const [name, value] of Object.entries(req.headers)) r.setHeader(name, value);
    if (req.body) r.write(Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength));
    r.end();
  });
}

/** `dialog`: the window could ask (the desktop app); without one (headless) the advice differs. */
function proxyAuthError(challenge: ProxyChallenge | null, dialog: boolean): CoreError {
  const proxy = challenge ? `${challenge.host}:${challenge.port}` : 'the proxy';
  const integrated = challenge !== null && !asksDialog(challenge);
  const todo = integrated
    ? "Windows' own sign-in (NTLM/Negotiate) was not accepted: ask your network administrator to allow this PC's user through the proxy."
    : dialog
      ? "Try again and enter the proxy's user name and password, or ask your network administrator."
      : "Start the CertDesk app (it asks for them), or ask your network administrator.";
  return new CoreError(
    'PROXY_AUTH_REQUIRED',
    `The proxy ${proxy} wants a user name and password${challenge ? ` (${challenge.scheme})` : ''} and the sign-in was cancelled or refused; the bank was not reached. ${todo}`,
    { reason: 'PROXY_AUTH', ...(challenge ? { proxy, scheme: challenge.scheme } : {}) },
  );
}

function cancelled(): CoreError {
  return new CoreError('CANCELLED', 'The request to the bank was cancelled.');
}

const CHECK_NETWORK = 'Check the network connection and proxy settings, then try again.';
const NETWORK: Record<string, ReasonOf<'NETWORK'>> = {
  ERR_NAME_NOT_RESOLVED: 'DNS', ERR_NAME_RESOLUTION_FAILED: 'DNS',
  ERR_CONNECTION_REFUSED: 'REFUSED',
  ERR_CONNECTION_RESET: 'RESET', ERR_CONNECTION_CLOSED: 'RESET', ERR_CONNECTION_ABORTED: 'RESET', ERR_EMPTY_RESPONSE: 'RESET', ERR_CONNECTION_FAILED: 'RESET',
  ERR_CONNECTION_TIMED_OUT: 'CONNECT_TIMEOUT', ERR_TIMED_OUT: 'TIMEOUT',
  ERR_ADDRESS_UNREACHABLE: 'UNREACHABLE', ERR_INTERNET_DISCONNECTED: 'UNREACHABLE', ERR_NETWORK_CHANGED: 'UNREACHABLE', ERR_NETWORK_ACCESS_DENIED: 'UNREACHABLE',
};
// The proxy's failures: blamed on the proxy, never on the bank.
const PROXY: Record<string, ReasonOf<'PROXY_FAILED'>> = {
  ERR_PROXY_CONNECTION_FAILED: 'REFUSED', ERR_TUNNEL_CONNECTION_FAILED: 'CONNECT_REFUSED', ERR_PROXY_CERTIFICATE_INVALID: 'PROXY_TLS',
  ERR_MANDATORY_PROXY_CONFIGURATION_FAILED: 'PAC', ERR_PAC_SCRIPT_FAILED: 'PAC', ERR_PAC_NOT_IN_DHCP: 'PAC',
};
const PROXY_AUTH = new Set(['ERR_PROXY_AUTH_REQUESTED', 'ERR_PROXY_AUTH_UNSUPPORTED', 'ERR_PROXY_AUTH_REQUESTED_WITH_NO_CONNECTION']);
const CLIENT_CERT = new Set([
  'ERR_BAD_SSL_CLIENT_AUTH_CERT', 'ERR_SSL_CLIENT_AUTH_CERT_NEEDED', 'ERR_SSL_CLIENT_AUTH_SIGNATURE_FAILED', 'ERR_SSL_CLIENT_AUTH_NO_COMMON_ALGORITHMS',
  'ERR_SSL_CLIENT_AUTH_PRIVATE_KEY_ACCESS_DENIED', 'ERR_SSL_CLIENT_AUTH_CERT_NO_PRIVATE_KEY', 'ERR_SSL_CLIENT_AUTH_CERT_BAD_FORMAT',
]);

/** Chromium's `net::ERR_*` errors as contract errors. */
export function mapNetError(err: Error, host: string): CoreError {
  const code = /net::(ERR_[A-Z0-9_]+)/.exec(err.message)?.[1] ?? '';
  if (code === 'ERR_CERT_COMMON_NAME_INVALID') {
    return new CoreError('TLS_UNTRUSTED', `The server's certificate is not for ${host}: this is not the bank's server. Check the endpoint in the policy; do not continue on this network.`, { reason: 'HOSTNAME', tls: code }, { cause: err });
  }
  if (code === 'ERR_CERT_DATE_INVALID') {
    return new CoreError('TLS_UNTRUSTED', `The server's certificate at ${host} is expired or not yet valid. Check this PC's clock; if it is right, contact the bank.`, { reason: 'SERVER_CERT_DATES', tls: code }, { cause: err });
  }
  if (code.startsWith('ERR_CERT_') || code === 'ERR_INSECURE_RESPONSE' || code === 'ERR_SSL_PINNED_KEY_NOT_IN_CERT_CHAIN') {
    return new CoreError('TLS_UNTRUSTED', `The server at ${host} does not present a certificate from the bank's trust anchor (${code}). Check the policy's trust anchor and any network device that intercepts HTTPS.`, { reason: 'ANCHOR', tls: code }, { cause: err });
  }
  if (CLIENT_CERT.has(code)) {
    return new CoreError('CLIENT_CERT_REJECTED', `The current certificate could not be used for the secure connection (${code}). Check that it and its private key are installed; if it has expired, obtain a new one (取得).`, { reason: code as NetErrorCode /* ERR_…, as the pattern above read it */ }, { cause: err });
  }
  if (code.startsWith('ERR_SSL_')) {
    return new CoreError('TLS_UNTRUSTED', `The secure connection to ${host} failed (${code}). Check the endpoint in the policy and any network device that intercepts HTTPS.`, { reason: 'HANDSHAKE', tls: code }, { cause: err });
  }
  if (PROXY_AUTH.has(code)) {
    return new CoreError('PROXY_AUTH_REQUIRED', `The proxy wants a sign-in CertDesk could not give (${code}); the bank was not reached. Ask your network administrator.`, { reason: 'PROXY_AUTH', net: code }, { cause: err });
  }
  const proxyReason = PROXY[code];
  if (proxyReason) {
    return new CoreError('PROXY_FAILED', `The proxy failed (${code}); the bank ${host} was not contacted. Check the proxy settings (or the PAC file), or ask your network administrator.`, { reason: proxyReason, net: code }, { cause: err });
  }
  const reason = NETWORK[code];
  if (reason) return new CoreError('NETWORK', `The request to the bank failed (${host}: ${code}). ${CHECK_NETWORK}`, { reason, net: code }, { cause: err });
  if (/redirect/i.test(err.message)) {
    return new CoreError('BAD_RESPONSE', `The bank's endpoint redirected the request, which EST does not do. Check the endpoint in the policy.`, { reason: 'UNEXPECTED_REDIRECT' }, { cause: err });
  }
  return new CoreError('NETWORK', `The request to the bank failed (${host}: ${code || err.message}). ${CHECK_NETWORK}`, { reason: 'OTHER', net: code }, { cause: err });
}

const derOf = (cert: Certificate): Buffer | null => {
  try {
    return new X509Certificate(cert.data).raw;
  } catch {
    return null;
  }
};

/**
 * For `session.setCertificateVerifyProc`: for the bank's hosts, Chromium's verdict stands only
 * when the verified chain also contains a pinned anchor; otherwise the connection fails.
 * Never answers 0 (accept), so it can never accept what Chromium refused.
 */
export function pinningVerifyProc(opts: { hosts: string[]; anchorsDer: Uint8Array[] }) {
  const hosts = new Set(opts.hosts.map((h) => h.toLowerCase()));
  const anchors = opts.anchorsDer.map((a) => Buffer.from(a));
  return (request: VerifyRequest, callback: (verificationResult: number) => void): void => {
    const USE_CHROMIUM = -3;
    const FAIL = -2;
    if (request.errorCode !== 0 || !hosts.has(request.hostname.toLowerCase())) return callback(USE_CHROMIUM);
    const seen = new Set<Certificate>();
    for (let c: Certificate | undefined = request.validatedCertificate; c && !seen.has(c); c = c.issuerCert) {
      seen.add(c);
      const der = derOf(c);
      if (der && anchors.some((a) => a.equals(der))) return callback(USE_CHROMIUM);
    }
    callback(FAIL);
  };
}

/** For `select-client-certificate`: the certificate whose SHA-256 fingerprint (hex of DER) is `fingerprint`. */
export function pickClientCertificate(list: Certificate[], fingerprint: string): Certificate | undefined {
  const want = fingerprint.replace(/:/g, '').toLowerCase();
  return list.find((c) => {
    const der = derOf(c);
    return der !== null && createHash('sha256').update(der).digest('hex') === want;
  });
}
