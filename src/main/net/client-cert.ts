// TLS client authentication for the renewal: when the bank's endpoint asks for a client
// certificate, Chromium offers the certificates of the OS store, and CertDesk picks the
// one being renewed, by SHA-256 fingerprint of its DER. Never the first one in the list,
// never one for another site. (Server certificate errors are never overridden: the app
// registers no 'certificate-error' listener, so Chromium's refusal stands.)
import type { Certificate, Event, WebContents } from 'electron';
import { pemToDer, sha256Hex } from '../core/compose/transport';

/** SHA-256 (lowercase hex) of a certificate as Electron gives it (PEM in `data`). */
export function fingerprintOf(cert: Pick<Certificate, 'data'>): string | null {
  try {
    const [der] = pemToDer(cert.data, 'CERTIFICATE');
    return der && der.length > 0 ? sha256Hex(der) : null;
  } catch {
    // Not a certificate Electron could mean: it is never the one being renewed.
    return null;
  }
}

export interface ClientCertTarget {
  /** Origin of the EST endpoint (from policy): the only site that gets a certificate. */
  origin: string;
  /** Fingerprint of the certificate being renewed, or null when no renewal is running. */
  fingerprint: string | null;
}

type SelectListener = (
  event: Event,
  webContents: WebContents | null,
  url: string,
  list: Certificate[],
  callback: (certificate?: Certificate) => void,
) => void;

export function createClientCertSelector(target: () => ClientCertTarget): SelectListener {
  return (event, _contents, url, list, callback) => {
    // Without preventDefault Electron would present the first certificate of the store.
    event.preventDefault();
    const { origin, fingerprint } = target();
    let requestOrigin: string | null;
    try {
      requestOrigin = new URL(url).origin;
    } catch {
      requestOrigin = null;
    }
    if (!fingerprint || requestOrigin !== origin) {
      callback();
      return;
    }
    callback(list.find((c) => fingerprintOf(c) === fingerprint));
  };
}
