// OS notifications from the command line (`certdesk check` run by the scheduler: no Electron,
// no window). Each OS's own tool, by argument array, the words never spliced into a script:
// Linux notify-send (when installed), macOS osascript (the words are its run handler's argv),
// Windows PowerShell's toast (the words in environment variables; msg.exe when the toast
// cannot be shown). Never blocks the check: a tool that is missing or hangs is given up on.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { system32Tool } from '../../shared/windows-tools';
import type { NoticeText } from './check-words';

export interface NotifyCommand {
  file: string;
  args: string[];
  /** Added to the environment (Windows: the words, read by the script). */
  env?: Record<string, string>;
}

/** The app's AppUserModelID (electron-builder's appId): the toast shows under CertDesk's name and icon. */
export const APP_USER_MODEL_ID = 'jp.co.certdesk.app';

/**
 * PowerShell 5.1: a toast through the WinRT API under the app's id; where that fails (no
 * Start-menu shortcut with the id, an old build) msg.exe to the user's own session. The
 * title and body come from the environment, so nothing the bank said can become code.
 */
export const WINDOWS_TOAST_SCRIPT = [
  '$ErrorActionPreference = "Stop"',
  'try {',
  '  [void][Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime]',
  '  $x = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02)',
  '  $t = $x.GetElementsByTagName("text")',
  '  [void]$t.Item(0).AppendChild($x.CreateTextNode($env:CERTDESK_NOTIFY_TITLE))',
  '  [void]$t.Item(1).AppendChild($x.CreateTextNode($env:CERTDESK_NOTIFY_BODY))',
  `  [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier("${APP_USER_MODEL_ID}").Show([Windows.UI.Notifications.ToastNotification]::new($x))`,
  '} catch {',
  '  & "$env:SystemRoot\\System32\\msg.exe" $env:USERNAME /TIME:3600 ($env:CERTDESK_NOTIFY_TITLE + "`n" + $env:CERTDESK_NOTIFY_BODY)',
  '}',
].join('\n');

/** The first executable `name` on PATH, or null. */
export function findOnPath(name: string, env: Record<string, string | undefined>): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const f = join(dir, name);
    try {
      accessSync(f, constants.X_OK);
      return f;
    } catch {
      // Not here.
    }
  }
  return null;
}

/** The command that shows `n` on this OS, or null where there is none (Linux without notify-send). */
export function notifyCommand(n: NoticeText, platform: NodeJS.Platform, env: Record<string, string | undefined>): NotifyCommand | null {
  if (platform === 'win32') {
    return {
      file: system32Tool(env, 'WindowsPowerShell\\v1.0\\powershell.exe'),
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-WindowStyle', 'Hidden', '-Command', WINDOWS_TOAST_SCRIPT],
      env: { CERTDESK_NOTIFY_TITLE: n.title, CERTDESK_NOTIFY_BODY: n.body },
    };
  }
  if (platform === 'darwin') {
    return {
      file: '/usr/bin/osascript',
      args: ['-e', 'on run argv', '-e', 'display notification (item 2 of argv) with title (item 1 of argv)', '-e', 'end run', n.title, n.body],
    };
  }
  const tool = findOnPath('notify-send', env);
  if (!tool) return null;
  return { file: tool, args: ['--app-name=CertDesk', `--urgency=${n.urgent ? 'critical' : 'normal'}`, '--icon=dialog-information', '--', n.title, n.body] };
}

export type Spawner = (cmd: NotifyCommand, env: Record<string, string | undefined>) => Promise<void>;

/** How long a notifier may take before the check moves on (it is left running, never waited for again). */
const GIVE_UP_MS = 5000;

const spawnNotifier: Spawner = (cmd, env) =>
  new Promise((resolve) => {
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve();
      }
    };
    const timer = setTimeout(done, GIVE_UP_MS);
    try {
      const p = spawn(cmd.file, cmd.args, { env: { ...env, ...cmd.env }, stdio: 'ignore', windowsHide: true, detached: process.platform !== 'win32' });
      p.on('error', done);
      p.on('exit', done);
      p.unref();
    } catch {
      done();
    }
  });

/** Shows each notice; returns what could not be shown (words for stderr), never throws. */
export async function notifyAll(notices: NoticeText[], o: { platform: NodeJS.Platform; env: Record<string, string | undefined>; spawner?: Spawner }): Promise<string[]> {
  const problems: string[] = [];
  for (const n of notices) {
    const cmd = notifyCommand(n, o.platform, o.env);
    if (!cmd) {
      problems.push('notify-send is not installed: the notification was not shown (it is in the output and the log).');
      break;
    }
    await (o.spawner ?? spawnNotifier)(cmd, o.env);
  }
  return problems;
}
