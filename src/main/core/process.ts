// What the OS says about another process: whether it runs, and when it started, so that a
// pid a later process reuses is told apart from the one that wrote a lock, a temporary
// folder's name or a Firefox profile lock. Usable by every core layer.
import { readFileSync } from 'node:fs';

/** Whether a process with this pid exists (EPERM: it does, and belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When `pid` started; undefined off Linux or when unreadable. Linux: field 22 of
 * /proc/PID/stat, clock ticks since boot — exact, and unmoved by changes of the wall clock.
 */
export function processStart(pid: number | 'self'): string | undefined {
  if (process.platform !== 'linux') return undefined;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
  return start && /^\d+$/.test(start) ? start : undefined;
}
