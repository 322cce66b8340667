// A suite that needs a system package skips with a warning on a developer's machine, but under
// CI=true a missing package is a failure: CI installs every package the suites need, so a skip
// there means an install step is missing, and a skipped suite would hide it.
import { spawnSync } from 'node:child_process';

/** `why` (a sentence naming the package) when something is missing, else null; under CI=true a missing package throws. */
export function required(why: string | null): string | null {
  if (why && process.env.CI === 'true') throw new Error(`CI=true and a package a test needs is missing: ${why}`);
  return why;
}

/** The command's path, or '' where it is not installed (then `required` decides skip or fail). */
export function commandPath(cmd: string, apt: string, suite: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
  if (!found && required(`${cmd} is not installed (apt-get install ${apt}): ${suite} is skipped`)) console.warn(`${suite}: ${cmd} is not installed (apt-get install ${apt}); skipped.`);
  return found;
}
