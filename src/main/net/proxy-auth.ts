// The app's answer to a proxy that asks for a user name and password (Chromium's `login`
// event with isProxy): CertDesk's own dialog in the window, through a pending request the
// renderer answers by id. Credentials live in this process's memory only, never on disk:
// kept until the app quits when the user ticks "remember for this session", else used for
// the one operation. NTLM and Negotiate are Chromium's (the Windows logon): no dialog.

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
  /** Whether anything is remembered for the session (else the operation's credentials are dropped when it ends). */
  remembers(): boolean;
  /** The renderer's answer to request `id`; false when no such request is pending. */
  answer(id: string, answer: ProxyAuthAnswer | null): boolean;
}

export interface BrokerDeps {
  /** Shows the dialog: sends the request to the window; false when there is no window to ask. */
  ask(id: string, prompt: ProxyAuthPrompt): boolean;
  /** A fresh unguessable id per request. */
  newId(): string;
}

export function createProxyAuthBroker(deps: BrokerDeps): ProxyAuthBroker {
  const remembered = new Map<string, ProxyCredentials>();
  const pending = new Map<string, (a: ProxyAuthAnswer | null) => void>();
  // Parallel requests to one proxy share one dialog.
  const asking = new Map<string, Promise<ProxyCredentials | null>>();

  const ask = (key: string, prompt: ProxyAuthPrompt): Promise<ProxyCredentials | null> => {
    const running = asking.get(key);
    if (running) return running;
    const id = deps.newId();
    const answered = new Promise<ProxyAuthAnswer | null>((resolve) => pending.set(id, resolve));
    if (!deps.ask(id, prompt)) {
      pending.delete(id);
      return Promise.resolve(null);
    }
    const p = answered.then((a) => {
      asking.delete(key);
      if (!a) return null;
      if (a.remember) remembered.set(key, { username: a.username, password: a.password });
      return { username: a.username, password: a.password };
    });
    asking.set(key, p);
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
    answer(id, a) {
      const resolve = pending.get(id);
      if (!resolve) return false;
      pending.delete(id);
      resolve(a);
      return true;
    },
  };
}
