// Node's socket and TLS failures as contract errors. The code decides what the user is told:
// a server that is not the bank (TLS_UNTRUSTED) is a different story from a cable (NETWORK).
import { CoreError } from '../errors';
import type { NetErrorCode, ReasonOf } from '../../../shared/contract';

const UNTRUSTED_CHAIN = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED', 'INVALID_CA', 'PATH_LENGTH_EXCEEDED', 'INVALID_PURPOSE', 'CERT_REVOKED',
]);
const SERVER_CERT_DATES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
// Alerts the server sends when it refuses our certificate.
const CLIENT_CERT_ALERTS = [
  'ALERT_CERTIFICATE_REQUIRED', 'ALERT_BAD_CERTIFICATE', 'ALERT_CERTIFICATE_EXPIRED', 'ALERT_UNKNOWN_CA',
  'ALERT_CERTIFICATE_UNKNOWN', 'ALERT_CERTIFICATE_REVOKED', 'ALERT_UNSUPPORTED_CERTIFICATE', 'ALERT_ACCESS_DENIED',
  'ALERT_HANDSHAKE_FAILURE',
];

const NETWORK_REASONS: Record<string, { reason: ReasonOf<'NETWORK'>; text: string }> = {
  ENOTFOUND: { reason: 'DNS', text: 'The bank server name could not be resolved (DNS)' },
  EAI_AGAIN: { reason: 'DNS', text: 'The bank server name could not be resolved (DNS)' },
  ECONNREFUSED: { reason: 'REFUSED', text: 'The bank server refused the connection' },
  ECONNRESET: { reason: 'RESET', text: 'The connection to the bank was cut' },
  EPIPE: { reason: 'RESET', text: 'The connection to the bank was cut' },
  ECONNABORTED: { reason: 'RESET', text: 'The connection to the bank was cut' },
  EHOSTUNREACH: { reason: 'UNREACHABLE', text: 'The bank server cannot be reached' },
  ENETUNREACH: { reason: 'UNREACHABLE', text: 'The bank server cannot be reached' },
  ETIMEDOUT: { reason: 'TIMEOUT', text: 'The connection to the bank timed out' },
};

const CHECK_NETWORK = 'Check the network connection and proxy settings, then try again.';

export function networkError(reason: ReasonOf<'NETWORK'>, text: string, cause?: unknown, extra?: Record<string, string | number>): CoreError {
  return new CoreError('NETWORK', `${text}. ${CHECK_NETWORK}`, { reason, ...extra }, { cause });
}

function codeOf(err: unknown): string {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : '';
}

/** Any error from a Node request (socket, TLS, proxy) as a CoreError. */
export function mapNodeError(err: unknown, host: string): CoreError {
  if (err instanceof CoreError) return err;
  const code = codeOf(err);
  const msg = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new CoreError('TLS_UNTRUSTED', `The server's certificate is not for ${host}: this is not the bank's server. Check the endpoint in the policy; do not continue on this network.`, { reason: 'HOSTNAME', host }, { cause: err });
  }
  if (UNTRUSTED_CHAIN.has(code)) {
    return new CoreError('TLS_UNTRUSTED', `The server at ${host} does not present a certificate from the bank's pinned trust anchor (${code}). Check the policy's trust anchor and any network device that intercepts HTTPS.`, { reason: 'ANCHOR', tls: code }, { cause: err });
  }
  if (SERVER_CERT_DATES.has(code)) {
    return new CoreError('TLS_UNTRUSTED', `The server's certificate at ${host} is expired or not yet valid (${code}). Check this PC's clock; if it is right, contact the bank.`, { reason: 'SERVER_CERT_DATES', tls: code }, { cause: err });
  }
  if (code.startsWith('ERR_SSL_') && CLIENT_CERT_ALERTS.some((a) => code.endsWith(a))) {
    return new CoreError('CLIENT_CERT_REJECTED', `The bank refused this PC's current certificate during the secure connection (${code}). If it has expired, obtain a new one (取得) with your login ID and password.`, { reason: code as NetErrorCode /* ERR_SSL_…, checked above */ }, { cause: err });
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new CoreError('TLS_UNTRUSTED', `The secure connection to ${host} failed (${code}). Check the endpoint in the policy and any network device that intercepts HTTPS.`, { reason: 'HANDSHAKE', tls: code }, { cause: err });
  }
  const known = NETWORK_REASONS[code];
  if (known) return networkError(known.reason, `${known.text} (${host})`, err);
  if (/socket hang up/i.test(msg)) return networkError('RESET', `The connection to the bank was cut (${host})`, err);
  return networkError('OTHER', `The request to the bank failed (${host}: ${code || msg})`, err);
}

/**
 * The proxy asked for credentials (407, or 401 as tinyproxy answers wrong ones; a CONNECT's
 * answer is always the proxy's): the bank has not been reached, nothing was sent to it.
 */
export function proxyAuthRequired(proxy: string, scheme?: string, status = 407): CoreError {
  return new CoreError(
    'PROXY_AUTH_REQUIRED',
    `The proxy ${proxy} wants a user name and password (HTTP ${status}${scheme ? `, ${scheme}` : ''}); the bank was not reached. On the command line, put them in HTTPS_PROXY as http://USER:PASSWORD@${proxy} (percent-encode @ : / in them), or ask your network administrator to let CertDesk through without authentication.`,
    { reason: 'PROXY_AUTH', proxy, status, ...(scheme ? { scheme } : {}) },
  );
}

/** The proxy itself failed: not reachable, or it would not open the tunnel to the bank. */
export function proxyFailed(proxy: string, bank: string, reason: ReasonOf<'PROXY_FAILED'>, status?: number, cause?: unknown): CoreError {
  const text = status !== undefined
    ? status >= 500
      ? `The proxy ${proxy} could not reach the bank ${bank} (HTTP ${status}). Try again later; if it keeps failing, ask your network administrator whether the proxy may connect to ${bank}.`
      : `The proxy ${proxy} refused to connect to the bank ${bank} (HTTP ${status}). Ask your network administrator to allow ${bank} through the proxy.`
    : `The proxy ${proxy} cannot be reached (${reason}); the bank was not contacted. Check that the proxy is running and that the proxy setting (the policy's proxy, HTTPS_PROXY, or the OS's proxy settings) is right.`;
  return new CoreError('PROXY_FAILED', text, { reason, proxy, ...(status !== undefined ? { status } : {}) }, { cause });
}

