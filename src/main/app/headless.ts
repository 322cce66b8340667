// The packaged app run as `CertDesk --headless <command> …`: the command line of
// src/main/cli.ts, run in the core's own process (as the window's core is: no PKCS#11 module
// in this one), with this process's terminal and Chromium's network stack, then exit with its code.
import { app } from 'electron';
import { join } from 'node:path';
import { createChromiumTransport } from '../net/chromium-transport';
import { denyAllPermissions } from './security';
import { runCliOverCore } from './headless-core';
import { spawnCoreProcess } from './core-spawn';

export async function runHeadless(args: string[]): Promise<void> {
  // No dock icon, no window: a command line that happens to live in the app bundle.
  app.dock?.hide();
  await app.whenReady();
  let code: number;
  try {
    // Chromium's stack: keys the OS will not export still sign the TLS handshake.
    const entry = join(app.getAppPath(), 'out', 'main', 'core-process.js');
    code = await runCliOverCore(() => spawnCoreProcess(entry), args, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, { chromium: createChromiumTransport({ denyPermissions: denyAllPermissions }), packaged: app.isPackaged });
  } catch (err) {
    process.stderr.write(`certdesk: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
  process.stdout.write('', () => app.exit(code));
}
