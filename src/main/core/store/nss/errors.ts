// What the NSS tools' failures mean for the user. NSS prints "tool: what failed: SEC_ERROR_X: text".
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoreError } from '../../errors';
import type { ErrorCode, ErrorReason, ReasonOf } from '../../../../shared/contract';
import type { RunResult } from '../types';

export type NssAction = 'read' | 'write';

export function nssFailure(tool: string, result: RunResult, dbDir: string, action: NssAction): CoreError {
  const text = `${result.stderr}\n${result.stdout}`;
  const nssCode = /\b((?:SEC|SSL|PR|PKCS12)_ERROR_[A-Z0-9_]+|SEC_ERROR_[A-Z0-9_]+)\b/.exec(text)?.[1] ?? 'UNKNOWN';
  const firstLine = (result.stderr.trim() || result.stdout.trim()).split(/\r?\n/)[0]?.slice(0, 300) ?? '';
  const detail = <R extends ErrorReason>(reason: R) => ({ reason, tool, nssCode, exitCode: result.code });
  const err = <C extends ErrorCode>(code: C, reason: ReasonOf<C>, message: string) => new CoreError(code, message, detail(reason));

  if (/authenticate/i.test(text)) {
    return err('STORE_UNAVAILABLE', 'DB_PASSWORD', `The NSS certificate database ${dbDir} is protected by a password, which CertDesk cannot supply. Remove the database password (certutil -W -d sql:${dbDir}) or choose another database in policy.`);
  }
  if (nssCode === 'SEC_ERROR_READ_ONLY' || /read-only/i.test(text)) {
    return err('STORE_WRITE_FAILED', 'READ_ONLY', `The NSS certificate database ${dbDir} is read-only. Check that the folder and its cert9.db/key4.db belong to you and are writable, then try again.`);
  }
  if (nssCode === 'SEC_ERROR_BAD_DATABASE' || nssCode === 'SEC_ERROR_LEGACY_DATABASE') {
    if (!existsSync(join(dbDir, 'cert9.db'))) {
      return err('STORE_UNAVAILABLE', 'DB_MISSING', `There is no NSS certificate database in ${dbDir}. Start Chrome or Chromium once to create it, or check the folder set in policy.`);
    }
    return err('STORE_UNAVAILABLE', 'DB_CORRUPT', `The NSS certificate database ${dbDir} cannot be read (it may be damaged). Close all browsers and try again; if it persists, move the folder aside so that it is created anew, then re-install the certificate.`);
  }
  if (nssCode === 'SEC_ERROR_BAD_PASSWORD') {
    return err('STORE_WRITE_FAILED', 'BAD_PASSWORD', `${tool} rejected the password of the temporary PKCS#12 file. This is a bug: export diagnostics and contact support.`);
  }
  if (nssCode === 'SEC_ERROR_BAD_DER' || nssCode === 'SEC_ERROR_INPUT_LEN' || /could not decode/i.test(text)) {
    return err('STORE_WRITE_FAILED', 'BAD_DER', `${tool} could not read the certificate data it was given (${nssCode}). This is a bug: export diagnostics and contact support.`);
  }
  if (/PKCS12_UNSUPPORTED|SEC_ERROR_PKCS12_/.test(nssCode)) {
    return err('STORE_WRITE_FAILED', 'UNSUPPORTED_PKCS12', `This NSS version cannot import the PKCS#12 file (${nssCode}). Update libnss3 and try again.`);
  }
  if (/SEC_ERROR_NO_MEMORY|PR_NO_DEVICE_SPACE|disk full|No space/i.test(text)) {
    return err('STORE_WRITE_FAILED', 'DISK_FULL', `The disk holding ${dbDir} is full. Free some space and try again.`);
  }
  return action === 'write'
    ? err('STORE_WRITE_FAILED', 'TOOL_ERROR', `Writing into the NSS certificate database ${dbDir} failed: ${firstLine || `${tool} exited with ${result.code}`}. Close all browsers and try again.`)
    : err('STORE_UNAVAILABLE', 'TOOL_ERROR', `Reading the NSS certificate database ${dbDir} failed: ${firstLine || `${tool} exited with ${result.code}`}. Close all browsers and try again.`);
}
