// certreq and CertEnroll failures, read by their HRESULT only: the text around it is
// localised (cp932 on Japanese Windows) and sometimes wrong for the code (fixtures §1.3–1.4).
// Format: "Certificate Request Processor: <message> 0x<HRESULT> (<detail> <SYMBOL>)"; a
// PowerShell CertEnroll exception carries the same "0x<HRESULT> (… SYMBOL)" tail.
import type { KeyStorage } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import type { RunResult } from '../types';
import type { ErrorReason } from '../../../../shared/contract';

export interface Hresult {
  code: string; // "0x80090030"
  symbol: string; // "NTE_DEVICE_NOT_READY" or ""
}

/** The HRESULT in the output, else the exit code when it is one (certreq exits with it). */
export function hresultOf(r: RunResult): Hresult | null {
  const text = `${r.stderr}\n${r.stdout}`;
  const m = /0x([0-9a-fA-F]{8})\b(?:\s*\(([^)]*)\))?/.exec(text);
  if (m?.[1]) return { code: `0x${m[1].toLowerCase()}`, symbol: /([A-Z][A-Z0-9_]+)\s*$/.exec((m[2] ?? '').trim())?.[1] ?? '' };
  const unsigned = r.code >>> 0;
  if (unsigned >= 0x80000000) return { code: `0x${unsigned.toString(16)}`, symbol: '' };
  return null;
}

const TPM_NOT_READY = new Set([
  '0x80090030', // NTE_DEVICE_NOT_READY
  '0x80090035', // NTE_DEVICE_NOT_FOUND
  '0x8028400f', // TBS_E_TPM_NOT_FOUND
  '0x80284008', // TBS_E_SERVICE_NOT_RUNNING
  '0x80284010', // TBS_E_SERVICE_DISABLED
]);
const PROVIDER_MISSING = new Set([
  '0x80090013', // NTE_BAD_PROVIDER
  '0x80090014', // NTE_BAD_PROV_TYPE
  '0x8009001d', // NTE_PROVIDER_DLL_FAIL
  '0x8009001e', // NTE_PROV_DLL_NOT_FOUND
]);
const KEY_TYPE_REFUSED = new Set([
  '0x80090029', // NTE_NOT_SUPPORTED
  '0x80090008', // NTE_BAD_ALGID
  '0x80090027', // NTE_INVALID_PARAMETER
  '0x80090009', // NTE_BAD_FLAGS
]);
const TPM_LOCKOUT = new Set([
  '0x80280803', // TPM_E_DEFEND_LOCK_RUNNING
  '0x80280921', // TPM_20_E_LOCKOUT
]);

export interface FailureContext {
  step: 'new' | 'accept' | 'remove';
  storage: Extract<KeyStorage, 'store' | 'tpm'>;
  provider: string;
}

export function certreqFailure(r: RunResult, ctx: FailureContext): CoreError {
  const h = hresultOf(r);
  const detail = <R extends ErrorReason>(reason: R) => ({ reason, step: ctx.step, exitCode: r.code, ...(h ? { hresult: h.code } : {}), ...(h?.symbol ? { symbol: h.symbol } : {}) });
  const code = h?.code ?? '';
  const where = ctx.storage === 'tpm' ? "this PC's TPM" : "Windows' software key storage";
  if (code === '0x800704c7') {
    return new CoreError('CANCELLED', 'Making the key was cancelled (a Windows dialog was closed or could not be shown). Run it again and allow the dialog; nothing was changed.', detail('CANCELLED'));
  }
  if (ctx.storage === 'tpm' && (TPM_NOT_READY.has(code) || PROVIDER_MISSING.has(code))) {
    return new CoreError(
      'STORE_UNAVAILABLE',
      `This PC's TPM cannot hold the key (${h?.symbol || code}): it is missing, turned off or not ready. Ask IT to turn the TPM on and make it ready (tpm.msc), or to set keyStorage "store" in the policy to keep the key in Windows' software key storage instead.`,
      detail('TPM_UNAVAILABLE'),
    );
  }
  if (TPM_LOCKOUT.has(code)) {
    return new CoreError('STORE_UNAVAILABLE', "This PC's TPM is locked after too many wrong attempts and refuses new keys for now. Wait and try again later, or ask IT to reset the TPM lockout (tpm.msc).", detail('TPM_LOCKOUT'));
  }
  if (PROVIDER_MISSING.has(code)) {
    return new CoreError('STORE_UNAVAILABLE', `Windows reports that the key provider "${ctx.provider}" is not available (${h?.symbol || code}). Ask IT to check this Windows installation.`, detail('PROVIDER_MISSING'));
  }
  if (KEY_TYPE_REFUSED.has(code)) {
    return new CoreError('POLICY_INVALID', `${where[0]!.toUpperCase()}${where.slice(1)} refused this key type (${h?.symbol || code}). Ask IT to set keyType "ecdsaP256" or "rsa2048" in the policy.`, detail('KEY_TYPE_UNSUPPORTED'));
  }
  if (code === '0x80092004' && ctx.step === 'accept') {
    return new CoreError('KEY_MISSING', "The key made for this request is no longer on this PC (its pending request was removed), so the bank's certificate cannot be used here. Run the renewal or 取得 again to make a new key.", detail('PENDING_REQUEST_GONE'));
  }
  if (code === '0x80092020' || code === '0x80092021' || code === '0x80092022' || code === '0x80092023') {
    return new CoreError('INVALID_INPUT', `Windows could not encode the certificate's subject (${h?.symbol || code}). Ask IT to set keyStorage "software" in the policy for this bank.`, detail('SUBJECT_NOT_REPRODUCIBLE'));
  }
  if (code === '0x80070005') {
    return new CoreError('STORE_WRITE_FAILED', 'Windows denied access to the key storage. Sign in as the user who uses the bank, or ask IT to check the permissions.', detail('ACCESS_DENIED'));
  }
  if (code === '0x800b0109') {
    return new CoreError('STORE_WRITE_FAILED', "Windows refused the certificate because the bank's root is not trusted on this PC. Export diagnostics and contact support.", detail('UNTRUSTED_ROOT'));
  }
  const what = ctx.step === 'new' ? 'Making the key and its request' : ctx.step === 'accept' ? "Putting the bank's certificate next to its key" : 'Removing the unused key';
  return new CoreError('STORE_WRITE_FAILED', `${what} failed in ${where} (${h ? `${h.code}${h.symbol ? ` ${h.symbol}` : ''}` : `exit code ${r.code}`}). Try again; if it persists, export diagnostics and contact support.`, detail('TOOL_ERROR'));
}
