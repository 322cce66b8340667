// One run of the command line: what the commands share (the terminal, the language, --json, the
// core once it is built, the overview once it is read, the record of what was done), held by one
// object instead of variables captured by a closure.
import type { Language, Overview, Result, SupportView } from '../../shared/contract';
import { EXIT, type ExitCode } from '../../shared/error-policy';
import type { Context, ContextIntent, GlobalOptions } from './context';
import type { CliIo } from './io';
import type { EarlyFlags } from './lang';
import type { CliOptions } from './options';
import { catalogs, type Catalog } from './messages';
import { progressPrinter } from './output';
import type { RunRecord } from './record';
import { safe, safeLines } from './safe-text';
import type { Terminal } from './terminal';

export type CommandName = RunRecord['command'];
/** What the status file and the event log get after the command (version, time and exit code added then). */
export type PendingRecord = Omit<RunRecord, 'version' | 'time' | 'exitCode'>;

/** A result's value, or its error thrown for the command's one error output. */
export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw Object.assign(new Error(r.error.message), { api: r.error });
  return r.value;
}

export class CliSession implements Terminal {
  lang: Language;
  json: boolean;
  /** The policy's helpdesk and new-PC guide, once the policy is loaded. */
  support: SupportView | undefined;
  newPcGuideUrl: string | undefined;
  /** status/inspect --recover: the unfinished-renewal notice then says it was asked to finish. */
  recovering = false;
  readonly isTTY: boolean;
  /** The command's exit code, and the command that ran (for the record). */
  exitCode: ExitCode = EXIT.done;
  ran: CommandName | undefined;
  record: PendingRecord | undefined;
  private core: Context | undefined;
  private overview: Overview | undefined;

  constructor(
    readonly io: CliIo,
    readonly opts: CliOptions,
    readonly early: EarlyFlags,
    lang: Language,
  ) {
    this.lang = lang;
    this.json = early.json;
    this.isTTY = Boolean(io.stdin.isTTY);
  }

  t(): Catalog {
    return catalogs[this.lang];
  }

  // Every line goes through safeLines (a value from outside that was missed still cannot drive
  // the terminal); each value from outside goes through safe() (its line breaks are not ours).
  out(s: string): void {
    this.io.stdout.write(safeLines(s.endsWith('\n') ? s : s + '\n'));
  }

  err(s: string): void {
    this.io.stderr.write(safeLines(s.endsWith('\n') ? s : s + '\n'));
  }

  /** The core for this run, built on first use; the policy's language, helpdesk and guide taken from it. */
  async context(o: GlobalOptions, intent: ContextIntent = {}): Promise<Context> {
    this.json = Boolean(o.json);
    if (!this.core) {
      const { buildContext } = await import('./context');
      // Each line escaped as a value from outside: a bank's answer may be quoted in it.
      this.core = await buildContext(o, this.io.env, { progress: progressPrinter(this), log: (line) => this.err(safe(line)) }, this.opts.chromium, { ...intent, ...(this.opts.openedStores ? { openedStores: this.opts.openedStores } : {}) });
    }
    const loaded = this.core.loaded;
    // The policy's language when it sets one (any layer), unless --lang said otherwise.
    const origins = loaded.origins;
    if (!this.early.lang && (origins ? 'language' in origins : loaded.managed.includes('language'))) this.lang = loaded.policy.language;
    this.support = loaded.policy.support;
    this.newPcGuideUrl = loaded.policy.newPcGuideUrl;
    return this.core;
  }

  /** The core's overview, read once a run. */
  async overviewOf(c: Context): Promise<Overview> {
    return (this.overview ??= unwrap(await c.service.getOverview()));
  }

  /** The overview if a command has read it. */
  get overviewRead(): Overview | undefined {
    return this.overview;
  }

  /** What the record will say of this command; a later note replaces an earlier one. */
  note(command: CommandName, state: RunRecord['state'], extra: Partial<RunRecord> = {}): void {
    this.record = { command, state, ...(this.overview ? { certificateCount: this.overview.certificates.length } : {}), ...extra };
  }

  /** An identity export started early still has its temporary folder: let it finish and remove it. */
  async settle(): Promise<void> {
    await this.core?.settle();
  }
}
