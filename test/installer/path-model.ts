// The PATH decision table of build/installer.nsh, written plainly: what the installer and the
// uninstaller do with a Path value, for NSIS's string limit `max` (NSIS_MAX_STRLEN: a string
// holds max - 1 characters). test/installer/nsis-include.test.ts checks that the include's own
// text, run by nsis-run.ts, does exactly this at and around every limit.
import type { RegValue } from './nsis-run';

export type PathRead = { state: 'ok'; value: string } | { state: 'absent' } | { state: 'unreadable' };
export type Decision = { write: string } | { keep: 'present' | 'absent' | 'unreadable' | 'tooLong' | 'semicolon' | 'notThere' };

/** What ReadRegStr and the listing of the key show. */
export function readPath(value: RegValue | undefined, keyOpens: boolean, max: number): PathRead {
  if (!keyOpens) return { state: 'unreadable' };
  if (!value) return { state: 'absent' };
  if (value.type !== 'REG_SZ' && value.type !== 'REG_EXPAND_SZ') return { state: 'unreadable' };
  // Longer than NSIS's buffer: an error. Exactly max - 1 characters read: perhaps cut short.
  if (value.data.length + (value.nul === false ? 0 : 1) > max) return { state: 'unreadable' };
  if (Math.min(value.data.length, max - 1) >= max - 1) return { state: 'unreadable' };
  return { state: 'ok', value: value.data };
}

const same = (a: string, entry: string) => a.toLowerCase() === entry.toLowerCase() || a.toLowerCase() === `${entry}\\`.toLowerCase();

/** Install: append the entry, or keep the value as it is (and say why). */
export function decideAdd(read: PathRead, entry: string, max: number): Decision {
  if (entry.includes(';')) return { keep: 'semicolon' };
  if (read.state === 'unreadable') return { keep: 'unreadable' };
  if (read.state === 'absent') return { write: entry };
  if (read.value.split(';').some((e) => same(e, entry))) return { keep: 'present' };
  const sep = read.value === '' ? '' : ';';
  const next = read.value + sep + entry;
  // Written only when the uninstaller can read it back whole (max - 2 characters at most).
  return next.length <= max - 2 ? { write: next } : { keep: 'tooLong' };
}

/** Uninstall: take exactly the entry off; never delete the value; leave what cannot be read. */
export function decideRemove(read: PathRead, entry: string): Decision {
  if (read.state === 'unreadable') return { keep: 'unreadable' };
  if (read.state === 'absent') return { keep: 'absent' };
  const parts = read.value.split(';');
  const kept = parts.filter((e) => !same(e, entry));
  return kept.length === parts.length ? { keep: 'notThere' } : { write: kept.join(';') };
}
