// Read-only and full disks are made with mount (bind ro, tmpfs): root only, and only where the
// sandbox allows mounts (as on this CI). A machine limit, not a missing package: a skip, said so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether this process may mount a tmpfs; when not, `suite` says which cases it skips. */
export function canMount(suite: string): boolean {
  let ok = false;
  if (process.getuid?.() === 0) {
    const probe = mkdtempSync(join(tmpdir(), 'certdesk-mount-probe-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', probe], { stdio: 'ignore' });
      execFileSync('umount', [probe], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  }
  if (!ok) console.warn(`${suite}: mount is not permitted here: skipped`);
  return ok;
}
