// The app's answer to a proxy that asks for a user name and password (Chromium's `login`
// event with isProxy): CertDesk's own dialog in the window, through a pending request the
// renderer answers by id. Credentials live in this process's memory only, never on disk:
// kept until the app quits when the user ticks "remember for this session", else used for
// the one operation. NTLM and Negotiate are Chromium's (the Windows logon): no dialog.
//
// No request may wait forever on a dialog nobody can answer: each one ends with the user's
// answer, a cancel from the window's side (closed, reloaded, navigated, renderer gone:
// ask/dialog-in-window.ts), or DIALOG_TIMEOUT_MS; a challenge after that asks again.

import { createWindowQuestions, type BrokerDepsOf } from '../ask/window-question';

/** What Chromium says about the challenge (Electron's AuthInfo). */
export interface ProxyChallenge {
  isProxy: boolean;
  scheme: string;
  host: string;
  port: number;
  realm: string;
}

/** What the window is asked (the contract's ProxyAuthRequest, without the id). */
export interface ProxyAuthPrompt {
  host: string;
  port: number;
  realm: string;
  /** The credentials given before were refused: the dialog says so. */
  retry: boolean;
}

export interface ProxyAuthAnswer {
  username: string;
  password: string;
  remember: boolean;
}

export interface ProxyCredentials {
  username: string;
  password: string;
}

/** Schemes CertDesk's dialog answers; the others (ntlm, negotiate, kerberos) stay with Chromium. */
const DIALOG_SCHEMES = new Set(['basic', 'digest']);

export function asksDialog(challenge: ProxyChallenge): boolean {
  return challenge.isProxy && DIALOG_SCHEMES.has(challenge.scheme.toLowerCase());
}

export interface ProxyAuthBroker {
  /**
   * Credentials for one challenge of one request: `attempt` 1 may use what is remembered;
   * a later attempt means the last ones were refused, so they are forgotten and the user is asked again.
   * Null when the user cancelled (or no window can ask).
   */
  credentialsFor(challenge: ProxyChallenge, attempt: number): Promise<ProxyCredentials | null>;
  /** Whether anything is remembered for the session (served from this broker's map; Chromium's own cache is cleared after every operation). */
  remembers(): boolean;
  /**
   * The renderer's answer to request `id` (null: cancelled, also what the window's side
   * answers when the page goes away); false when no such request is pending.
   */
  answer(id: string, answer: ProxyAuthAnswer | null): boolean;
}

/**
 * How long an unanswered dialog holds its requests (and every later challenge from the same
 * proxy, which shares it): 5 minutes, then it counts as cancelled and the operation fails
 * with PROXY_AUTH_REQUIRED. Long enough to look up a password; short enough that a dialog
 * nobody sees (a window behind others, a page that lost the event) does not hang CertDesk.
 */
export const DIALOG_TIMEOUT_MS = 5 * 60_000;

/** The window question's deps; the timeout defaults to DIALOG_TIMEOUT_MS. */
export type BrokerDeps = BrokerDepsOf<ProxyAuthPrompt>;

export function createProxyAuthBroker(deps: BrokerDeps): ProxyAuthBroker {
  const questions = createWindowQuestions<ProxyAuthPrompt, ProxyAuthAnswer>({ ...deps, timeoutMs: deps.dialogTimeoutMs ?? DIALOG_TIMEOUT_MS });
  const remembered = new Map<string, ProxyCredentials>();
  // Parallel requests to one proxy share one dialog.
  const asking = new Map<string, Promise<ProxyCredentials | null>>();

  const ask = (key: string, prompt: ProxyAuthPrompt): Promise<ProxyCredentials | null> => {
    const running = asking.get(key);
    if (running) return running;
    let ended = false;
    const p = questions
      .open(prompt, (a) => {
        // Released as it ends, so the next challenge (even one in the same tick) opens a new
        // dialog instead of this finished one.
        ended = true;
        asking.delete(key);
        if (a?.remember) remembered.set(key, { username: a.username, password: a.password });
      })
      .then((a) => (a ? { username: a.username, password: a.password } : null));
    // No window to ask ends it at once: nothing to share then.
    if (!ended) asking.set(key, p);
    return p;
  };

  return {
    async credentialsFor(challenge, attempt) {
      if (!asksDialog(challenge)) return null;
      const key = `${challenge.host.toLowerCase()}:${challenge.port}`;
      if (attempt > 1) remembered.delete(key);
      const known = remembered.get(key);
      if (known) return known;
      return ask(key, { host: challenge.host, port: challenge.port, realm: challenge.realm, retry: attempt > 1 });
    },
    remembers: () => remembered.size > 0,
    answer: (id, a) => questions.answer(id, a),
  };
}
