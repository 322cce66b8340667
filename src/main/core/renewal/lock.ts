// One renewal at a time per user, across processes (the app and the CLI): an exclusive
// lock file holding the owner's pid. A lock whose pid is gone (killed, crashed) is stale
// and taken over, so a SIGKILL never blocks the next start.
import { open, readFile, rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreError } from '../errors';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'renewal.lock');
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CoreError('JOURNAL_WRITE_FAILED', `The lock file ${file} cannot be created (${(err as NodeJS.ErrnoException).code}). Check the folder's permissions.`);
      }
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new CoreError('BUSY', 'Another CertDesk renewal is running on this PC. Wait for it to finish, then try again.', { pid });
      }
      await rm(file, { force: true });
    }
  }
  throw new CoreError('BUSY', 'Another CertDesk renewal is starting at the same moment. Try again.');
}
