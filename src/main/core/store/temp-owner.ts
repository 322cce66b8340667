// Which process owns a private temporary folder, written into the folder's name
// (`certdesk-<pid>-<start>-XXXXXX`), so that a later start can tell a folder left by a dead
// process (a SIGKILL, a power cut) from one a running process is still using.
import { processAlive, processStart } from '../process';

export const PREFIX = 'certdesk-';
/** A folder this code made: its owner's pid and start. */
export const OWNED_NAME = /^certdesk-(\d{1,10})-(\d{1,20})-[A-Za-z0-9]{6}$/;
/** A folder made before owners were recorded (mkdtemp's six characters only). */
export const UNOWNED_NAME = /^certdesk-[A-Za-z0-9]{6}$/;

let own: string | undefined;

/** This process's owner tag: `<pid>-<start>`. */
export function ownerTag(): string {
  // Elsewhere than Linux the start is only a label: liveness is judged by the pid alone.
  own ??= `${process.pid}-${processStart('self') ?? Math.round(performance.timeOrigin)}`;
  return own;
}

/** Whether the process that made a folder named with `pid` and `start` may still be running. */
export function ownerAlive(pid: number, start: string): boolean {
  if (pid === process.pid) return ownerTag() === `${pid}-${start}`;
  if (!processAlive(pid)) return false;
  const now = processStart(pid);
  // Unreadable (no /proc): the pid alone, as elsewhere. Different: the pid now belongs to a
  // process started later, and the folder's owner is gone.
  return now === undefined || now === start;
}
