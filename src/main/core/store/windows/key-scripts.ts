// PowerShell scripts for keys in Windows' key storage. Like store.ts, every script is a
// constant and data reaches it through environment variables only.
import { CoreError } from '../../errors';
import type { RunResult } from '../types';

// The pending requests (REQUEST: certreq's placeholder certificate bound to the new key),
// the personal certificates and the intermediate store, in the row shape parseCertRows reads.
// REQUEST exists only once a request was ever made: Test-Path keeps a first run quiet.
export const KEY_LIST_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$rows = foreach ($s in @('REQUEST', 'My', 'CA')) { if (Test-Path -Path ('Cert:\\CurrentUser\\' + $s)) { Get-ChildItem -Path ('Cert:\\CurrentUser\\' + $s) | ForEach-Object { [pscustomobject]@{ Store = $s; Thumbprint = $_.Thumbprint; HasPrivateKey = $_.HasPrivateKey; FriendlyName = $_.FriendlyName; NotAfter = $_.NotAfter; Raw = [Convert]::ToBase64String($_.RawData) } } } }",
  'ConvertTo-Json -InputObject @($rows) -Depth 3 -Compress',
].join('; ');

// -DeleteKey removes the key from its provider (KSP or TPM) with the placeholder.
export const REMOVE_PENDING_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "Remove-Item -Path ('Cert:\\CurrentUser\\REQUEST\\' + $env:CERTDESK_THUMBPRINT) -DeleteKey",
].join('; ');

// What `certreq -accept -user` does, through CertEnroll itself, because certreq has no switch
// for an untrusted root: InstallResponse(AllowNone) refuses a certificate whose chain ends in
// a root Windows does not trust, and the bank's root is not (and must not be made) trusted
// here. AllowUntrustedRoot = 4; ContextUser = 1; XCN_CRYPT_STRING_BASE64 = 1. Only the leaf
// is given, so no CA certificate is installed anywhere by this call.
export const INSTALL_RESPONSE_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$e = New-Object -ComObject X509Enrollment.CX509Enrollment',
  '$e.Initialize(1)',
  "$e.InstallResponse(4, $env:CERTDESK_CERT_B64, 1, '')",
  "$c = Get-Item -Path ('Cert:\\CurrentUser\\My\\' + $env:CERTDESK_THUMBPRINT)",
  '$c.FriendlyName = $env:CERTDESK_FRIENDLY_NAME',
].join('; ');

// Proves the pairing without any trust decision: the certificate's private key signs 32
// random bytes and the certificate's public key verifies them. Also says where the key lives
// (provider) and whether it can be exported, in words no locale changes (certutil's are
// localised). CNG keys (KSP, TPM) and CAPI keys (older PFX imports) both answer.
export const PAIR_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$c = Get-Item -Path ('Cert:\\CurrentUser\\My\\' + $env:CERTDESK_THUMBPRINT)",
  '$h = [System.Security.Cryptography.HashAlgorithmName]::SHA256',
  '$data = New-Object byte[] 32',
  '[System.Security.Cryptography.RandomNumberGenerator]::Create().GetBytes($data)',
  "$alg = 'RSA'",
  '$k = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($c)',
  "if ($k -eq $null) { $alg = 'ECDSA'; $k = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($c) }",
  "if ($k -eq $null) { ConvertTo-Json -InputObject ([pscustomobject]@{ Paired = $false; Algorithm = ''; Provider = ''; Exportable = $null }) -Compress; exit 0 }",
  "if ($alg -eq 'RSA') { $p = [System.Security.Cryptography.RSASignaturePadding]::Pkcs1; $ok = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($c).VerifyData($data, $k.SignData($data, $h, $p), $h, $p) } else { $ok = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPublicKey($c).VerifyData($data, $k.SignData($data, $h), $h) }",
  "if ($k.PSObject.Properties['Key']) { $provider = $k.Key.Provider.Provider; $exportable = ([int]$k.Key.ExportPolicy -band 3) -ne 0 } else { $provider = $k.CspKeyContainerInfo.ProviderName; $exportable = $k.CspKeyContainerInfo.Exportable }",
  'ConvertTo-Json -InputObject ([pscustomobject]@{ Paired = $ok; Algorithm = $alg; Provider = $provider; Exportable = $exportable }) -Compress',
].join('; ');

export interface PairResult {
  paired: boolean;
  algorithm: string;
  provider: string;
  /** null when Windows did not say (no key). */
  exportable: boolean | null;
}

/** PAIR_SCRIPT's one JSON object; null when the output is not that. */
export function parsePairResult(stdout: string): PairResult | null {
  try {
    const v = JSON.parse(stdout.replace(/^\uFEFF/, '').trim()) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.Paired !== 'boolean') return null;
    return {
      paired: v.Paired,
      algorithm: typeof v.Algorithm === 'string' ? v.Algorithm : '',
      provider: typeof v.Provider === 'string' ? v.Provider : '',
      exportable: typeof v.Exportable === 'boolean' ? v.Exportable : null,
    };
  } catch {
    return null;
  }
}

/**
 * A PowerShell held in Constrained Language Mode (AppLocker / WDAC on managed PCs) refuses
 * COM objects and .NET method calls; its error IDs say so in any display language.
 */
export function constrainedLanguage(r: RunResult): boolean {
  return /ConstrainedLanguage/.test(`${r.stderr}\n${r.stdout}`);
}

/**
 * Runs PAIR_SCRIPT for a certificate of CurrentUser\My and insists on a pairing: the key
 * signs and the certificate verifies. Failing that, KEY_MISSING (the certificate cannot log
 * in). null when this PowerShell may not run the check (Constrained Language Mode): the
 * listing's HasPrivateKey is then all Windows lets CertDesk see. Other script errors are the
 * caller's to map.
 */
export async function provePairing(ps: (script: string, env: Record<string, string>) => Promise<RunResult>, thumbprint: string, onError: (r: RunResult) => Error): Promise<PairResult | null> {
  const r = await ps(PAIR_SCRIPT, { CERTDESK_THUMBPRINT: thumbprint });
  if (r.code !== 0 && constrainedLanguage(r)) return null;
  if (r.code !== 0) throw onError(r);
  const pair = parsePairResult(r.stdout);
  if (!pair) throw new CoreError('STORE_UNAVAILABLE', 'Windows did not answer the key check in a readable way. Export diagnostics and contact support.', { reason: 'BAD_PAIR_CHECK' });
  if (!pair.paired) {
    throw new CoreError('KEY_MISSING', 'The certificate is in CurrentUser\\My but its private key does not match it or cannot be used: it cannot be used to log in. Run the renewal or 取得 again.', { reason: 'KEY_NOT_PAIRED' });
  }
  return pair;
}
