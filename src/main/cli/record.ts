// A record IT can collect after every status, doctor, renew and acquire: a small status file
// per user (written atomically: a reader never sees half of it) and an entry in the OS's log
// (Windows: the Application event log through eventcreate; Linux and macOS: syslog through
// logger). Neither holds a secret: codes, dates and fingerprints only.
import { execFile, spawn } from 'node:child_process';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ErrorCode, RenewalOutcome } from '../../shared/contract';
import { system32Tool } from '../../shared/windows-tools';
import { writeFileAtomic } from '../core/atomic-file';
import type { HealthState } from './verdict';

export interface RunRecord {
  version: string;
  /** ISO instant the run ended. */
  time: string;
  command: 'status' | 'doctor' | 'renew' | 'acquire' | 'check';
  exitCode: number;
  state: HealthState | 'renewed' | 'acquired';
  /** The certificate the command acted on (status: the most urgent). */
  certificate?: { fingerprint: string; notAfter: string; expiryDate: string; daysLeft: number; phase: string };
  certificateCount?: number;
  lastError?: ErrorCode;
}

/**
 * The record's view of the certificate a renewal or 取得 installed: as the core judged it
 * (`standing`: its policy, its clock — what status then lists), never a phase assumed here.
 * The command line's record and the window's take it from here.
 */
export function outcomeCertificate(o: Pick<RenewalOutcome, 'certificate' | 'standing'>): NonNullable<RunRecord['certificate']> {
  return { fingerprint: o.certificate.sha256.replace(/:/g, '').toLowerCase(), notAfter: o.certificate.notAfter, ...o.standing };
}

/** Where the status file is, per user: %LOCALAPPDATA%\CertDesk, ~/Library/Application Support/CertDesk, $XDG_STATE_HOME/certdesk. */
export function statusFilePath(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string | null {
  if (env.CERTDESK_STATUS_FILE) return env.CERTDESK_STATUS_FILE;
  if (platform === 'win32') return env.LOCALAPPDATA ? `${env.LOCALAPPDATA}\\CertDesk\\status.json` : null;
  if (!env.HOME) return null;
  if (platform === 'darwin') return join(env.HOME, 'Library', 'Application Support', 'CertDesk', 'status.json');
  return join(env.XDG_STATE_HOME || join(env.HOME, '.local', 'state'), 'certdesk', 'status.json');
}

/**
 * Why the folder of the status file is unsafe to write in, or null. Another user who owns it
 * (or any folder above it: it could swap the folder) could plant links there that turn
 * root's write into a write of a file of root's (`sudo certdesk` with HOME kept). The folder
 * and every folder up to `/` must belong to this user or to root, and none may be writable by
 * others unless sticky (/tmp). A folder not made yet is judged by the nearest existing one.
 * Windows has no uid: its per-user folders are the profile's, and the check is skipped.
 */
export async function unsafeStateFolder(dir: string, uid: number | undefined = process.getuid?.()): Promise<string | null> {
  if (uid === undefined) return null;
  let at = dir;
  let real: string | undefined;
  for (;;) {
    try {
      real = await realpath(at);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw err;
      at = dirname(at);
    }
  }
  for (let d = real; ; d = dirname(d)) {
    const st = await lstat(d);
    if (st.uid !== uid && st.uid !== 0) return `${d} belongs to uid ${st.uid}, not to this user (uid ${uid})`;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0 && st.uid !== uid) return `${d} can be changed by other users (mode ${(st.mode & 0o7777).toString(8)})`;
    if (dirname(d) === d) return null;
  }
}

/** A status folder another user controls: nothing is written there. */
export class UnsafeStateFolder extends Error {
  readonly code = 'STATE_FOLDER_NOT_OWNED';
  constructor(readonly folder: string, readonly why: string) {
    super(`The folder of the status file ${folder} is not safe to write in: ${why}. Run CertDesk as the user who owns it (sudo -H or su - keep root's own HOME), or set CERTDESK_STATUS_FILE to a file in a folder of yours.`);
  }
}

/**
 * Before a command runs: its status folder, if another user controls it, refuses the command
 * (exit 1, INVALID_INPUT with reason STATE_FOLDER_NOT_OWNED), so that nothing is done that the
 * record could not then report. A folder that cannot be judged (unreadable) is left to the
 * write, whose failure is a warning.
 */
export async function stateFolderRefusal(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): Promise<void> {
  const path = statusFilePath(env, platform);
  if (!path || platform === 'win32') return;
  const why = await unsafeStateFolder(dirname(path)).catch(() => null);
  if (!why) return;
  const e = new UnsafeStateFolder(dirname(path), why);
  throw Object.assign(e, { api: { code: 'INVALID_INPUT' as const, message: e.message, detail: { reason: 'STATE_FOLDER_NOT_OWNED', folder: dirname(path) } } });
}

