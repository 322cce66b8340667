// Private scratch space for PKCS#12 files and password files: a fresh 0700 folder, files
// 0600, removed in `finally` whatever happens inside, and on the way out of a process that
// dies mid-way: SIGINT (Ctrl-C), SIGTERM, SIGHUP and process.exit remove every live folder
// before the process ends. A SIGKILL cannot be caught: the folder's name records its owner
// (temp-owner.ts) and the next start's sweep (temp-sweep.ts) removes it.
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreError } from '../errors';
import { ownerTag, PREFIX } from './temp-owner';

export interface PrivateDir {
  path: string;
  /** Writes a file readable by this user only (0600) and returns its path. */
  write(name: string, data: Uint8Array | string): Promise<string>;
}

const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function removeLiveSync(): void {
  for (const path of live) {
    try {
      // A tool still running may create a file between the listing and rmdir: retry.
      rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 10 });
      live.delete(path);
    } catch {
      // Left for the next start's sweep: it carries our name.
    }
  }
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  removeLiveSync();
  // Someone else handles this signal (a graceful shutdown): theirs to end the process.
  if (process.listenerCount(signal) > 1) return;
  // Otherwise end as the signal would have without us: re-raised with the default action, so
  // a parent sees "killed by SIGINT"; 128+n where it cannot be re-raised.
  process.removeListener(signal, handlers[signal]);
  try {
    process.kill(process.pid, signal);
  } catch {
    // Fall through to the exit code.
  }
  process.exit(128 + (constants.signals[signal] ?? 0));
}

const handlers = Object.fromEntries(SIGNALS.map((s) => [s, () => onSignal(s)])) as Record<(typeof SIGNALS)[number], () => void>;

/** Installed on the first folder only: a process that never writes a key keeps the default signal handling. */
function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, handlers[s]);
  process.on('exit', removeLiveSync);
}

export async function withPrivateDir<T>(root: string | undefined, fn: (dir: PrivateDir) => Promise<T>): Promise<T> {
  installHandlers();
  let path: string;
  try {
    // mkdtemp creates the folder 0700.
    path = await mkdtemp(join(root ?? tmpdir(), `${PREFIX}${ownerTag()}-`));
  } catch (err) {
    throw new CoreError('STORE_WRITE_FAILED', `A private temporary folder could not be created (${(err as NodeJS.ErrnoException).code ?? 'error'}): free disk space or check the temporary folder's permissions.`, { reason: 'TEMP_DIR' }, { cause: err });
  }
  live.add(path);
  const dir: PrivateDir = {
    path,
    async write(name, data) {
      const file = join(path, name);
      await writeFile(file, data, { mode: 0o600, flag: 'wx' });
      return file;
    },
  };
  try {
    return await fn(dir);
  } finally {
    await rm(path, { recursive: true, force: true, maxRetries: 3 });
    live.delete(path);
  }
}
