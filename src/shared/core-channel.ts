// The channel between the Electron main process and the core's own process (an Electron
// utilityProcess in the app; `child_process.fork` under plain Node, with the same messages).
// Its calls are the contract's methods that the core answers, so their names, arguments and
// answers come from contract.ts; both ends check every message with the parsers below before
// acting on it (a message of another shape is dropped, never half-used).
//
// Requests carry ids: main → core `call`/`cancel`, core → main `ask` (the token's PIN, a
// request over Chromium's network stack) answered by `answer`. Progress and the other
// contract events stream as `event` messages while a call runs.
import { API_EVENTS, ERROR_CODES, type ApiError, type ApiEvent, type ApiMethod, type CertDeskEvents, type Result } from './contract';
import type { Policy } from './policy';
import { isPinTries, type PinTries } from './pin-tries';

/** The contract's methods the core answers (the other two need Electron: the save dialog, the browser). */
export const CORE_METHODS = ['getOverview', 'getDetails', 'runPreflight', 'renew', 'acquire', 'cancel', 'getDiagnostics', 'getSettings', 'updateSettings', 'removeSuperseded'] as const satisfies readonly ApiMethod[];
export type CoreMethod = (typeof CORE_METHODS)[number];
type NotCore = Exclude<ApiMethod, CoreMethod>;
const _onlyShellMethodsLeft: NotCore extends 'saveDiagnostics' | 'openBankSite' ? true : NotCore = true;
void _onlyShellMethodsLeft;

/** What the entry asks the core's process to be. */
export type CoreStart =
  | {
      mode: 'desktop';
      /** The demo's policy file (an unpackaged app); else the OS's machine policy. */
      policyFile?: string;
      /** The desktop asks the PIN per operation, in its window. */
      pinAsks: number;
      /** Main offers Chromium's network stack (the app); false under plain Node (the tests): Node's TLS only. */
      chromium: boolean;
      versions: Record<string, string>;
    }
  | {
      /** `CertDesk --headless …`: the command line, its streams carried over the channel. */
      mode: 'cli';
      args: string[];
      stdinIsTTY: boolean;
      /** The installed app: --policy is refused over an installed policy or on a network path (app/headless-args). */
      packaged: boolean;
    };

/** What the desktop needs from the composed core to wire the window (its policy's pages and language). */
export interface CoreReady {
  policySource: string;
  language: 'ja' | 'en';
  bankSiteUrl?: string;
  bankLoginUrl?: string;
  newPcGuideUrl?: string;
  supportUrl?: string;
  /** Milliseconds from the process's start to this message (issue 29's measure). */
  startMs: number;
}

export interface WireRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The core's questions to main. */
export type CoreAsk =
  | { kind: 'pin'; tokenLabel: string; retry: boolean; offerRemember: boolean; pinTries?: PinTries }
  | { kind: 'netSend'; transport: number; request: WireRequest };

export type ToCore =
  | { t: 'start'; start: CoreStart }
  | { t: 'call'; id: number; method: CoreMethod; args: unknown[] }
  /** Stop call `id`: a renewal or 取得 is cancelled (the contract's cancel); a read's answer is dropped. */
  | { t: 'cancel'; id: number }
  | { t: 'answer'; id: number; result: Result<unknown> }
  /** Headless: the terminal's input, null at its end. */
  | { t: 'stdin'; data: Uint8Array | null };

export type FromCore =
  | { t: 'ready'; ready: CoreReady }
  | { t: 'result'; id: number; result: Result<unknown> }
  | { [E in ApiEvent]: { t: 'event'; event: E; payload: CertDeskEvents[E] } }[ApiEvent]
  | { t: 'remind'; reminder: { fingerprint: string; holder: string; threshold: number; daysLeft: number } }
  | { t: 'log'; line: string }
  | { t: 'ask'; id: number; ask: CoreAsk }
  /** The core no longer waits for ask `id` (its operation was cancelled). */
  | { t: 'abandon'; id: number }
  /** Chromium's transport: open one for the policy, close it, the certificate it presents. */
  | { t: 'net'; op: 'open'; transport: number; policy: Policy }
  | { t: 'net'; op: 'close'; transport: number }
  | { t: 'net'; op: 'renewing'; fingerprint: string | null }
  /** Headless: output, the terminal's raw mode (a hidden prompt), the exit code. */
  | { t: 'out'; stream: 'stdout' | 'stderr'; data: string }
  | { t: 'rawMode'; raw: boolean }
  | { t: 'exit'; code: number };

// ---- checks, both ends ----

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isStrMap = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((x) => typeof x === 'string');
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

