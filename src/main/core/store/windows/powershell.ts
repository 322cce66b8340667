// What the Windows store and the key custodian share: the tools by full path, PowerShell's
// arguments, the CA import, and how a failed tool run is read. Its own module so that the
// store (which offers the custodian) and the custodian do not import each other.
import { system32Tool } from '../../../../shared/windows-tools';
import { CoreError } from '../../errors';
import type { Pkcs12Profile } from '../pkcs12-profile';
import type { RunResult } from '../types';
import { parseCertutilFailure } from './parse';
import type { ErrorReason } from '../../../../shared/contract';

// By full path: Node on Windows runs a bare name from the current folder before PATH.
export const POWERSHELL = system32Tool(process.env, 'WindowsPowerShell\\v1.0\\powershell.exe');
export const CERTUTIL = system32Tool(process.env, 'certutil.exe');
export const PS_ARGS = ['-NoProfile', '-NonInteractive', '-Command'];

export const IMPORT_CA_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "Import-Certificate -FilePath $env:CERTDESK_CERT_FILE -CertStoreLocation ('Cert:\\CurrentUser\\' + $env:CERTDESK_STORE) | Out-Null",
].join('; ');

/** Keys on HRESULTs and English .NET/PowerShell texts; certutil's second line is localised and not read. */
export function winFailure(r: RunResult, action: 'read' | 'write', profile?: Pkcs12Profile): CoreError {
  const text = `${r.stderr}\n${r.stdout}`;
  const cu = parseCertutilFailure(text);
  const hresult = cu?.hresult ?? /0x[0-9a-fA-F]{8}/.exec(text)?.[0]?.toLowerCase();
  const detail = <R extends ErrorReason>(reason: R) => ({ reason, ...(hresult ? { hresult } : {}), exitCode: r.code });
  if (hresult === '0x80070056' || /different password|network password is not correct|ERROR_INVALID_PASSWORD/i.test(text)) {
    const hint = profile === 'modern' ? ' This Windows may be older than it reports and not read AES-encrypted PKCS#12: update Windows, or ask IT.' : '';
    return new CoreError('STORE_WRITE_FAILED', `Windows refused the temporary PKCS#12 file ("wrong password").${hint} Export diagnostics and contact support.`, detail('PKCS12_REJECTED'));
  }
  if (hresult === '0x80070005' || /Access is denied|UnauthorizedAccess/i.test(text)) {
    return new CoreError('STORE_WRITE_FAILED', 'Windows denied access to the certificate store. Sign in as the user who uses the bank, or ask IT to check the store permissions.', detail('ACCESS_DENIED'));
  }
  if (hresult === '0x80092002' || /encode or decode|CRYPT_E_BAD_ENCODE/i.test(text)) {
    return new CoreError('STORE_WRITE_FAILED', 'Windows could not decode the certificate data. Export diagnostics and contact support.', detail('BAD_DER'));
  }
  if (hresult === '0x80092007' || /CRYPT_E_SELF_SIGNED/.test(text)) {
    return new CoreError('STORE_WRITE_FAILED', 'Windows refused a self-signed certificate in this store. Export diagnostics and contact support.', detail('SELF_SIGNED'));
  }
  if (/is not recognized as|CommandNotFoundException/i.test(text)) {
    return new CoreError('STORE_UNAVAILABLE', 'A PowerShell command CertDesk needs (PKI module) is missing on this Windows. Ask IT to restore Windows PowerShell 5.1 with its PKI module.', detail('TOOL_MISSING'));
  }
  const line = (r.stderr.trim() || r.stdout.trim()).split(/\r?\n/)[0]?.slice(0, 200) ?? '';
  return action === 'write'
    ? new CoreError('STORE_WRITE_FAILED', `Writing into the Windows certificate store failed: ${line || `exit code ${r.code}`}. Try again; if it persists, export diagnostics.`, detail('TOOL_ERROR'))
    : new CoreError('STORE_UNAVAILABLE', `Reading the Windows certificate store failed: ${line || `exit code ${r.code}`}. Try again; if it persists, export diagnostics.`, detail('TOOL_ERROR'));
}
