// Test hooks for the kill harness (test/kill): inert unless one of these is set.
//   CERTDESK_TEST_KILL_AT      a named point ('send', 'removeOld:keyGone', …) or 'tool:N' (the Nth
//                              store-tool run, 1-based, just after it started: inside the run)
//   CERTDESK_TEST_KILL_SIGNAL  SIGKILL (default), SIGINT or SIGTERM
//   CERTDESK_TEST_KILL_GROUP   '1': signal the whole process group (the harness starts the
//                              command as a group leader), tools included, as a terminal's Ctrl-C does
//   CERTDESK_TEST_KILL_LOG     a file: one line per point passed and per tool run started
//                              (`<ms since start> point <name>` / `<ms> tool <N> <tool> <first argument>`),
//                              written synchronously so that the lines before a kill are all there.
//                              The harness counts the tool runs of a whole renewal from it, aims
//                              its own signals after a point, and tells where each kill landed.
// A signal the process handles (SIGINT, SIGTERM) is delivered on the next turn of the event
// loop, as a real one would be: the code goes on until it awaits.
import { appendFileSync } from 'node:fs';

const env = process.env;

function log(line: string): void {
  const file = env.CERTDESK_TEST_KILL_LOG;
  if (!file) return;
  try {
    appendFileSync(file, `${performance.now().toFixed(2)} ${line}\n`);
  } catch {
    // A test hook never fails the run it observes.
  }
}

function fire(): void {
  const signal = (env.CERTDESK_TEST_KILL_SIGNAL as NodeJS.Signals | undefined) ?? 'SIGKILL';
  if (env.CERTDESK_TEST_KILL_GROUP === '1') {
    try {
      process.kill(-process.pid, signal);
      return;
    } catch {
      // Not a group leader: the process alone.
    }
  }
  process.kill(process.pid, signal);
}

/** Signals this process right after `point` (journal steps, store edits), when the harness names it. */
export function killPoint(point: string): void {
  log(`point ${point}`);
  if (env.CERTDESK_TEST_KILL_AT === point) fire();
}

let toolRuns = 0;

/** Counts store-tool runs; signals inside the one the harness names ('tool:N'). Called once a tool has started. */
export function toolStarted(tool = '', firstArg = ''): void {
  toolRuns += 1;
  log(`tool ${toolRuns} ${tool} ${firstArg}`.trimEnd());
  if (env.CERTDESK_TEST_KILL_AT === `tool:${toolRuns}`) fire();
}