export function isApiError(v: unknown): v is ApiError {
  return isObj(v) && (ERROR_CODES as readonly unknown[]).includes(v.code) && typeof v.message === 'string' && (v.detail === undefined || isObj(v.detail));
}
export function isResult(v: unknown): v is Result<unknown> {
  return isObj(v) && ((v.ok === true && 'value' in v) || (v.ok === false && isApiError(v.error)));
}

function isStart(v: unknown): v is CoreStart {
  if (!isObj(v)) return false;
  if (v.mode === 'desktop') return (v.policyFile === undefined || typeof v.policyFile === 'string') && isId(v.pinAsks) && typeof v.chromium === 'boolean' && isStrMap(v.versions);
  if (v.mode === 'cli') return Array.isArray(v.args) && v.args.every((a) => typeof a === 'string') && typeof v.stdinIsTTY === 'boolean' && typeof v.packaged === 'boolean';
  return false;
}

/** A message the core's process received, or null when it is not one of main's. */
export function parseToCore(m: unknown): ToCore | null {
  if (!isObj(m)) return null;
  switch (m.t) {
    case 'start':
      return isStart(m.start) ? (m as ToCore) : null;
    case 'call':
      return isId(m.id) && (CORE_METHODS as readonly unknown[]).includes(m.method) && Array.isArray(m.args) ? (m as ToCore) : null;
    case 'cancel':
      return isId(m.id) ? (m as ToCore) : null;
    case 'answer':
      return isId(m.id) && isResult(m.result) ? (m as ToCore) : null;
    case 'stdin':
      return m.data === null || isBytes(m.data) ? (m as ToCore) : null;
    default:
      return null;
  }
}

function isAsk(v: unknown): v is CoreAsk {
  if (!isObj(v)) return false;
  if (v.kind === 'pin') return typeof v.tokenLabel === 'string' && typeof v.retry === 'boolean' && typeof v.offerRemember === 'boolean' && (v.pinTries === undefined || isPinTries(v.pinTries));
  if (v.kind === 'netSend') {
    const r = v.request;
    return isId(v.transport) && isObj(r) && (r.method === 'GET' || r.method === 'POST') && typeof r.url === 'string' && isStrMap(r.headers) && (r.body === undefined || isBytes(r.body));
  }
  return false;
}

/** A message main received from the core's process, or null when it is not one of the core's. */
export function parseFromCore(m: unknown): FromCore | null {
  if (!isObj(m)) return null;
  switch (m.t) {
    case 'ready': {
      const r = m.ready;
      return isObj(r) && typeof r.policySource === 'string' && (r.language === 'ja' || r.language === 'en') && typeof r.startMs === 'number' ? (m as FromCore) : null;
    }
    case 'result':
      return isId(m.id) && isResult(m.result) ? (m as FromCore) : null;
    case 'event':
      return (API_EVENTS as readonly unknown[]).includes(m.event) && isObj(m.payload) ? (m as FromCore) : null;
    case 'remind': {
      const r = m.reminder;
      return isObj(r) && typeof r.fingerprint === 'string' && typeof r.holder === 'string' && typeof r.threshold === 'number' && typeof r.daysLeft === 'number' ? (m as FromCore) : null;
    }
    case 'log':
      return typeof m.line === 'string' ? (m as FromCore) : null;
    case 'ask':
      return isId(m.id) && isAsk(m.ask) ? (m as FromCore) : null;
    case 'abandon':
      return isId(m.id) ? (m as FromCore) : null;
    case 'net':
      if (m.op === 'open') return isId(m.transport) && isObj(m.policy) && typeof m.policy.endpoint === 'string' ? (m as FromCore) : null;
      if (m.op === 'close') return isId(m.transport) ? (m as FromCore) : null;
      if (m.op === 'renewing') return m.fingerprint === null || typeof m.fingerprint === 'string' ? (m as FromCore) : null;
      return null;
    case 'out':
      return (m.stream === 'stdout' || m.stream === 'stderr') && typeof m.data === 'string' ? (m as FromCore) : null;
    case 'rawMode':
      return typeof m.raw === 'boolean' ? (m as FromCore) : null;
    case 'exit':
      return Number.isInteger(m.code) ? (m as FromCore) : null;
    default:
      return null;
  }
}

/**
 * The answer main gives a call the core's process could not finish because that process ended
 * (a vendor's module crashed, out of memory, killed). The call is never sent again: what the
 * core had done is in its journal, and the next core process finishes or undoes it.
 */
export function coreStoppedError(method: CoreMethod): ApiError {
  return {
    code: 'INTERNAL',
    message: `CertDesk's core process stopped during ${method}; it was not sent again. A new core process has started: an interrupted renewal is finished or rolled back from its journal when the home screen is shown.`,
    detail: { reason: 'CORE_STOPPED', operation: method },
  };
}
