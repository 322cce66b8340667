// `CertDesk --headless status|renew …`: the packaged app as a command line for IT, with
// the same options and exit codes as `certdesk` (src/main/cli.ts does the work), but with
// Chromium's network stack so that keys the OS will not export still sign the TLS
// handshake. No window, no tray, no single-instance lock.

/** The arguments after `--headless`, or null when the app was not started headless. */
export function headlessArgs(argv: readonly string[]): string[] | null {
  const i = argv.indexOf('--headless');
  if (i < 0) return null;
  return argv.slice(i + 1).filter((a) => !a.startsWith('--inspect') && !a.startsWith('--remote-debugging'));
}
