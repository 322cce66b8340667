// What the output needs of a run (cli/session.ts is the one that has it): the language, --json,
// the policy's helpdesk and guide, the terminal. Its own module so that output.ts and session.ts
// do not import each other.
import type { Language, SupportView } from '../../shared/contract';
import type { CliIo } from './io';
import type { Catalog } from './messages';
import type { CliOptions } from './options';

export interface Terminal {
  readonly io: CliIo;
  readonly opts: CliOptions;
  readonly lang: Language;
  readonly json: boolean;
  readonly support: SupportView | undefined;
  readonly newPcGuideUrl: string | undefined;
  /** status/inspect --recover: the unfinished-renewal notice then says it was asked to finish. */
  readonly recovering: boolean;
  t(): Catalog;
  /** A line (or lines) on stdout, escaped as a whole. */
  out(s: string): void;
  /** A line (or lines) on stderr, escaped as a whole. */
  err(s: string): void;
}
