// One renewal at a time, across processes (the app and the CLI), per data folder (its
// journal) and per store (whatever the data folder). A lock is a file that appears whole:
// its content (pid, process start time, host) is written to a private temp file first and
// link()ed into place, so EEXIST means "held" and a reader never sees it half-written.
// A holder that is gone (killed, crashed, or its pid now names another process) leaves a
// stale lock, taken over under a short takeover lock so that two takers never both win.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { CoreError } from '../errors';
import { processAlive as alive, processStart } from '../process';
import { errnoOf } from '../../../shared/error-reasons';

export { processStart };

export interface LockOwner {
  pid: number;
  /** The process's start time as the OS tells it (Linux: /proc/PID/stat field 22); absent where it is not cheap to read. */
  start?: string;
  host: string;
}

/** What the lock protects, for the error messages ("the data folder …", "the NSS db …"). */
export interface LockTarget {
  file: string;
  what: string;
  /** The error when the lock cannot be created at all (default JOURNAL_WRITE_FAILED: the data folder). */
  unwritable?: 'JOURNAL_WRITE_FAILED' | 'STORE_WRITE_FAILED';
}

/** A takeover lock older than this belongs to a taker that died inside its few milliseconds. */
const TAKEOVER_STALE_MS = 10_000;
/** A lock without readable content (an older CertDesk wrote it empty first) is a starter's for this long at most. */
const UNREADABLE_STALE_MS = 10_000;

export function currentOwner(): LockOwner {
  const start = processStart(process.pid);
  return { pid: process.pid, ...(start ? { start } : {}), host: hostname() };
}

function parseOwner(text: string): LockOwner | null {
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(v.pid) && (v.pid as number) > 0 && typeof v.host === 'string') {
      return { pid: v.pid!, host: v.host, ...(typeof v.start === 'string' ? { start: v.start } : {}) };
    }
  } catch {
    // An older CertDesk wrote the bare pid.
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? { pid, host: hostname() } : null;
}

type Verdict = { stale: true } | { stale: false; owner: LockOwner | null };

/** Judges a lock by its content; `ageMs` decides only for a lock whose content cannot be read. */
function judge(owner: LockOwner | null, ageMs: number): Verdict {
  if (!owner) return ageMs > UNREADABLE_STALE_MS ? { stale: true } : { stale: false, owner: null };
  if (owner.host !== hostname()) return { stale: false, owner };
  if (!alive(owner.pid)) return { stale: true };
  // A live pid with another start time is a different process that reuses the number.
  if (owner.start !== undefined) {
    const now = processStart(owner.pid);
    if (now !== undefined && now !== owner.start) return { stale: true };
  }
  return { stale: false, owner };
}

async function readLock(file: string): Promise<{ text: string; ageMs: number } | null> {
  try {
    const [text, st] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    return { text, ageMs: Date.now() - st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function busy(target: LockTarget, owner: LockOwner | null): CoreError {
  if (!owner) {
    return new CoreError('BUSY', `Another CertDesk renewal of ${target.what} is starting at this moment. Wait a few seconds, then try again.`, { lockFile: target.file });
  }
  if (owner.host !== hostname()) {
    return new CoreError(
      'BUSY',
      `A CertDesk renewal of ${target.what} is running on the computer "${owner.host}" (process ${owner.pid}). Let it finish there. If no CertDesk runs on "${owner.host}", delete the lock file ${target.file}, then try again.`,
      { lockFile: target.file, host: owner.host, pid: owner.pid },
    );
  }
  return new CoreError(
    'BUSY',
    `Another CertDesk renewal of ${target.what} is running on this PC (process ${owner.pid}). Wait for it to finish (or close the other CertDesk window), then try again.`,
    { lockFile: target.file, pid: owner.pid },
  );
}

function ioError(target: LockTarget, err: unknown): CoreError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new CoreError(target.unwritable ?? 'JOURNAL_WRITE_FAILED', `The lock file ${target.file} for ${target.what} cannot be created (${code}), so ${target.what} cannot be written. Check that its folder is writable (permissions, a read-only disk), then try again.`, {
    reason: errnoOf(err) ?? 'error',
    lockFile: target.file,
  });
}

/** Writes `content` to a private temp file beside `file`; the caller links it into place. */
async function privateCopy(file: string, content: string): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(content, 'utf8');
  } finally {
    await fh.close();
  }
  return tmp;
}

/** Atomic create-with-content: true when `file` now holds our copy, false when it already existed. */
async function linkInto(tmp: string, file: string): Promise<boolean> {
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * Takes over `target.file` when it still holds `staleText`. Only the holder of the takeover
 * lock removes a lock, so two takers that both judged it stale cannot both replace it.
 */
async function takeOver(target: LockTarget, tmp: string, staleText: string): Promise<boolean> {
  const guard = `${target.file}.takeover`;
  if (!(await linkInto(tmp, guard))) {
    const g = await stat(guard).catch(() => null);
    // A taker killed inside the takeover: its guard goes after a while, then the next try takes over.
    if (g && Date.now() - g.mtimeMs > TAKEOVER_STALE_MS) await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    const now = await readLock(target.file);
    if (now && now.text !== staleText) return false;
    if (now) await unlink(target.file);
    return await linkInto(tmp, target.file);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Takes one lock or throws BUSY naming its holder. Resolves to the release function. */
export async function acquireLock(target: LockTarget): Promise<() => Promise<void>> {
  const mine = JSON.stringify(currentOwner());
  let tmp: string;
  try {
    await mkdir(dirname(target.file), { recursive: true, mode: 0o700 });
    tmp = await privateCopy(target.file, mine);
  } catch (err) {
    throw ioError(target, err);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await linkInto(tmp, target.file)) return () => release(target.file, mine);
      const held = await readLock(target.file);
      if (!held) continue; // released in between
      const verdict = judge(parseOwner(held.text), held.ageMs);
      if (!verdict.stale) throw busy(target, verdict.owner);
      if (await takeOver(target, tmp, held.text)) return () => release(target.file, mine);
    }
    throw busy(target, null);
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw ioError(target, err);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function release(file: string, mine: string): Promise<void> {
  // Only our own lock: after a takeover of a lock judged stale by mistake it is no longer ours.
  const held = await readFile(file, 'utf8').catch(() => null);
  if (held === mine) await unlink(file).catch(() => undefined);
}

/**
 * The data folder's lock (its journal), then each store's, in the order of their paths: two
 * runs that share stores always take them in one order. All or none.
 */
export async function acquireRenewalLocks(dataDir: LockTarget, ...stores: LockTarget[]): Promise<() => Promise<void>> {
  const byPath = new Map(stores.map((s) => [s.file, s] as const));
  const ordered = [dataDir, ...[...byPath.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))];
  const held: Array<() => Promise<void>> = [];
  const releaseAll = async () => {
    for (const unlock of held.splice(0).reverse()) await unlock().catch(() => undefined);
  };
  try {
    for (const target of ordered) held.push(await acquireLock(target));
  } catch (err) {
    await releaseAll();
    throw err;
  }
  return releaseAll;
}
