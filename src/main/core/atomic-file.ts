// One way to replace a small file whole, for every layer (the scheduled check's ledger, the
// ledger of keys to remove, the command line's status file): a reader sees the old file or the
// new one, never half of either, and a power cut after the call returns keeps the new one.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `data` to `path` atomically. Beside the target under a random name, created new
 * (O_EXCL, which also refuses a link planted at that name) and never through a link
 * (O_NOFOLLOW), mode 0600; written and fsynced; renamed over the target (atomic on one volume,
 * and it replaces a link at the target rather than following it); then the folder is fsynced,
 * so the rename itself is on disk. The folder must exist. On any failure the temporary file is
 * removed and the error thrown as it came.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      await fh.writeFile(data, typeof data === 'string' ? 'utf8' : undefined);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncFolder(dirname(path));
}

/**
 * fsync of a folder: a rename or a removal in it survives a power cut. Windows cannot open a
 * folder for fsync (its rename is durable enough there); a file system that cannot sync a
 * folder (EINVAL, ENOTSUP: some network and FUSE mounts) gives what it can.
 */
export async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
  } finally {
    await fh.close();
  }
}
