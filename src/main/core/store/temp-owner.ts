// Which process owns a private temporary folder, written into the folder's name
// (`certdesk-<pid>-<start>-XXXXXX`), so that a later start can tell a folder left by a dead
// process (a SIGKILL, a power cut) from one a running process is still using.
import { readFileSync } from 'node:fs';

export const PREFIX = 'certdesk-';
/** A folder this code made: its owner's pid and start. */
export const OWNED_NAME = /^certdesk-(\d{1,10})-(\d{1,20})-[A-Za-z0-9]{6}$/;
/** A folder made before owners were recorded (mkdtemp's six characters only). */
export const UNOWNED_NAME = /^certdesk-[A-Za-z0-9]{6}$/;

/**
 * When `pid` started, in a unit fixed for this machine; undefined when that cannot be read.
 * On Linux the kernel's start time in clock ticks since boot: exact, and unmoved by changes
 * of the wall clock (a start time in epoch seconds would drift with them and could make a
 * live process look like a different one).
 */
function linuxStart(pid: number | 'self'): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = fields[19];
  return start && /^\d+$/.test(start) ? start : undefined;
}

let own: string | undefined;

/** This process's owner tag: `<pid>-<start>`. */
export function ownerTag(): string {
  // Elsewhere than Linux the start is only a label: liveness is judged by the pid alone.
  own ??= `${process.pid}-${(process.platform === 'linux' && linuxStart('self')) || Math.round(performance.timeOrigin)}`;
  return own;
}

/** Whether the process that made a folder named with `pid` and `start` may still be running. */
export function ownerAlive(pid: number, start: string): boolean {
  if (pid === process.pid) return ownerTag() === `${pid}-${start}`;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, another user's.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (process.platform !== 'linux') return true;
  const now = linuxStart(pid);
  // Unreadable (no /proc): the pid alone, as elsewhere. Different: the pid now belongs to a
  // process started later, and the folder's owner is gone.
  return now === undefined || now === start;
}
