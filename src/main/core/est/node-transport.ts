// EST over Node's https, for the CLI and tests: an explicit identity (PKCS#12 or PEM), the
// pinned anchors as the only CAs, keep-alive inside one transport. A transport holds exactly
// one identity, so a pooled socket can never carry another identity's TLS session.
import https from 'node:https';
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import tls, { type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ErrorDetail } from '../../../shared/contract';
import { redactText } from '../../../shared/redact';
import { CoreError, isCoreError } from '../errors';
import { killPoint } from '../kill-points';
import { createBodyCollector } from './body';
import { proxyFor, proxyHost, withEnvCredentials } from './proxy';
import type { SystemProxy } from './system-proxy';
import { readSystemProxy } from './system-proxy-read';
import { mapNodeError, networkError, proxyAuthRequired, proxyFailed } from './transport-errors';
import type { EngineIdentity, EstIdentity, EstRequest, EstResponse, EstTransport, ProxySetting } from './types';

export interface NodeTransportOptions {
  anchorsPem: string;
  identity?: EstIdentity;
  proxy: ProxySetting;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** What the OS says, for `proxy: "system"` (read once per transport); the OS itself by default. */
  systemProxy?: () => Promise<SystemProxy>;
  /** Where a fixed proxy's credentials may come from (HTTPS_PROXY naming the same proxy); process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** EST answers are a few kilobytes; anything this large is not an EST answer. */

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function createNodeTransport(opts: NodeTransportOptions): EstTransport {
  const tlsOptions = checkedTlsOptions(opts);
  const agents = new Map<string, Agent>();
  let closed = false;
  let system: Promise<SystemProxy> | undefined;

  async function proxyOf(url: string): Promise<string | null> {
    if (opts.proxy !== 'system') return withEnvCredentials(proxyFor(opts.proxy, url), opts.env ?? process.env);
    system ??= (opts.systemProxy ?? readSystemProxy)();
    return proxyFor('system', url, await system);
  }

  function agentFor(proxy: string | null): Agent {
    const key = proxy ?? 'direct';
    let agent = agents.get(key);
    if (!agent) {
      const common = { keepAlive: true, maxSockets: 4, maxFreeSockets: 2, scheduling: 'lifo' as const, ...tlsOptions };
      agent = proxy ? new HttpsProxyAgent(proxy, common) : new https.Agent(common);
      agents.set(key, agent);
    }
    return agent;
  }

  async function send(req: EstRequest): Promise<EstResponse> {
    if (closed) throw new CoreError('INTERNAL', 'The EST transport was used after close().');
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new CoreError('INVALID_INPUT', `"${req.url}" is not a URL. Check the endpoint in the policy.`, { reason: 'ENDPOINT_URL' });
    }
    if (url.protocol !== 'https:') {
      throw new CoreError('INVALID_INPUT', `The endpoint ${url.origin} is not https: the bank's endpoint must use HTTPS. Fix the endpoint in the policy.`, { reason: 'NOT_HTTPS' });
    }
    if (req.signal?.aborted) throw cancelled();
    const proxy = await proxyOf(url.href);
    const agent = agentFor(proxy);
    try {
      return await once(url, req, agent, proxy, opts, tlsOptions);
    } catch (err) {
      // A pooled socket the server closed while idle fails before any answer: resend once
      // on a fresh connection (EST requests are safe to resend; 202 relies on it).
      if (err instanceof Retryable) return once(url, req, agent, proxy, opts, tlsOptions).catch((e: unknown) => { throw unwrap(e); });
      throw err;
    }
  }

  /** Went direct because the OS names only a PAC file: the failure says so and what to set instead. */
  async function withPacHint(err: unknown): Promise<never> {
    const e = unwrap(err);
    const pac = opts.proxy === 'system' && system ? (await system).pac : undefined;
    if (!pac || !isCoreError(e, 'NETWORK')) throw e;
    throw new CoreError(
      'NETWORK',
      `${e.message} This PC's proxy setting is a PAC file (${redactText(pac)}), which the command line cannot run, so it connected directly: set the policy's proxy to http://host:port (or HTTPS_PROXY), or use the CertDesk app.`,
      { ...e.detail, pac: true },
      { cause: e },
    );
  }

