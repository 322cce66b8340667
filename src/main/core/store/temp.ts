// Private scratch space for PKCS#12 files and password files: a fresh 0700 folder, files
// 0600, removed in `finally` whatever happens inside.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreError } from '../errors';

export interface PrivateDir {
  path: string;
  /** Writes a file readable by this user only (0600) and returns its path. */
  write(name: string, data: Uint8Array | string): Promise<string>;
}

export async function withPrivateDir<T>(root: string | undefined, fn: (dir: PrivateDir) => Promise<T>): Promise<T> {
  let path: string;
  try {
    // mkdtemp creates the folder 0700.
    path = await mkdtemp(join(root ?? tmpdir(), 'certdesk-'));
  } catch (err) {
    throw new CoreError('STORE_WRITE_FAILED', `A private temporary folder could not be created (${(err as NodeJS.ErrnoException).code ?? 'error'}): free disk space or check the temporary folder's permissions.`, { reason: 'TEMP_DIR' }, { cause: err });
  }
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
    await rm(path, { recursive: true, force: true });
  }
}
