// Commander's usage errors in the chosen language: its error code says which kind, its
// (English) message holds the offending word in quotes and its suggestion.
import type { Catalog } from './messages';

/** The message for a commander error code, or null when the code is not a usage error. */
export function usageMessage(code: string, commanderMessage: string, c: Catalog): string | null {
  const quoted = /'([^']*)'/.exec(commanderMessage)?.[1] ?? '';
  const suggestion = /Did you mean (.+?)\?/.exec(commanderMessage)?.[1];
  switch (code) {
    case 'commander.unknownCommand':
      return c.usage.unknownCommand(quoted, suggestion);
    case 'commander.unknownOption':
      return c.usage.unknownOption(quoted, suggestion);
    case 'commander.missingArgument':
    case 'commander.optionMissingArgument':
      return c.usage.missingArgument(quoted);
    case 'commander.missingMandatoryOptionValue':
      return c.usage.missingOption(quoted);
    case 'commander.excessArguments':
      return c.usage.excessArguments(quoted);
    case 'commander.invalidArgument':
    case 'commander.conflictingOption':
      return c.usage.other(commanderMessage.replace(/^error:\s*/, '').trim());
    default:
      return null;
  }
}

/** A usage error a command found (exit 2): its message is already in the reader's language. */
export class Usage extends Error {}
