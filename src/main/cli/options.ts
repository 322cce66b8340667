// What runCli takes besides argv and the terminal: the headless app's Chromium stack, and the
// tests' stand-ins for what cannot run here (another OS's record, the notifier, the scheduler).
import type { ChromiumTransport, ComposeOptions } from '../core/compose';
import type { Spawner } from './notify';
import type { ScheduleTestEnv } from './schedule/cli';

/** For tests: `check`'s notifier and lock waits. */
export interface CheckHooks {
  /** Runs the notifier (default: spawned, given up on after 5 s). */
  spawner?: Spawner;
  /** The waits for another renewal's lock. */
  busyWaitsMs?: number[];
}

export interface CliOptions {
  /** The headless app's Chromium stack: renewal presents the OS store's certificate by fingerprint. */
  chromium?: ChromiumTransport;
  /** For tests: the OS whose record (status file path, event log) is written. */
  platform?: NodeJS.Platform;
  /** For tests: runs eventcreate. */
  exec?: (file: string, args: string[]) => Promise<void>;
  /** For tests: `check`'s notifier and lock waits. */
  checkHooks?: CheckHooks;
  /** For tests: the stores, opened by the test (another OS's adapter over a recording runner). */
  openedStores?: ComposeOptions['openedStores'];
  /** For tests: `schedule`'s tool runner, file root, program and launchd offset. */
  scheduleEnv?: ScheduleTestEnv;
}
