// `certdesk schedule install|remove|status [--all-users]`: writes and registers each OS's
// schedule, idempotently (install over an installed one replaces it; remove of nothing is
// done). The OS's tools run by argument array through `run` (tests check them exactly).
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { system32Tool } from '../../../shared/windows-tools';
import { PLIST_NAME, launchAgentPlist } from './launchd';
import { SCHEDULE_LABEL, type ScheduleSpec } from './spec';
import { UNIT, autostartEntry, serviceUnit, timerUnit } from './systemd';
import { schtasksCreateArgs, schtasksDeleteArgs, schtasksQueryArgs, taskName, taskXml, utf16le } from './windows-task';

export type Run = (file: string, args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface ScheduleEnv {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  run: Run;
  /** Tests: a folder standing for / (machine-wide files) and the home. */
  root?: string;
  /** The user's id (macOS launchctl's gui/<uid> domain). */
  uid?: number;
  /** launchd: the baked-in minute offset (default: drawn at random). */
  offsetMinutes?: number;
  /** Linux: whether a systemd user session (or, for all users, systemd itself) is there; default asks systemctl. */
  systemd?: boolean;
}

export type ScheduleKind = 'task' | 'launchagent' | 'systemd' | 'autostart';

export interface ScheduleStatus {
  kind: ScheduleKind;
  allUsers: boolean;
  installed: boolean;
  /** The task name, or the files. */
  where: string[];
  /** What the installed schedule says (the task's XML, the plist, the timer): for the helpdesk. */
  content?: string;
  /** Autostart: at login only (no daily run). */
  note?: string;
}

const under = (o: ScheduleEnv, p: string) => (o.root ? join(o.root, p) : p);
const home = (o: ScheduleEnv) => {
  const h = o.env.HOME;
  if (!h) throw new Error('HOME is not set: the per-user schedule cannot be placed.');
  return o.root ? join(o.root, h) : h;
};

async function must(o: ScheduleEnv, file: string, args: string[]): Promise<string> {
  const r = await o.run(file, args);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.code}): ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
  return r.stdout;
}

async function writeScheduleFile(file: string, text: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { mode: 0o644 });
}

// ---- Windows ----------------------------------------------------------------------------

const windowsUser = (o: ScheduleEnv) => {
  const { USERDOMAIN, USERNAME } = o.env;
  if (!USERNAME) throw new Error('USERNAME is not set: the per-user task cannot name its user.');
  return USERDOMAIN ? `${USERDOMAIN}\\${USERNAME}` : USERNAME;
};

const schtasks = (o: ScheduleEnv) => system32Tool(o.env, 'schtasks.exe');

async function windows(action: 'install' | 'remove' | 'status', spec: ScheduleSpec, o: ScheduleEnv): Promise<ScheduleStatus> {
  const user = spec.allUsers ? undefined : windowsUser(o);
  const name = taskName(spec.allUsers, user);
  const base = { kind: 'task' as const, allUsers: spec.allUsers, where: [name] };
  if (action === 'install') {
    const file = join(o.root ?? tmpdir(), `certdesk-task-${process.pid}-${randomInt(1e9)}.xml`);
    await writeFile(file, utf16le(taskXml(spec, user)), { mode: 0o600 });
    try {
      await must(o, schtasks(o), schtasksCreateArgs(file, name));
    } finally {
      await rm(file, { force: true });
    }
    return { ...base, installed: true };
  }
  if (action === 'remove') {
    const r = await o.run(schtasks(o), schtasksDeleteArgs(name));
    // Not there is removed already; schtasks says so with exit code 1 and ERROR: on stderr.
    if (r.code !== 0 && (await o.run(schtasks(o), schtasksQueryArgs(name))).code === 0) throw new Error(`schtasks /Delete failed: ${r.stderr.trim()}`);
    return { ...base, installed: false };
  }
  const q = await o.run(schtasks(o), schtasksQueryArgs(name));
  return { ...base, installed: q.code === 0, ...(q.code === 0 ? { content: q.stdout } : {}) };
}

// ---- macOS --------------------------------------------------------------------------------

async function mac(action: 'install' | 'remove' | 'status', spec: ScheduleSpec, o: ScheduleEnv): Promise<ScheduleStatus> {
  const file = spec.allUsers ? under(o, `/Library/LaunchAgents/${PLIST_NAME}`) : join(home(o), 'Library', 'LaunchAgents', PLIST_NAME);
  const base = { kind: 'launchagent' as const, allUsers: spec.allUsers, where: [file] };
  // The per-user agent is loaded into the user's GUI domain now; the machine-wide one loads at each user's next login.
  const domain = `gui/${o.uid ?? process.getuid?.() ?? 0}`;
  const bootout = () => o.run('/bin/launchctl', ['bootout', `${domain}/${SCHEDULE_LABEL}`]);
  if (action === 'install') {
    await writeScheduleFile(file, launchAgentPlist(spec, o.offsetMinutes ?? randomInt(spec.randomDelayMinutes)));
    if (!spec.allUsers) {
      await bootout();
      await must(o, '/bin/launchctl', ['bootstrap', domain, file]);
    }
    return { ...base, installed: true };
  }
  if (action === 'remove') {
    if (!spec.allUsers) await bootout();
    await rm(file, { force: true });
    return { ...base, installed: false };
  }
  const content = await readFile(file, 'utf8').catch(() => undefined);
  return { ...base, installed: content !== undefined, ...(content ? { content } : {}) };
}

