// The OS notifications of `certdesk check` (no Electron): each OS's exact command, the words
// passed as data (argv or environment), never spliced into a script; a notifier that hangs
// or is missing never holds the check up (the spawner is given up on; the problem is said).
import { describe, expect, it } from 'vitest';
import { noticeText } from '../../src/main/cli/check-words';
import { APP_USER_MODEL_ID, WINDOWS_TOAST_SCRIPT, notifyAll, notifyCommand, type NotifyCommand } from '../../src/main/cli/notify';

const renewed = noticeText('ja', { kind: 'renewed', fingerprint: 'ab', holder: 'ヤマダ', expiryDate: '2027-12-01', notAfter: '2027-12-01T00:00:00Z' });
const tricky = { title: 'a"b$(whoami)`x`', body: "it's & <b> ; rm -rf ~", urgent: true };

describe('OS notifications from the command line', () => {
  it('words: 「電子証明書を自動更新しました」 with the new expiry (the JST day as the window writes it) and the browser advice; a failure names the error and the helpdesk', () => {
    expect(renewed).toEqual({ title: '電子証明書を自動更新しました', body: '新しい有効期限: 2027年12月1日。次にログインする前に、ブラウザをいったんすべて閉じてください。', urgent: false });
    const f = noticeText('en', { kind: 'failed', fingerprint: 'ab', holder: 'h', error: { code: 'NETWORK', message: 'The bank cannot be reached.' } }, { name: 'IB Helpdesk', phone: '0120-1' } as never);
    expect(f.title).toBe('The automatic renewal of your bank certificate failed');
    expect(f.body).toContain('NETWORK: The bank cannot be reached.');
    expect(f.body).toContain('0120-1');
    expect(f.urgent).toBe(true);
  });

  it('Windows: PowerShell by its System32 path, the toast under the app id, the words in the environment only', () => {
    const c = notifyCommand(tricky, 'win32', { SystemRoot: 'C:\\Windows' })!;
    expect(c).toEqual({
      file: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-WindowStyle', 'Hidden', '-Command', WINDOWS_TOAST_SCRIPT],
      env: { CERTDESK_NOTIFY_TITLE: tricky.title, CERTDESK_NOTIFY_BODY: tricky.body },
    });
    expect(WINDOWS_TOAST_SCRIPT).toContain(`CreateToastNotifier("${APP_USER_MODEL_ID}")`);
    expect(WINDOWS_TOAST_SCRIPT).toContain('msg.exe');
    expect(c.args.join(' ')).not.toContain('whoami');
  });

  it('macOS: osascript with the words as its run handler\'s argv', () => {
    expect(notifyCommand(tricky, 'darwin', {})).toEqual({
      file: '/usr/bin/osascript',
      args: ['-e', 'on run argv', '-e', 'display notification (item 2 of argv) with title (item 1 of argv)', '-e', 'end run', tricky.title, tricky.body],
    });
  });

  it('Linux: notify-send from PATH when installed (after --), else none and the problem said', async () => {
    expect(notifyCommand(tricky, 'linux', { PATH: '/nonexistent' })).toBeNull();
    expect(await notifyAll([tricky], { platform: 'linux', env: { PATH: '/nonexistent' }, spawner: async () => undefined })).toEqual([
      'notify-send is not installed: the notification was not shown (it is in the output and the log).',
    ]);
    const calls: NotifyCommand[] = [];
    expect(await notifyAll([renewed, tricky], { platform: 'darwin', env: {}, spawner: async (c) => void calls.push(c) })).toEqual([]);
    expect(calls.map((c) => c.args.slice(-2))).toEqual([[renewed.title, renewed.body], [tricky.title, tricky.body]]);
  });
});
