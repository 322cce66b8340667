// The transport seam: the EST client speaks HTTP through this, so the same client runs over
// Node's https (CLI, tests) and over Chromium's network stack (the app).
import type { ProxySetting } from '../../../shared/policy';

export type { ProxySetting };

export interface EstRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

/** Header names are lower-case; repeated headers are joined with ", ". */
export interface EstResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * A transport answers only over a connection verified against the pinned anchors (and the
 * host name); anything else it reports as a `CoreError` (TLS_UNTRUSTED, CLIENT_CERT_REJECTED,
 * NETWORK, CANCELLED), never as a response.
 */
export interface EstTransport {
  send(req: EstRequest): Promise<EstResponse>;
  close(): void;
}

export type EstIdentity = { pkcs12: Uint8Array; password: string } | { certPem: string; keyPem: string } | EngineIdentity;

/**
 * A key that never leaves its PKCS#11 token (keyStorage tpm / pkcs11): OpenSSL's pkcs11
 * engine signs the handshake. `keyUri` is an RFC 7512 URI without any PIN attribute; the
 * transport adds the PIN (`pin-value`) in memory for the engine alone, never to a file, a log
 * or an error. `module` is the policy's PKCS#11 module, the only one the engine loads.
 */
export interface EngineIdentity {
  certPem: string;
  engineKey: { keyUri: string; pin: string; module: string };
}