  return {
    send: (req) => send(req).catch(withPacHint),
    close() {
      closed = true;
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  };
}

class Retryable extends Error {
  constructor(readonly inner: CoreError) { super(inner.message); }
}
const unwrap = (e: unknown): unknown => (e instanceof Retryable ? e.inner : e);

function cancelled(): CoreError {
  return new CoreError('CANCELLED', 'The request to the bank was cancelled.');
}

function once(url: URL, req: EstRequest, agent: Agent, proxy: string | null, opts: NodeTransportOptions, tlsOptions: TlsOptions): Promise<EstResponse> {
  return new Promise<EstResponse>((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers, Host: url.host };
    if (req.body) headers['Content-Length'] = String(req.body.byteLength);
    let settled = false;
    let proxyStatus: number | undefined;
    let proxyScheme: string | undefined;
    // Before the proxy answered CONNECT on a new connection, a failure is the proxy's, not the bank's.
    const viaProxy = proxy ? proxyHost(proxy) : null;
    const beforeTunnel = () => viaProxy !== null && proxyStatus === undefined && !r.reusedSocket;
    let gotResponse = false;
    // The plain socket to a proxy, under the TLS socket: destroying the TLS socket alone leaves it open.
    let tunnel: { destroy(): void } | undefined;

    const finish = (err: CoreError | null, value?: EstResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(wholeTimer);
      req.signal?.removeEventListener('abort', onAbort);
      if (err) {
        r.destroy();
        tunnel?.destroy();
        reject(err);
      } else resolve(value!);
    };
    const fail = (err: unknown) => {
      let mapped = mapNodeError(err, url.host);
      if (beforeTunnel() && isCoreError(mapped, 'NETWORK')) mapped = proxyFailed(viaProxy!, url.host, mapped.detail?.reason ?? 'OTHER', undefined, err);
      const code = (err as { code?: string }).code;
      const stale = r.reusedSocket && !gotResponse && mapped.code === 'NETWORK' && mapped.detail?.reason === 'RESET' && code !== 'ETIMEDOUT';
      finish(stale ? (new Retryable(mapped) as unknown as CoreError) : mapped);
    };
    const onAbort = () => finish(cancelled());

    // TLS options go on every request: proxy agents take them from there, not from the agent.
    const r: ClientRequest = https.request(url, { method: req.method, headers, agent, ...tlsOptions });
    const wholeTimer = setTimeout(
      () => finish(networkError('TIMEOUT', `The bank did not answer within ${Math.round(opts.requestTimeoutMs / 1000)} s (${url.host})`)),
      opts.requestTimeoutMs,
    );
    const connectTimer = setTimeout(
      () => finish(beforeTunnel()
        ? proxyFailed(viaProxy!, url.host, 'CONNECT_TIMEOUT')
        : networkError('CONNECT_TIMEOUT', `No connection to the bank within ${Math.round(opts.connectTimeoutMs / 1000)} s (${url.host})`)),
      opts.connectTimeoutMs,
    );
    req.signal?.addEventListener('abort', onAbort, { once: true });

    r.on('proxyConnect', (res: { statusCode?: number; headers?: Record<string, string | string[] | undefined> }) => {
      proxyStatus = res.statusCode;
      const challenge = res.headers?.['proxy-authenticate'];
      proxyScheme = (Array.isArray(challenge) ? challenge.join(', ') : challenge)?.split(/[\s,]/)[0] || undefined;
    });
    r.on('proxy', (p: { socket?: { destroy(): void } }) => { tunnel = p.socket; });
    r.on('socket', (socket) => {
      const s = socket as TLSSocket;
      // A reused socket, or one whose handshake already finished, is connected.
      if (r.reusedSocket || (typeof s.getFinished === 'function' && s.getFinished() !== undefined)) clearTimeout(connectTimer);
      else s.once('secureConnect', () => clearTimeout(connectTimer));
    });
    r.on('error', fail);
    r.on('response', (res: IncomingMessage) => {
      gotResponse = true;
      clearTimeout(connectTimer);
      if (proxyStatus !== undefined && proxyStatus !== 200) {
        res.resume();
        finish(proxyStatus === 407 || proxyStatus === 401 ? proxyAuthRequired(viaProxy!, proxyScheme, proxyStatus) : proxyFailed(viaProxy!, url.host, 'CONNECT_REFUSED', proxyStatus));
        return;
      }
      const body = createBodyCollector();
      res.on('data', (c: Buffer) => {
        const tooLarge = body.add(c);
        if (tooLarge) finish(tooLarge);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        if (!res.complete) {
          fail(Object.assign(new Error('incomplete response'), { code: 'ECONNRESET' }));
          return;
        }
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        finish(null, { status: res.statusCode ?? 0, headers: out, body: body.bytes() });
      });
    });
    r.end(req.body ? Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength) : undefined);
  });
}

