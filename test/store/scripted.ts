// What the scripted-runner tests of the Windows and macOS stores share: the Windows listing
// script's rows as PowerShell 5.1 prints them, the check that a call is that PowerShell with
// that script, and the CoreError a call must end in.
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { PS_ARGS, POWERSHELL } from '../../src/main/core/store/windows/store';
import { ok, type Call } from './fake-runner';

/** Windows' thumbprint: SHA-1 of the DER, upper-case hex. */
export const thumbOf = (der: Uint8Array) => createHash('sha1').update(der).digest('hex').toUpperCase();

/** One certificate as the listing script's ConvertTo-Json prints it. */
export const row = (der: Uint8Array, store: string, hasKey: boolean, friendlyName = '') => ({
  Store: store,
  Thumbprint: thumbOf(der),
  HasPrivateKey: hasKey,
  FriendlyName: friendlyName,
  NotAfter: '\\/Date(1745634978000)\\/',
  Raw: Buffer.from(der).toString('base64'),
});

/** The listing's output: nothing for no rows, a bare object for one (as ConvertTo-Json does), else an array. */
export const listing = (...rows: object[]) => ok(rows.length === 0 ? '' : JSON.stringify(rows.length === 1 ? rows[0] : rows));

/** The call ran Windows PowerShell by its full path with `script`, and with exactly `env` when given. */
export const expectPs = (c: Call, script: string, env?: Record<string, string>) => {
  expect(c.cmd).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  expect(c.cmd).toBe(POWERSHELL);
  expect(c.args).toEqual([...PS_ARGS, script]);
  if (env) expect(c.opts?.env).toEqual(env);
};

export { caught } from '../support/caught';
