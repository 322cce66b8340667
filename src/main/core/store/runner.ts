// The real CommandRunner: child_process.spawn with an argument array, a timeout that kills
// the whole tool, and the two failures every adapter maps the same way.
import { spawn } from 'node:child_process';
import { CoreError } from '../errors';
import { toolStarted } from '../kill-points';
import type { CommandRunner, RunOptions, RunResult } from './types';

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 16 * 1024 * 1024;

/** What to do when a tool is missing, per tool. */
const INSTALL_HINTS: Record<string, string> = {
  certutil: 'install libnss3-tools (Debian/Ubuntu: sudo apt-get install libnss3-tools; Fedora: sudo dnf install nss-tools)',
  pk12util: 'install libnss3-tools (Debian/Ubuntu: sudo apt-get install libnss3-tools; Fedora: sudo dnf install nss-tools)',
  vfychain: 'install libnss3-tools (Debian/Ubuntu: sudo apt-get install libnss3-tools; Fedora: sudo dnf install nss-tools)',
  'powershell.exe': 'Windows PowerShell 5.1 is part of Windows; ask IT to restore it',
  'certutil.exe': 'certutil.exe is part of Windows; ask IT to restore it',
  security: 'the macOS security tool (/usr/bin/security) is part of macOS; ask IT to restore it',
};

export function installHint(cmd: string): string {
  const base = cmd.split(/[\\/]/).pop() ?? cmd;
  return INSTALL_HINTS[base] ?? `install ${base}`;
}

export interface RunnerOptions {
  /** PATH to search for the tools (default: the process's PATH). */
  path?: string;
  /** Default timeout for every call, ms. */
  timeoutMs?: number;
}

export function createCommandRunner(runnerOpts: RunnerOptions = {}): CommandRunner {
  return (cmd: string, args: string[], opts: RunOptions = {}) => {
    const timeoutMs = opts.timeoutMs ?? runnerOpts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const env: NodeJS.ProcessEnv = { ...process.env, ...(opts.env ?? {}), LC_ALL: 'C', LANG: 'C' };
    if (runnerOpts.path !== undefined) env.PATH = runnerOpts.path;
    return new Promise<RunResult>((resolve, reject) => {
      let child;
      try {
        child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'], shell: false, windowsHide: true });
      } catch (err) {
        reject(toolFailure(cmd, err));
        return;
      }
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(() =>
          reject(
            new CoreError('STORE_UNAVAILABLE', `${cmd} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped. Close other programs that use the certificate store (browsers), then try again.`, {
              reason: 'TOOL_TIMEOUT',
              tool: cmd,
            }),
          ),
        );
      }, timeoutMs);
      const collect = (sink: Buffer[]) => (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT) child.kill('SIGKILL');
        else sink.push(chunk);
      };
      child.stdout.on('data', collect(out));
      child.stderr.on('data', collect(errOut));
      child.on('error', (err) => finish(() => reject(toolFailure(cmd, err))));
      child.on('close', (code, signal) =>
        finish(() => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') })),
      );
      // EPIPE when the tool exits without reading stdin is not our failure: its exit code says what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? '');
      toolStarted(cmd, args[0]);
    });
  };
}

function toolFailure(cmd: string, err: unknown): CoreError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new CoreError('STORE_UNAVAILABLE', `${cmd} was not found, so the certificate store cannot be used: ${installHint(cmd)}.`, { reason: 'TOOL_MISSING', tool: cmd }, { cause: err });
  }
  if (code === 'EACCES') {
    return new CoreError('STORE_UNAVAILABLE', `${cmd} could not be started (permission denied): ask IT to check the tool's installation.`, { reason: 'TOOL_NOT_EXECUTABLE', tool: cmd }, { cause: err });
  }
  return new CoreError('STORE_UNAVAILABLE', `${cmd} could not be started (${code ?? 'unknown error'}): ask IT to check the tool's installation.`, { reason: 'TOOL_FAILED', tool: cmd }, { cause: err });
}
