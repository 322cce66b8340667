// Which transport carries a request to the bank: one rule for the desktop app, the headless
// mode and the command line. With Chromium's stack available and the OS store in use, the
// renewing certificate is presented from the store by fingerprint (the key never leaves it);
// otherwise Node's https carries the request with a lent identity (an explicit NSS db, or
// --identity FILE.p12).
import type { Policy } from '../../../shared/policy';
import { CoreError } from '../errors';
import { createNodeTransport, type EstTransport } from '../est';
import type { TransportIdentity } from '../renewal';

// What the shell's Chromium transport builds on (src/main/net), from here: the shell imports only the root.
export { CoreError } from '../errors';
export { createBodyCollector, type EstRequest, type EstResponse, type EstTransport } from '../est';
export { pemToDer, sha256Hex } from '../pki';

export interface ChromiumTransport {
  /** The Electron-net transport over the EST session. */
  open(policy: Policy): EstTransport;
  /** Tells select-client-certificate which certificate the running request presents. */
  onRenewing(fingerprint: string | null): void;
}

export interface TransportChoice {
  transportFor(identity?: TransportIdentity): EstTransport;
  identityFor?(fingerprint: string): Promise<TransportIdentity>;
}

export function chooseTransport(policy: Policy, storeSpec: string, chromium?: ChromiumTransport): TransportChoice {
  const viaChromium = Boolean(chromium) && storeSpec === 'os';
  const transportFor = (identity?: TransportIdentity): EstTransport => {
    if (identity && 'fingerprint' in identity) {
      if (!chromium) {
        throw new CoreError('KEY_MISSING', 'This store cannot lend the key to the command line: give --identity FILE.p12, or run the app with --headless.', { field: 'identity', reason: 'NO_NET_TRANSPORT' });
      }
      chromium.onRenewing(identity.fingerprint);
      const net = chromium.open(policy);
      return {
        send: (req) => net.send(req),
        close: () => {
          chromium.onRenewing(null);
          net.close();
        },
      };
    }
    if (!identity && chromium) return chromium.open(policy);
    return createNodeTransport({
      anchorsPem: policy.trustAnchorPem,
      ...(identity ? { identity } : {}),
      proxy: policy.proxy,
      connectTimeoutMs: policy.connectTimeoutMs,
      requestTimeoutMs: policy.requestTimeoutMs,
    });
  };
  return viaChromium ? { transportFor, identityFor: async (fingerprint) => ({ fingerprint }) } : { transportFor };
}
