// The app's first start installs this user's scheduled check (issue 27) through its own
// headless command line (`schedule install --first-start`: once, and not beside the
// installer's schedule for every user). Detached and unwaited: the window never waits for it.
import { spawn } from 'node:child_process';

export function installScheduleOnFirstStart(exe: string, warn: (line: string) => void): void {
  try {
    const p = spawn(exe, ['--headless', 'schedule', 'install', '--first-start'], { detached: true, stdio: 'ignore', windowsHide: true });
    p.on('error', (e) => warn(`certdesk: schedule install at first start: ${e.message}`));
    p.unref();
  } catch (e) {
    warn(`certdesk: schedule install at first start: ${(e as Error).message}`);
  }
}
