// The packaged app run as `CertDesk --headless <command> …`: the command line of
// src/main/cli.ts with the process's own streams, then exit with its code.
import { app } from 'electron';
import { createChromiumTransport } from '../net/chromium-transport';
import { runCli } from '../cli';
import { installedPolicyLayers } from '../core/compose';
import { policyOptionRefusal } from './headless-args';
import { EXIT } from '../../shared/error-policy';

export async function runHeadless(args: string[]): Promise<void> {
  // No dock icon, no window: a command line that happens to live in the app bundle.
  app.dock?.hide();
  await app.whenReady();
  let code: number;
  try {
    // --policy in the installed app: no network path, none over the bank's or IT's policy (headless-args).
    const refusal = app.isPackaged ? await policyOptionRefusal(args, installedPolicyLayers) : null;
    if (refusal) process.stderr.write(`${refusal}\n`);
    // Chromium's stack: keys the OS will not export still sign the TLS handshake.
    code = refusal ? EXIT.usage : await runCli(args, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }, { chromium: createChromiumTransport() });
  } catch (err) {
    process.stderr.write(`certdesk: ${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
  process.stdout.write('', () => app.exit(code));
}