// One secure context per transport: the PKCS#12 is decrypted once, not on every new connection.
interface TlsOptions { secureContext: tls.SecureContext; rejectUnauthorized: true }

/** Checks the anchors and identity once, up front, so a bad input fails with a clear error. */
function checkedTlsOptions(opts: NodeTransportOptions): TlsOptions {
  if (!(opts.connectTimeoutMs > 0) || !(opts.requestTimeoutMs > 0)) {
    throw new CoreError('INVALID_INPUT', 'The connect and request timeouts must be positive numbers of milliseconds. Fix them in the policy.', { reason: 'TIMEOUTS' });
  }
  const anchors = opts.anchorsPem.match(PEM_CERT) ?? [];
  if (anchors.length === 0) {
    throw new CoreError('INVALID_INPUT', 'The pinned trust anchor is not a PEM certificate. Put the bank root certificate (PEM) in the policy.', { reason: 'NO_ANCHOR' });
  }
  try {
    for (const pem of anchors) new X509Certificate(pem);
  } catch (err) {
    throw new CoreError('INVALID_INPUT', 'The pinned trust anchor could not be read as a certificate. Put the bank root certificate (PEM) in the policy.', { reason: 'BAD_ANCHOR' }, { cause: err });
  }
  const ctx: tls.SecureContextOptions = { ca: anchors, minVersion: 'TLSv1.2' };
  const id = opts.identity;
  if (id && 'pkcs12' in id) {
    ctx.pfx = Buffer.from(id.pkcs12);
    ctx.passphrase = id.password;
  } else if (id && 'engineKey' in id) {
    ctx.cert = id.certPem;
  } else if (id) {
    ctx.cert = id.certPem;
    ctx.key = id.keyPem;
  }
  let secureContext: tls.SecureContext;
  try {
    secureContext = id && 'engineKey' in id ? withEngineKey(ctx, id.engineKey) : tls.createSecureContext(ctx);
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw identityError(err);
  }
  if (opts.proxy !== 'system' && opts.proxy !== 'direct') proxyFor(opts.proxy, 'https://example.invalid/');
  return { secureContext, rejectUnauthorized: true };
}

/** Where Debian's libengine-pkcs11-openssl puts the engine: named by path, since Node's own OpenSSL looks for engines elsewhere. */
const ENGINE_FILES = ['/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so', '/usr/lib/aarch64-linux-gnu/engines-3/pkcs11.so'];

/** libp11 0.4.12 takes at most 32 bytes of PIN (MAX_PIN_LENGTH). */
const ENGINE_MAX_PIN_BYTES = 32;

/**
 * Secure contexts holding a token's key, kept for the life of the process: dropping one
 * finishes its engine, and libp11 then calls C_Finalize on the module, which would end the
 * sessions (and the login) of everything else in the process using that module.
 */
const engineContexts = new Set<tls.SecureContext>();

/**
 * The token's key through OpenSSL's pkcs11 engine (libp11). The PIN rides in the key URI
 * (RFC 7512 `pin-value`), a string in this process's memory only: never a file, which a
 * SIGKILL during the engine's login would leave behind. The URI with the PIN is never put in
 * an error, a log or a detail. libp11 itself prints the whole URI on stderr when the key
 * cannot be loaded after logging in ("The private key was not found at: …"); the caller
 * (compose/token.ts) has just logged in with this PIN and found the key, so that is reached
 * only when the token changes in between.
 * The engine loads exactly the policy's module (libp11 reads PKCS11_MODULE_PATH when the
 * engine is bound, at each createSecureContext), not p11-kit's proxy, which would start every
 * module registered on the system (tpm2-pkcs11 writes TPM errors on stderr where there is none).
 * The variable is set only for that synchronous call, so the tools CertDesk runs never inherit it.
 */
