// Chromium's network stack for the bank's endpoint, shared by the window and the headless
// mode: an in-memory EST session pinned to the policy's anchors, and the renewing
// certificate chosen by fingerprint in select-client-certificate.
import { app, net, session, type Session } from 'electron';
import { pemToDer } from '../core/compose/transport';
import type { Policy } from '../../shared/policy';
import { createClientCertSelector } from './client-cert';
import { createNetTransport, pinningVerifyProc } from './net-transport';
import type { ProxyAuthBroker } from './proxy-auth';
import type { ChromiumTransport } from '../core/compose';

/**
 * `denyPermissions`: the app's rule that refuses every permission on a session (app/security.ts's
 * denyAllPermissions), passed in so that net/ stays below the app; required, so no caller can
 * leave the EST session without it. `proxyAuth`: the window's sign-in dialog for a proxy (the
 * desktop app); without it (headless) a proxy's challenge fails the request.
 */
export function createChromiumTransport(opts: { denyPermissions: (session: Session) => void; proxyAuth?: ProxyAuthBroker }): ChromiumTransport {
  let estSession: Session | null = null;
  let origin = '';
  let renewing: string | null = null;
  // Operations open now: Chromium's proxy credentials are cleared when the last one ends.
  let open = 0;
  app.on('select-client-certificate', createClientCertSelector(() => ({ origin, fingerprint: renewing })));
  // No 'certificate-error' listener on purpose: without one Chromium refuses the
  // certificate, and nothing in the app may ever turn a TLS error into trust.
  return {
    open(policy) {
      origin = new URL(policy.endpoint).origin;
      const est = (estSession ??= openEstSession(policy, opts.denyPermissions));
      const transport = createNetTransport({ net, session: est, requestTimeoutMs: policy.requestTimeoutMs, ...(opts.proxyAuth ? { proxyAuth: opts.proxyAuth } : {}) });
      open += 1;
      let closed = false;
      return {
        send: (req) => transport.send(req),
        close() {
          transport.close();
          if (closed) return;
          closed = true;
          open -= 1;
          // Chromium keeps a proxy's credentials in the session's memory, for every proxy
          // and until quit: they last only while an operation runs. What the user chose to
          // "remember for this session" the broker keeps in its own map and gives Chromium
          // again at the next operation's challenge (no dialog).
          if (open === 0) void est.clearAuthCache();
        },
      };
    },
    onRenewing(fingerprint) {
      renewing = fingerprint;
    },
  };
}

/**
 * The session EST requests use: in memory (no cookies or cache kept), every permission
 * refused, the policy's proxy, and the bank's host pinned to the policy's anchors on top
 * of Chromium's own verification (which nothing here can override).
 */
function openEstSession(policy: Policy, denyPermissions: (session: Session) => void): Session {
  const est = session.fromPartition('certdesk-est');
  denyPermissions(est);
  const anchorsDer = pemToDer(policy.trustAnchorPem, 'CERTIFICATE');
  // Reviewed: pinningVerifyProc answers only -3 (Chromium's verdict) or -2 (fail), never 0,
  // so it can only add the pin, never accept what Chromium refused (its tests check that).
  // eng-disable reason: that review.
  est.setCertificateVerifyProc(pinningVerifyProc({ hosts: [new URL(policy.endpoint).hostname], anchorsDer })); // eng-disable CERTIFICATE_VERIFY_PROC_JS_CHECK
  if (policy.proxy === 'direct') void est.setProxy({ mode: 'direct' });
  else if (policy.proxy !== 'system') void est.setProxy({ mode: 'fixed_servers', proxyRules: policy.proxy.replace(/\/$/, '') });
  return est;
}