/**
 * Written atomically (the core's writeFileAtomic): under a random name beside the target, created
 * new and never through a link, synced, renamed over it (rename replaces a link at the target
 * rather than following it), the folder synced.
 */
export async function writeStatusFile(path: string, record: RunRecord): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const why = await unsafeStateFolder(dir);
  if (why) throw new UnsafeStateFolder(dir, why);
  await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
}

/** Event ids (eventcreate allows 1–1000); docs/it-guide.md lists them. */
export const EVENT_IDS: Readonly<Record<RunRecord['state'], number>> = {
  ok: 100,
  renewed: 101,
  acquired: 102,
  renewalOpen: 110,
  acquireRequired: 120,
  reissueRequired: 130,
  newPc: 140,
  broken: 150,
};

const EVENT_TYPE: Readonly<Record<RunRecord['state'], 'INFORMATION' | 'WARNING' | 'ERROR'>> = {
  ok: 'INFORMATION',
  renewed: 'INFORMATION',
  acquired: 'INFORMATION',
  renewalOpen: 'WARNING',
  acquireRequired: 'WARNING',
  newPc: 'WARNING',
  reissueRequired: 'ERROR',
  broken: 'ERROR',
};

/** The event's one-line text: key=value pairs a script can parse; no quotes, no control characters. */
export function eventText(r: RunRecord): string {
  const parts = [`CertDesk ${r.version}`, `command=${r.command}`, `exit=${r.exitCode}`, `state=${r.state}`];
  if (r.certificate) parts.push(`sha256=${r.certificate.fingerprint}`, `expiry=${r.certificate.expiryDate}`, `daysLeft=${r.certificate.daysLeft}`);
  if (r.lastError) parts.push(`error=${r.lastError}`);
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  return parts.join(' ').replace(/["\u0000-\u001f\u007f]/g, '');
}

/** eventcreate's arguments; the source CertDesk is registered by the per-machine installer (build/installer.nsh). */
export function eventCreateArgs(r: RunRecord): string[] {
  return ['/T', EVENT_TYPE[r.state], '/ID', String(EVENT_IDS[r.state]), '/L', 'APPLICATION', '/SO', 'CertDesk', '/D', eventText(r)];
}

const SYSLOG_PRIORITY = { INFORMATION: 'user.info', WARNING: 'user.warning', ERROR: 'user.err' } as const;

/**
 * Linux and macOS: logger(1) writes to syslog, which journald (Linux) or the unified log
 * (macOS) keeps; `socket` names another socket (tests). The id is in the text, as Windows has it.
 */
export function loggerArgs(r: RunRecord, socket?: string): string[] {
  return [...(socket ? ['-u', socket] : []), '-t', 'certdesk', '-p', SYSLOG_PRIORITY[EVENT_TYPE[r.state]], '--', `[${EVENT_IDS[r.state]}] ${eventText(r)}`];
}

export type Exec = (file: string, args: string[]) => Promise<void>;

const execFileP: Exec = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { windowsHide: true, timeout: 15_000 }, (err) => (err ? reject(err) : resolve()));
  });

/**
 * Starts the tool and resolves once it runs (its arguments, the whole message, handed over),
 * not when it ends: the command line's exit no longer waits for syslog (logger took ~5 ms of
 * every run, issue 29). The child is detached (its own process group, stdio closed), so
 * neither the exit nor a Ctrl-C to the terminal's group cuts it short: nothing is lost.
 */
export const startDetached: Exec = (file, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });

/**
 * Writes the status file and (Windows) the event. A failure is returned as words for stderr,
 * never thrown: the command's own exit code stays the command's. `exec` replaces both the
 * awaited eventcreate run and the started-only logger (tests).
 */
export async function recordRun(r: RunRecord, env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform, exec?: Exec): Promise<string[]> {
  const problems: string[] = [];
  const path = statusFilePath(env, platform);
  if (path) {
    await writeStatusFile(path, r).catch((e: NodeJS.ErrnoException) => problems.push(e instanceof UnsafeStateFolder ? e.message : `status file ${path}: ${e.code ?? e.message}`));
  }
  if (platform === 'win32') {
    // By full path: Node on Windows runs a bare name from the current folder before PATH.
    // Awaited: eventcreate's refusal (no source registered, access denied) is reported.
    await (exec ?? execFileP)(system32Tool(env, 'eventcreate.exe'), eventCreateArgs(r)).catch((e: Error) => problems.push(`event log: ${e.message.split('\n')[0]}`));
  } else {
    // No syslog socket (a container, a minimal system) is not the user's problem: say nothing.
    await (exec ?? startDetached)('logger', loggerArgs(r)).catch(() => undefined);
  }
  return problems;
}
