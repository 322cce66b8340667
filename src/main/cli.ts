// The `certdesk` command line: the same core as the app, for IT and the helpdesk. Exit codes
// (the error policy's EXIT, the table in EXIT_TABLE and docs/it-guide.md): 0 done or healthy,
// 1 broken, 2 usage, 3 renewal not open yet (renew), 4 取得, 5 再発行, 6 renewal open,
// 7 new PC. With --json, stdout holds exactly one JSON document, usage errors included:
// { ok, result } or { ok: false, error: { code, message, … } }.
//
// This file is the entry (the bundle's, and the headless app's runCli): the program is
// cli/run.ts, each command one module in cli/commands/, what is printed cli/output.ts. The core
// (pki, EST, store, vault) loads only when a command runs: --help, usage errors and bad
// arguments answer without it.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli/run';
import { safe, safeLines } from './cli/safe-text';

export { runCli };
export { EXIT_TABLE } from './cli/exit-table';
export type { CliIo } from './cli/io';
export type { CliOptions } from './cli/options';

function isEntry(): boolean {
  // Inside Electron the headless mode calls runCli itself; argv[1] there is a user argument.
  if (process.versions.electron) return false;
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    const self = realpathSync(fileURLToPath(import.meta.url));
    const entry = realpathSync(argv1);
    return entry === self || /(?:^|[\\/])certdesk(?:\.js)?$/.test(entry) || /(?:^|[\\/])certdesk(?:\.js)?$/.test(argv1);
  } catch {
    return false;
  }
}

if (isEntry()) {
  // A rejection nobody handled is a bug, but Node's own report would print its message raw
  // (a file name with control characters in it) and end the process mid-command: it is shown
  // escaped instead, and the command's own exit code stands.
  process.on('unhandledRejection', (e) => {
    process.stderr.write(safeLines(`certdesk: internal error (please report): ${safe(e instanceof Error ? e.message : String(e))}\n`));
  });
  // No top-level await: the bundle is also built as CommonJS, which V8's code cache loads (scripts/cli-loader.mjs).
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then((code) => {
    // Let stdout drain into a pipe before exiting; exit explicitly so no idle handle keeps us alive.
    process.stdout.write('', () => process.exit(code));
  });
}