function withEngineKey(ctx: tls.SecureContextOptions, key: EngineIdentity['engineKey']): tls.SecureContext {
  if (/[;?&]pin-(?:value|source)=/i.test(key.keyUri)) throw new CoreError('INTERNAL', 'A key URI must not carry a PIN.');
  if (Buffer.byteLength(key.pin, 'utf8') > ENGINE_MAX_PIN_BYTES) {
    throw new CoreError('STORE_UNAVAILABLE', `The token's PIN is longer than the ${ENGINE_MAX_PIN_BYTES} characters OpenSSL's PKCS#11 engine accepts, so the command line cannot present the token's key to the bank. Renew in the CertDesk app, or change the PIN to ${ENGINE_MAX_PIN_BYTES} characters or fewer.`, { reason: 'PIN_TOO_LONG' });
  }
  const engine = ENGINE_FILES.find((f) => existsSync(f)) ?? 'pkcs11';
  const before = process.env.PKCS11_MODULE_PATH;
  killPoint('engineKey');
  try {
    process.env.PKCS11_MODULE_PATH = key.module;
    const sc = tls.createSecureContext({ ...ctx, privateKeyEngine: engine, privateKeyIdentifier: `${key.keyUri};pin-value=${pinValue(key.pin)}` });
    engineContexts.add(sc);
    killPoint('engineKey:loggedIn');
    return sc;
  } catch (err) {
    // OpenSSL's message names the engine's failure ("PIN incorrect"), never the identifier;
    // redacted all the same. The Node error itself is not kept as the cause: nothing that
    // held the URI goes further than this function.
    const msg = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    const detail: ErrorDetail<'STORE_UNAVAILABLE'> = { reason: 'ENGINE_KEY', ...(typeof code === 'string' ? { opensslCode: code } : {}) };
    if (/could not load the shared library|DSO support/i.test(msg)) {
      throw new CoreError('STORE_UNAVAILABLE', "OpenSSL's PKCS#11 engine is not installed, so the key in the token cannot sign the connection to the bank. Install it (apt-get install libengine-pkcs11-openssl) and try again.", { reason: 'ENGINE_MISSING' });
    }
    throw new CoreError('STORE_UNAVAILABLE', `The key in the token could not be used for the connection to the bank (${redactText(msg)}). Check that the token is present and its module (${key.module}) works, then try again.`, detail);
  } finally {
    if (before === undefined) delete process.env.PKCS11_MODULE_PATH;
    else process.env.PKCS11_MODULE_PATH = before;
  }
}

/** RFC 7512 pk-aval: every byte but the unreserved ones percent-encoded (a `;` in a PIN would end the attribute). */
function pinValue(pin: string): string {
  return [...Buffer.from(pin, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
}

function identityError(err: unknown): CoreError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/mac verify failure|bad decrypt/i.test(msg)) {
    return new CoreError('INVALID_INPUT', 'The PKCS#12 password is wrong. Enter the password the file was exported with.', { reason: 'BAD_PASSWORD' }, { cause: err });
  }
  if (/unsupported/i.test(msg)) {
    return new CoreError('INVALID_INPUT', 'The PKCS#12 file uses an encryption this program cannot read (legacy RC2/3DES). Export it again with AES (or use the PEM files).', { reason: 'UNSUPPORTED_PKCS12' }, { cause: err });
  }
  if (/key values mismatch/i.test(msg)) {
    return new CoreError('INVALID_INPUT', 'The private key does not belong to the certificate. Choose the key that was generated with it.', { reason: 'KEY_MISMATCH' }, { cause: err });
  }
  return new CoreError('INVALID_INPUT', `Could not read the client certificate or key (${msg}). Check the file.`, { reason: 'BAD_IDENTITY' }, { cause: err });
}
