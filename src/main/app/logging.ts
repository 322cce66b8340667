// The log file: <userData>/logs/certdesk.log, rotated at 1 MB (one archive kept as
// certdesk.old.log), every message passed through `redact` first. electron-log's node
// flavour is used on purpose: its main-process flavour registers its own IPC channel,
// and the contract is the only IPC this app has.
import log from 'electron-log/node';
import { join } from 'node:path';
import { isDevelopmentBuild } from './build-mode';
import { redact } from './redact';

export const LOG_MAX_BYTES = 1024 * 1024;

export function setupLogging(logsDir: string): typeof log {
  log.transports.file.resolvePathFn = () => join(logsDir, 'certdesk.log');
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.level = 'info';
  log.transports.console.level = isDevelopmentBuild() ? 'debug' : 'warn';
  log.hooks.push((message) => ({ ...message, data: message.data.map((d) => redact(d)) }));
  // Library and framework warnings that go to console end up in the file too, redacted.
  Object.assign(console, log.functions);
  log.errorHandler.startCatching({ showDialog: false });
  return log;
}
