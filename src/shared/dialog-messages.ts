// The shell's own messages (not the core's: no method of CertDeskApi): what main asks the
// window's dialogs (proxy sign-in, PIN, a certdesk: link) and the channels of their answers.
// contract.ts re-exports them; validate.ts checks the answers.
import type { PinTries } from './pin-tries';

/** A proxy asks for a user name and password: the window shows CertDesk's sign-in dialog. */
export interface ProxyAuthRequest {
  /** Answer with this id (answerProxyAuth); unguessable, one per dialog. */
  id: string;
  host: string;
  port: number;
  realm: string;
  /** The credentials given before were refused. */
  retry: boolean;
}

export interface ProxyAuthClosed {
  /** The ProxyAuthRequest's id. */
  id: string;
}

/** The dialog's answer; null = cancelled (the request fails with PROXY_AUTH_REQUIRED). Kept in memory only. */
export interface ProxyAuthAnswer {
  username: string;
  password: string;
  /** Keep them until CertDesk quits (never on disk); else for this operation only. */
  remember: boolean;
}

/**
 * What a certdesk: link asked for (the bank's 「証明書発行アプリの起動」 button). The window
 * asks the user before doing anything; nothing happens without that confirmation.
 */
export type LaunchRequest = { action: 'open' } | { action: 'renew' } | { action: 'acquire'; loginId?: string };

/** The channel of the dialog's answer: invoked like a contract method, checked the same way. */
export const PROXY_AUTH_ANSWER_CHANNEL = 'certdesk:proxy-auth:answer';

/** A renewal or 取得 needs the PIN of the token that keeps the key (policy keyStorage tpm / pkcs11). */
export interface PinRequest {
  /** Answer with this id (answerPin); unguessable, one per dialog. */
  id: string;
  /** The token's label, as the browser will name it when it asks the same PIN at login. */
  tokenLabel: string;
  /** The PIN given before was wrong (「PINが違います」). */
  retry: boolean;
  /** On a retry: what the token said of the tries left (pin-tries.ts). */
  pinTries?: PinTries;
  /** The policy lets CertDesk keep the PIN in the OS keychain: the dialog offers the box. */
  offerRemember: boolean;
}

export interface PinClosed {
  /** The PinRequest's id. */
  id: string;
}

/** The PIN dialog's answer; null = cancelled (the operation fails, nothing changed). Held in memory for that operation only. */
export interface PinAnswer {
  pin: string;
  /** Keep it in the OS keychain (honoured only when the request offered it). */
  remember: boolean;
}

/** The channel of the PIN dialog's answer: invoked like a contract method, checked the same way. */
export const PIN_ANSWER_CHANNEL = 'certdesk:pin:answer';
