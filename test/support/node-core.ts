// The core's process as the tests run it: the built entry (out/main/core-process.js, what the
// app starts as a utilityProcess) forked under plain Node, composeCore inside it, driven by
// main's own channel client (src/main/app/core-client.ts). Nothing of the core is assembled
// here: the test only chooses the policy file and the environment, and may move the clock.
import { join } from 'node:path';
import { startCoreClient, type CoreClient, type CoreHost, type CorePort } from '../../src/main/app/core-client';
import { forkCore } from '../../src/main/app/core-fork';
import type { CoreStart } from '../../src/shared/core-channel';
import { CORE_ENTRY, ensureBuilt } from './built';

const CLOCK = join(process.cwd(), 'test/support/test-clock.mjs');

export interface NodeCore {
  client: CoreClient;
  /** Every process started, first first (a killed one stays listed). */
  ports: CorePort[];
  /** Moves the core's clock (null = real time); takes effect before the next call. */
  setClock(at: Date | null): void;
  stop(): void;
}

export interface NodeCoreOptions {
  policyFile: string;
  /** The core's environment (HOME, CERTDESK_DATA_DIR, …); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** The nth process's environment (1-based), e.g. a kill point for the first only. */
  envFor?: (n: number) => NodeJS.ProcessEnv | undefined;
  host?: Partial<CoreHost>;
  start?: Partial<Extract<CoreStart, { mode: 'desktop' }>>;
}

export function startNodeCore(o: NodeCoreOptions): NodeCore {
  ensureBuilt();
  const ports: CorePort[] = [];
  let clock: number | null = null;
  const spawn = () => {
    const env = o.envFor?.(ports.length + 1) ?? o.env ?? process.env;
    // Only the clock hook: the test runner's own loaders (tsx, vitest) stay out of the core.
    const port = forkCore(CORE_ENTRY, { env, execArgv: ['--import', CLOCK] });
    if (clock !== null) (port.send as (m: unknown) => void)({ t: 'test:clock', at: clock });
    ports.push(port);
    return port;
  };
  const host: CoreHost = { event: () => undefined, log: () => undefined, ...o.host };
  const client = startCoreClient(spawn, { mode: 'desktop', policyFile: o.policyFile, pinAsks: 3, chromium: false, versions: { test: '1' }, ...o.start }, host);
  return {
    client,
    ports,
    setClock(at) {
      clock = at ? at.getTime() : null;
      (ports.at(-1)!.send as (m: unknown) => void)({ t: 'test:clock', at: clock });
    },
    stop: () => client.stop(),
  };
}
