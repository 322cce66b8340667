// Test hooks for the kill harness: inert unless CERTDESK_TEST_KILL_AT is set.
//   CERTDESK_TEST_KILL_AT      a named point ('send', 'removeOld:keyGone', …) or 'tool:N' (the Nth
//                              store-tool run, 1-based, just after it started: inside the run)
//   CERTDESK_TEST_KILL_SIGNAL  SIGKILL (default), SIGINT or SIGTERM
//   CERTDESK_TEST_KILL_GROUP   '1': signal the whole process group (the harness starts the
//                              command as a group leader), tools included, as a terminal's Ctrl-C does
// A signal the process handles (SIGINT, SIGTERM) is delivered on the next turn of the event
// loop, as a real one would be: the code goes on until it awaits.

const env = process.env;

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
  if (env.CERTDESK_TEST_KILL_AT === point) fire();
}

let toolRuns = 0;

/** Counts store-tool runs; signals inside the one the harness names ('tool:N'). Called once a tool has started. */
export function toolStarted(): void {
  const at = env.CERTDESK_TEST_KILL_AT;
  if (!at?.startsWith('tool:')) return;
  toolRuns += 1;
  if (at === `tool:${toolRuns}`) fire();
}
