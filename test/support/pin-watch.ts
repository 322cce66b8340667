// Whether a secret ever reached a file under a folder while a process ran: every change the
// kernel reports there (inotify, through fs.watch on the folder and on each folder made in
// it) stops the process's group (SIGSTOP) before the tree is read, so a file that lives only
// for a moment (written, used, removed) is read while it exists; then the group continues.
// Nothing is timed: a file that holds the secret is seen at the event of its writing at the latest.
import { watch, readdirSync, readFileSync, lstatSync, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';

export interface PinWatch {
  /** Files that held the secret when read, relative to the root (each once). */
  held: string[];
  /** Every entry seen under the root while the process ran, relative, in order. */
  seen: string[];
  /** Stops watching. */
  close(): void;
}

/** A group's leader stopped (or gone): /proc/<pid>/stat's state is T, t, Z or X, or the file is missing. */
function stoppedOrGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'T' || state === 't' || state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

function signal(pid: number, s: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches `root` for `secret` while the group of `pid()` (a group leader) runs. `onEntry`: told
 * of each new entry while the group is stopped (the kill harness signals it there).
 */
export function watchForSecret(root: string, secret: string, pid: () => number | undefined, onEntry?: (rel: string, pid: number) => void): PinWatch {
  const needle = Buffer.from(secret, 'utf8');
  const watchers = new Map<string, FSWatcher>();
  const held: string[] = [];
  const seen: string[] = [];
  let closed = false;

  const scan = (dir: string, fresh: string[]) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (!seen.includes(rel)) {
        seen.push(rel);
        fresh.push(rel);
      }
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        watchDir(path);
        scan(path, fresh);
      } else if (st.isFile()) {
        try {
          if (readFileSync(path).includes(needle) && !held.includes(rel)) held.push(rel);
        } catch {
          // Removed between the listing and the read, or not ours to read.
        }
      }
    }
  };

  const onEvent = () => {
    if (closed) return;
    const leader = pid();
    const stopped = leader !== undefined && signal(leader, 'SIGSTOP');
    // The stop is delivered within microseconds; the bound only keeps a wedged process from hanging the test.
    const until = Date.now() + 10_000;
    if (stopped) while (!stoppedOrGone(leader) && Date.now() < until);
    const fresh: string[] = [];
    scan(root, fresh);
    if (stopped) {
      for (const rel of fresh) onEntry?.(rel, leader);
      signal(leader, 'SIGCONT');
    }
  };

  function watchDir(dir: string): void {
    if (watchers.has(dir) || closed) return;
    try {
      const w = watch(dir, onEvent);
      w.on('error', () => undefined);
      watchers.set(dir, w);
    } catch {
      // Gone already.
    }
  }

  watchDir(root);
  scan(root, []);
  return {
    held,
    seen,
    close() {
      closed = true;
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** Every file under `dir` whose bytes contain `secret` (relative paths). */
export function filesHolding(dir: string, secret: string): string[] {
  const needle = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(d, name);
      let st;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        try {
          if (readFileSync(path).includes(needle)) out.push(relative(dir, path));
        } catch {
          // Unreadable: not ours.
        }
      }
    }
  };
  walk(dir);
  return out;
}
