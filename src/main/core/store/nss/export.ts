// pk12util -o: a nickname's certificates and keys out of the db, into memory. Light (no
// certificate parsing), so that the command line can start it early (store/prefetch).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withPrivateDir } from '../temp';
import { nssFailure } from './errors';
import type { CommandRunner } from '../types';

/** How to run the NSS tools on one db. */
export interface ToolTarget {
  /** `sql:DIR` */
  db: string;
  run: CommandRunner;
  tempRoot: string | undefined;
  timeoutMs: number;
}

export interface NicknameExport {
  pkcs12: Uint8Array;
  /** The one-use password the file is encrypted under. */
  password: string;
}

/** `spawned` is called as pk12util starts (its temporary files are written by then). */
export async function exportNickname(t: ToolTarget, dbDir: string, nickname: string, spawned?: () => void): Promise<NicknameExport> {
  const password = randomBytes(24).toString('base64url');
  const pkcs12 = await withPrivateDir(t.tempRoot, async (dir) => {
    const out = join(dir.path, 'export.p12');
    // pk12util reads both passwords from files: nothing secret appears in the process list.
    const pwFile = await dir.write('p12.pw', password);
    const dbPwFile = await dir.write('db.pw', '');
    // NSS 3.87 runs PBKDF2 with 600,000 iterations for the MAC, the key bag and the
    // certificate bag; NSS_PBE_DEFAULT_ITERATION_COUNT is a compile-time constant there, not
    // an environment variable (its libraries read no such variable). The file lives for
    // milliseconds in a 0700 folder under a random 24-byte password and holds a certificate
    // that is public anyway, so the certificate bag goes unencrypted (-C NONE): one
    // derivation less. The key stays encrypted.
    const running = t.run('pk12util', ['-o', out, '-n', nickname, '-C', 'NONE', '-d', t.db, '-w', pwFile, '-k', dbPwFile], { timeoutMs: t.timeoutMs });
    spawned?.();
    const r = await running;
    if (r.code !== 0) throw nssFailure('pk12util', r, dbDir, 'read');
    return new Uint8Array(await readFile(out));
  });
  return { pkcs12, password };
}
