// `certdesk schedule install|remove|status`: the scheduled check's schedule (Task Scheduler,
// LaunchAgent, systemd timer); the bulk is in cli/schedule/, loaded only when it runs.
import { Option, type Command } from 'commander';
import type { ExitCode } from '../../../shared/error-policy';
import type { CommandKit } from './kit';

const SUBCOMMANDS = [
  ['install', '登録（何度実行しても同じ） / install (idempotent)'],
  ['remove', '削除 / remove'],
  ['status', '登録状況 / what is installed'],
] as const;

export function registerSchedule(program: Command, { session: s, action, configure }: CommandKit): void {
  const scheduleCmd = program.command('schedule').description('定期確認のスケジュール（タスク スケジューラー、LaunchAgent、systemd タイマー） / the scheduled check: Task Scheduler, LaunchAgent, systemd timer');
  for (const [sub, words] of SUBCOMMANDS) {
    scheduleCmd
      .command(sub)
      .description(words)
      .option('--all-users', 'このPCの全ユーザー（インストーラー用、管理者） / every user of this PC (installers, as administrator or root)')
      .addOption(new Option('--first-start', 'the app\'s first start: install once, not beside an all-users schedule').hideHelp())
      .action(
        action('schedule', async (o) => {
          s.json = Boolean(o.json);
          const { scheduleCommand } = await import('../schedule/cli');
          const env = { env: s.io.env, platform: s.opts.platform ?? process.platform, out: (x: string) => s.out(x), err: (x: string) => s.err(x), json: s.json, ja: () => s.lang === 'ja' };
          return (await scheduleCommand(sub, o, { ...env, ...(s.opts.scheduleEnv ?? {}) })) as ExitCode;
        }),
      );
    configure(scheduleCmd.commands.at(-1)!);
  }
}
