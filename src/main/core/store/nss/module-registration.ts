// A PKCS#11 module (tpm2-pkcs11, softhsm2, a smart card's) registered in an NSS db, so that
// Chromium and Firefox reading that db find the certificate and key in its token (and ask
// its PIN at login). modutil writes the db's pkcs11.txt; the db's own list is read first,
// so registering twice does nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreError } from '../../errors';
import { createCommandRunner } from '../runner';
import type { CommandRunner } from '../types';

export interface ModuleRegistration {
  dbDir: string;
  /** The name the browser's device list shows. */
  name: string;
  library: string;
  run?: CommandRunner;
}

/** Whether pkcs11.txt of the db already loads this library (modutil -list says the same, slower). */
export async function isModuleRegistered(dbDir: string, library: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(dbDir, 'pkcs11.txt'), 'utf8');
  } catch {
    return false;
  }
  return text.split(/\r?\n/).some((line) => line.trim() === `library=${library}`);
}

export async function registerModule(r: ModuleRegistration): Promise<void> {
  if (await isModuleRegistered(r.dbDir, r.library)) return;
  const run = r.run ?? createCommandRunner();
  // -force: modutil otherwise asks on the terminal whether the browser is closed.
  const out = await run('modutil', ['-dbdir', `sql:${r.dbDir}`, '-add', r.name, '-libfile', r.library, '-force'], { timeoutMs: 60_000 });
  if (out.code !== 0 && !/already exists/i.test(out.stdout + out.stderr)) {
    const line = (out.stderr || out.stdout).trim().split(/\r?\n/).pop() ?? '';
    throw new CoreError('STORE_WRITE_FAILED', `The token's module ${r.library} could not be registered in the NSS db ${r.dbDir} (modutil: ${line.slice(0, 200)}). Close all browsers and try again.`, { reason: 'MODULE_REGISTRATION' });
  }
  if (!(await isModuleRegistered(r.dbDir, r.library))) {
    throw new CoreError('STORE_WRITE_FAILED', `modutil reported success but the module ${r.library} is not in the NSS db ${r.dbDir}. Close all browsers and try again.`, { reason: 'MODULE_REGISTRATION' });
  }
}