// ---- Linux --------------------------------------------------------------------------------

async function hasSystemd(spec: ScheduleSpec, o: ScheduleEnv): Promise<boolean> {
  if (o.systemd !== undefined) return o.systemd;
  if (spec.allUsers) return existsSync('/run/systemd/system');
  return (await o.run('systemctl', ['--user', 'show-environment']).catch(() => ({ code: 1 }))).code === 0;
}

async function linux(action: 'install' | 'remove' | 'status', spec: ScheduleSpec, o: ScheduleEnv): Promise<ScheduleStatus> {
  const unitDir = spec.allUsers ? under(o, '/etc/systemd/user') : join(o.env.XDG_CONFIG_HOME ? (o.root ? join(o.root, o.env.XDG_CONFIG_HOME) : o.env.XDG_CONFIG_HOME) : join(home(o), '.config'), 'systemd', 'user');
  const autoDir = spec.allUsers ? under(o, '/etc/xdg/autostart') : join(o.env.XDG_CONFIG_HOME ? (o.root ? join(o.root, o.env.XDG_CONFIG_HOME) : o.env.XDG_CONFIG_HOME) : join(home(o), '.config'), 'autostart');
  const service = join(unitDir, `${UNIT}.service`);
  const timer = join(unitDir, `${UNIT}.timer`);
  const desktop = join(autoDir, `${UNIT}.desktop`);
  const scope = spec.allUsers ? ['--global'] : ['--user'];
  const systemd = await hasSystemd(spec, o);
  const autostartNote = 'XDG autostart: at each desktop login only (no systemd user session here, so no daily run).';
  if (action === 'install') {
    if (systemd) {
      await writeScheduleFile(service, serviceUnit(spec));
      await writeScheduleFile(timer, timerUnit(spec));
      await rm(desktop, { force: true });
      if (!spec.allUsers) await must(o, 'systemctl', ['--user', 'daemon-reload']);
      // --global only links the units for every user's manager; the user's own starts the timer now.
      // The service is only enabled (wanted at login), never started here: a oneshot start would
      // wait for a whole check.
      await must(o, 'systemctl', [...scope, 'enable', ...(spec.allUsers ? [] : ['--now']), `${UNIT}.timer`]);
      await must(o, 'systemctl', [...scope, spec.atLogin ? 'enable' : 'disable', `${UNIT}.service`]);
      return { kind: 'systemd', allUsers: spec.allUsers, installed: true, where: [service, timer] };
    }
    await writeScheduleFile(desktop, autostartEntry(spec));
    return { kind: 'autostart', allUsers: spec.allUsers, installed: true, where: [desktop], note: autostartNote };
  }
  if (action === 'remove') {
    if (systemd && (existsSync(timer) || existsSync(service))) {
      await o.run('systemctl', [...scope, 'disable', ...(spec.allUsers ? [] : ['--now']), `${UNIT}.timer`, `${UNIT}.service`]);
    }
    await Promise.all([rm(service, { force: true }), rm(timer, { force: true }), rm(desktop, { force: true })]);
    if (systemd && !spec.allUsers) await o.run('systemctl', ['--user', 'daemon-reload']);
    return { kind: systemd ? 'systemd' : 'autostart', allUsers: spec.allUsers, installed: false, where: systemd ? [service, timer] : [desktop] };
  }
  const [t, d] = await Promise.all([readFile(timer, 'utf8').catch(() => undefined), readFile(desktop, 'utf8').catch(() => undefined)]);
  if (t !== undefined) {
    const enabled = (await o.run('systemctl', [...scope, 'is-enabled', `${UNIT}.timer`]).catch(() => ({ code: 1, stdout: '' }))).code === 0;
    return { kind: 'systemd', allUsers: spec.allUsers, installed: enabled, where: [service, timer], content: t, ...(enabled ? {} : { note: `${UNIT}.timer is not enabled` }) };
  }
  if (d !== undefined) return { kind: 'autostart', allUsers: spec.allUsers, installed: true, where: [desktop], content: d, note: autostartNote };
  return { kind: systemd ? 'systemd' : 'autostart', allUsers: spec.allUsers, installed: false, where: systemd ? [service, timer] : [desktop] };
}

export async function schedule(action: 'install' | 'remove' | 'status', spec: ScheduleSpec, o: ScheduleEnv): Promise<ScheduleStatus> {
  if (o.platform === 'win32') return windows(action, spec, o);
  if (o.platform === 'darwin') return mac(action, spec, o);
  return linux(action, spec, o);
}
