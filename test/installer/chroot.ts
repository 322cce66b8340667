// Runs an installer's script for real, as root, in a chroot whose /usr is this machine's
// (bound read-only) and whose other folders are the test's, inside a private mount namespace
// (unshare -m), so nothing of the machine's own is touched and nothing outlives the run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { required } from '../support/required';

/** null when chroot and mount namespaces work here; else why not (a missing unshare under CI=true: thrown). */
export function chrootUnavailable(scratch: string, suite: string): string | null {
  let why: string | null = null;
  if (process.getuid?.() !== 0) why = `${suite} runs as root (chroot, mount)`;
  else {
    const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind '${scratch}' '${scratch}'`], { encoding: 'utf8' });
    // unshare missing is a missing package (util-linux): under CI=true that fails. A sandbox that
    // refuses mount namespaces is the machine's limit, not a missing install step: a skip, said so.
    if (r.error) return required(`unshare is not installed (apt-get install util-linux): ${suite} is skipped`);
    if (r.status !== 0) why = `unshare -m / mount failed (${r.stderr.trim()}): ${suite} needs a mount namespace`;
  }
  if (why) console.warn(`${why}; skipped.`);
  return why;
}

/** A root folder with usr/ to bind onto and the merged-/usr links (bin, lib, lib64, sbin). */
export function makeRoot(root: string): void {
  mkdirSync(join(root, 'usr'), { recursive: true });
  for (const d of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${d}`, join(root, d));
}

/** Runs `command` (paths inside the root) with `binds` ([host folder, path inside the root]) mounted after /usr. */
export function runInChroot(root: string, command: string[], binds: Array<[string, string]> = []): { code: number | null; stderr: string } {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const mounts = [`mount --rbind /usr ${q(`${root}/usr`)}`, `mount -o remount,bind,ro ${q(`${root}/usr`)}`, ...binds.map(([from, to]) => `mount --bind ${q(from)} ${q(join(root, to))}`)];
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `${mounts.join(' && ')} && exec chroot ${q(root)} ${command.map(q).join(' ')}`], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}
