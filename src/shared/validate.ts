// Validation at the boundary: the raw arguments of every contract call and of the dialogs'
// answers as they arrive from the renderer, checked before anything acts on them.

import { BANK_PAGES, type ApiError, type ApiMethod, type CertDeskApi } from './contract';

const FINGERPRINT = /^[0-9a-f]{64}$/;
const LOGIN_ID = /^[A-Za-z0-9._@-]{1,64}$/;

export type ArgsOf<M extends ApiMethod> = Parameters<CertDeskApi[M]>;

function invalid(field: string, message: string): ApiError {
  return { code: 'INVALID_INPUT', message, detail: { field } };
}

function fingerprintArg(args: unknown[]): ApiError | null {
  if (args.length !== 1 || typeof args[0] !== 'string' || !FINGERPRINT.test(args[0])) {
    return invalid('fingerprint', 'Expected one SHA-256 fingerprint: 64 lowercase hex digits.');
  }
  return null;
}

function noArgs(args: unknown[]): ApiError | null {
  return args.length === 0 ? null : invalid('arguments', 'This method takes no arguments.');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

export function validateLoginId(loginId: unknown): ApiError | null {
  if (typeof loginId !== 'string' || !LOGIN_ID.test(loginId)) {
    return invalid('loginId', 'The login ID is 1–64 letters, digits or . _ @ -.');
  }
  return null;
}

export function validatePassword(password: unknown): ApiError | null {
  if (typeof password !== 'string' || password.length < 1 || password.length > 128) {
    return invalid('password', 'The password is 1–128 characters.');
  }
  return null;
}

/**
 * Checks the raw arguments of a call as they arrive from the renderer.
 * Returns null when they are what the contract says, or the error to answer with.
 */
export const validateArgs: { [M in ApiMethod]: (args: unknown[]) => ApiError | null } = {
  getOverview: noArgs,
  getDetails: fingerprintArg,
  runPreflight: fingerprintArg,
  renew: fingerprintArg,
  removeSuperseded: fingerprintArg,
  acquire: (args) => {
    const [req] = args;
    if (args.length !== 1 || !isPlainObject(req)) return invalid('request', 'Expected { loginId, password }.');
    const extra = Object.keys(req).filter((k) => k !== 'loginId' && k !== 'password');
    if (extra.length > 0) return invalid(extra[0]!, `Unexpected field ${extra[0]}.`);
    return validateLoginId(req.loginId) ?? validatePassword(req.password);
  },
  cancel: noArgs,
  getDiagnostics: noArgs,
  saveDiagnostics: noArgs,
  getSettings: noArgs,
  updateSettings: (args) => {
    const [patch] = args;
    if (args.length !== 1 || !isPlainObject(patch)) return invalid('patch', 'Expected a settings object.');
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'language') {
        if (v !== 'ja' && v !== 'en') return invalid('language', 'Language is "ja" or "en".');
      } else if (k === 'remindersAtLogin') {
        if (typeof v !== 'boolean') return invalid('remindersAtLogin', 'remindersAtLogin is true or false.');
      } else {
        return invalid(k, `Unexpected field ${k}.`);
      }
    }
    return null;
  },
  openBankSite: (args) => {
    if (args.length === 0) return null;
    if (args.length === 1 && (BANK_PAGES as readonly unknown[]).includes(args[0])) return null;
    return invalid('page', 'Expected no argument or one of "login", "newPc", "site".');
  },
};

const PROXY_AUTH_ID = /^[0-9a-f-]{36}$/;
const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** Checks [id, answer | null] from the renderer. */
export function validateProxyAuthAnswer(args: unknown[]): ApiError | null {
  const [id, answer] = args;
  if (args.length !== 2 || typeof id !== 'string' || !PROXY_AUTH_ID.test(id)) return invalid('id', 'Expected the id of a pending proxy sign-in.');
  if (answer === null) return null;
  if (!isPlainObject(answer)) return invalid('answer', 'Expected { username, password, remember } or null.');
  const extra = Object.keys(answer).filter((k) => k !== 'username' && k !== 'password' && k !== 'remember');
  if (extra.length > 0) return invalid(extra[0]!, `Unexpected field ${extra[0]}.`);
  const { username, password, remember } = answer;
  // Printable, one line: a user name goes into an HTTP header.
  if (typeof username !== 'string' || username.length < 1 || username.length > 256 || username.includes(':') || hasControl(username)) {
    return invalid('username', 'The proxy user name is 1–256 characters, without a colon or control characters.');
  }
  if (typeof password !== 'string' || password.length > 256 || hasControl(password)) {
    return invalid('password', 'The proxy password is up to 256 characters, without control characters.');
  }
  if (typeof remember !== 'boolean') return invalid('remember', 'remember is true or false.');
  return null;
}

/** Printable ASCII, 4–64: what tokens and the browser's PIN prompt accept; no control characters. */
const PIN_TEXT = /^[\x20-\x7e]{4,64}$/;

/** Checks [id, answer | null] from the renderer. */
export function validatePinAnswer(args: unknown[]): ApiError | null {
  const [id, answer] = args;
  if (args.length !== 2 || typeof id !== 'string' || !PROXY_AUTH_ID.test(id)) return invalid('id', 'Expected the id of a pending PIN request.');
  if (answer === null) return null;
  if (!isPlainObject(answer)) return invalid('answer', 'Expected { pin, remember } or null.');
  const extra = Object.keys(answer).filter((k) => k !== 'pin' && k !== 'remember');
  if (extra.length > 0) return invalid(extra[0]!, `Unexpected field ${extra[0]}.`);
  if (typeof answer.pin !== 'string' || !PIN_TEXT.test(answer.pin)) return invalid('pin', 'The PIN is 4–64 printable ASCII characters (letters, digits, symbols), without control characters.');
  if (typeof answer.remember !== 'boolean') return invalid('remember', 'remember is true or false.');
  return null;
}
