// At start, the private folders (temp.ts) that a dead process left behind are removed: a
// SIGKILL or a power cut gives no chance to clean up, and such a folder can hold a
// decryptable private key beside its password. Only this user's real folders (never a
// symlink, never another user's), only when their owner is gone; a folder from before owners
// were recorded only when it is older than an hour. The PIN folders of older versions
// (`certdesk-pin-XXXXXX`, the token's PIN in a file for OpenSSL's engine) always: no version
// makes them any more, and what they hold is a PIN.
import { lstat, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNED_NAME, ownerAlive, PREFIX, UNOWNED_NAME } from './temp-owner';

const UNOWNED_MAX_AGE_MS = 60 * 60 * 1000;
/** Older versions' PIN folder (mkdtemp's six characters), made and removed around one engine login. */
export const LEGACY_PIN_NAME = /^certdesk-pin-[A-Za-z0-9]{6}$/;

export interface SweepResult {
  removed: string[];
  /** Folders that matched but were left: a live owner, another user's, too young, a symlink. */
  kept: string[];
}

/** Removes stale private folders in `root` (default: the temporary folder). Never throws. */
export async function sweepStaleDirs(root: string = tmpdir(), now: number = Date.now()): Promise<SweepResult> {
  const result: SweepResult = { removed: [], kept: [] };
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return result;
  }
  const uid = process.getuid?.();
  await Promise.all(
    names
      .filter((n) => n.startsWith(PREFIX) && (OWNED_NAME.test(n) || UNOWNED_NAME.test(n) || LEGACY_PIN_NAME.test(n)))
      .map(async (name) => {
        const path = join(root, name);
        if (await stale(path, name, uid, now)) {
          try {
            await rm(path, { recursive: true, force: true, maxRetries: 3 });
            result.removed.push(path);
            return;
          } catch {
            // Kept: the next start tries again.
          }
        }
        result.kept.push(path);
      }),
  );
  return result;
}

async function stale(path: string, name: string, uid: number | undefined, now: number): Promise<boolean> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    return false;
  }
  if (!st.isDirectory()) return false;
  // On Windows there is no uid; the temporary folder is the user's own there.
  if (uid !== undefined && st.uid !== uid) return false;
  if (LEGACY_PIN_NAME.test(name)) return true;
  const owned = OWNED_NAME.exec(name);
  if (owned) return !ownerAlive(Number(owned[1]), owned[2]!);
  return now - st.mtimeMs > UNOWNED_MAX_AGE_MS;
}
