// The Windows adapter: CurrentUser\My through Windows PowerShell 5.1 (powershell.exe, which
// every supported Windows has; pwsh 7 lacks Remove-Item -DeleteKey on Cert:). Every script is
// a constant; data reaches it through environment variables, so nothing is ever quoted into
// a command line, and the PFX password is not on one (a process's environment is readable only
// by its user and administrators, unlike its command line in WMI).
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { win32 } from 'node:path';
import { CoreError } from '../../errors';
import { buildPkcs12 } from '../../pki';
import { certFacts, chainsToAnchor, commonNameOf, normHex, tryCertFacts, verifyTrusted } from '../certs';
import { windowsProfile, type Pkcs12Profile } from '../pkcs12-profile';
import { withPrivateDir } from '../temp';
import type { KeyStorage } from '../../../../shared/policy';
import type { HasKeyCustodian, KeyCustodian } from '../custody';
import { createSoftwareCustodian } from '../software-custody';
import type { CertificateStore, CommandRunner, InstallOptions, RunResult, StoredIdentity } from '../types';
import { createWindowsKeyCustodian } from './certreq';
import { provePairing } from './key-scripts';
import { certutilSucceeded, parseCertRows, type WinCertRow } from './parse';
import { CERTUTIL, IMPORT_CA_SCRIPT, POWERSHELL, PS_ARGS, winFailure } from './powershell';

// Where tests and callers have always found them.
export { CERTUTIL, IMPORT_CA_SCRIPT, POWERSHELL, PS_ARGS, winFailure };

export interface WindowsStoreOptions {
  /** Windows build number (os.release() "10.0.<build>"): picks the PKCS#12 profile. */
  build: number;
  /** Import with Import-PfxCertificate (default) or certutil -importPFX. */
  importWith?: 'powershell' | 'certutil';
  tempRoot?: string;
  timeoutMs?: number;
}

export const LIST_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$rows = foreach ($s in @('My', 'CA')) { Get-ChildItem -Path ('Cert:\\CurrentUser\\' + $s) | ForEach-Object { [pscustomobject]@{ Store = $s; Thumbprint = $_.Thumbprint; HasPrivateKey = $_.HasPrivateKey; FriendlyName = $_.FriendlyName; NotAfter = $_.NotAfter; Raw = [Convert]::ToBase64String($_.RawData) } } }",
  // -InputObject @(…) keeps a one-item store an array on 5.1 (piping unwraps it).
  'ConvertTo-Json -InputObject @($rows) -Depth 3 -Compress',
].join('; ');

// No -Exportable: the key is imported non-exportable.
export const IMPORT_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  '$pw = ConvertTo-SecureString -String $env:CERTDESK_PFX_PASSWORD -AsPlainText -Force',
  '$r = Import-PfxCertificate -FilePath $env:CERTDESK_PFX_FILE -CertStoreLocation Cert:\\CurrentUser\\My -Password $pw',
  'ConvertTo-Json -InputObject @($r | ForEach-Object { $_.Thumbprint }) -Compress',
].join('; ');

// -DeleteKey binds only with -Path, not when the certificate is piped (fixtures §5).
export const REMOVE_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "Remove-Item -Path ('Cert:\\CurrentUser\\My\\' + $env:CERTDESK_THUMBPRINT) -DeleteKey",
].join('; ');

export function createWindowsStore(run: CommandRunner, opts: WindowsStoreOptions): CertificateStore {
  return new WindowsStore(run, opts);
}

class WindowsStore implements CertificateStore, HasKeyCustodian {
  readonly kind = 'windows' as const;
  readonly profile: Pkcs12Profile;
  readonly lockFile: string;
  constructor(
    private readonly run: CommandRunner,
    private readonly opts: WindowsStoreOptions,
  ) {
    this.profile = windowsProfile(opts.build);
    this.lockFile = win32.join(process.env.LOCALAPPDATA ?? win32.join(homedir(), 'AppData', 'Local'), 'CertDesk', 'CurrentUser-My.lock');
  }

  describe(): string {
    return `Windows certificate store CurrentUser\\My (build ${this.opts.build}, PKCS#12 ${this.profile})`;
  }

  /**
   * `store`: the software KSP, `tpm`: the Platform Crypto Provider, both through certreq
   * (windows/certreq), key not exportable; `software`: made in CertDesk, imported by PFX.
   * Whether a keyStorage is honoured here (`pkcs11` is not: smart cards go through their
   * minidriver in Windows' own key storage) is the custody decision's (store/custody-decision).
   */
  keyCustodian(storage: KeyStorage): KeyCustodian | undefined {
    const { tempRoot, timeoutMs } = this.opts;
    const timing = { ...(tempRoot ? { tempRoot } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    if (storage === 'store' || storage === 'tpm') return createWindowsKeyCustodian(this.run, { storage, ...timing });
    if (storage === 'software') return createSoftwareCustodian(this);
    return undefined;
  }

  private async ps(script: string, env: Record<string, string> = {}): Promise<RunResult> {
    return this.run(POWERSHELL, [...PS_ARGS, script], { env, timeoutMs: this.opts.timeoutMs ?? 60_000 });
  }

  private async rows(): Promise<WinCertRow[]> {
    const r = await this.ps(LIST_SCRIPT);
    if (r.code !== 0) throw winFailure(r, 'read');
    try {
      return parseCertRows(r.stdout);
    } catch (err) {
      throw new CoreError('STORE_UNAVAILABLE', 'The list of certificates from Windows could not be read. Export diagnostics and contact support.', { reason: 'BAD_LISTING' }, { cause: err });
    }
  }

  async list(anchorsDer: Uint8Array[]): Promise<StoredIdentity[]> {
    const rows = await this.rows();
    const pool = rows.filter((r) => r.store === 'CA' && r.rawDer).map((r) => r.rawDer as Uint8Array);
    const out: StoredIdentity[] = [];
    for (const r of rows) {
      if (r.store !== 'My' || !r.rawDer) continue;
      const f = tryCertFacts(r.rawDer);
      if (!f || f.isCA) continue;
      if (chainsToAnchor(f, [...pool, ...rows.filter((x) => x.rawDer && x !== r).map((x) => x.rawDer as Uint8Array)], anchorsDer)) out.push(toIdentity(r, f.sha256));
    }
    return out;
  }

  async install(opts: InstallOptions): Promise<StoredIdentity> {
    const facts = certFacts(opts.certificateDer);
    const thumb = facts.sha1.toUpperCase();
    const before = (await this.rows()).find((r) => r.store === 'My' && r.thumbprint === thumb);
    if (before?.hasPrivateKey) return toIdentity(before, facts.sha256);

    // The leaf alone: CA certificates go to CurrentUser\CA through installCaCertificates,
    // not into My where Import-PfxCertificate would put them.
    const password = randomBytes(24).toString('base64url');
    const pkcs12 = await buildPkcs12({ privateKeyPkcs8: opts.privateKeyPkcs8, certificateDer: opts.certificateDer, chainDer: [], friendlyName: opts.friendlyName, password, profile: this.profile });
    await withPrivateDir(this.opts.tempRoot, async (dir) => {
      const file = await dir.write('identity.pfx', pkcs12);
      if (this.opts.importWith === 'certutil') {
        // certutil.exe takes the password only as an argument (or a prompt): visible to
        // this user and administrators for the second the import lasts. The file it
        // unlocks is 0600 in a private folder and deleted right after.
        const r = await this.run(CERTUTIL, ['-user', '-p', password, '-importPFX', 'My', file, 'NoExport,NoRoot'], { timeoutMs: this.opts.timeoutMs ?? 60_000 });
        if (r.code !== 0 || !certutilSucceeded(r.stdout + r.stderr, 'importPFX')) throw winFailure(r, 'write', this.profile);
      } else {
        const r = await this.ps(IMPORT_SCRIPT, { CERTDESK_PFX_FILE: file, CERTDESK_PFX_PASSWORD: password });
        if (r.code !== 0) throw winFailure(r, 'write', this.profile);
      }
    });
    // The tool's message proves nothing (a wrong password can pass silently, fixtures §2.3): read back.
    const after = (await this.rows()).find((r) => r.store === 'My' && r.thumbprint === thumb);
    if (!after) throw new CoreError('STORE_WRITE_FAILED', 'Windows reported the import as done but the certificate is not in CurrentUser\\My. Try again; if it persists, export diagnostics.', { reason: 'NOT_LISTED' });
    if (!after.hasPrivateKey) throw new CoreError('KEY_MISSING', 'The certificate was imported into CurrentUser\\My without its private key. Try again; if it persists, export diagnostics.', { reason: 'KEY_NOT_LISTED' });
    return toIdentity(after, facts.sha256);
  }

  async verifyInstalled(fingerprint: string, anchorsDer: Uint8Array[]): Promise<StoredIdentity> {
    const fp = normHex(fingerprint);
    const rows = await this.rows();
    const row = rows.find((r) => r.store === 'My' && r.rawDer && tryCertFacts(r.rawDer)?.sha256 === fp);
    if (!row?.rawDer) throw new CoreError('VERIFY_FAILED', `The certificate ${fp.slice(0, 16)}… is not in CurrentUser\\My.`, { reason: 'NOT_IN_STORE' });
    if (!row.hasPrivateKey) throw new CoreError('KEY_MISSING', 'The certificate is in CurrentUser\\My but its private key is not: it cannot be used to log in.', { reason: 'KEY_NOT_LISTED' });
    // HasPrivateKey only says a key is linked: the key must also sign for this certificate
    // (where PowerShell may run the check at all; in Constrained Language Mode it may not).
    await provePairing((script, env) => this.ps(script, env), row.thumbprint, (r) => winFailure(r, 'read'));
    // The chain: from CurrentUser\My and \CA plus the bank's anchors, by CertDesk's own path
    // validation. Whether Windows trusts the bank's root plays no part (it is never installed).
    const pool = rows.filter((r) => r.rawDer && r !== row).map((r) => r.rawDer as Uint8Array);
    if (!(await verifyTrusted(certFacts(row.rawDer), pool, anchorsDer))) {
      throw new CoreError('VERIFY_FAILED', "The installed certificate does not chain to the bank's trust anchor or is not valid today: install the bank's CA certificate.", { reason: 'UNTRUSTED_CHAIN' });
    }
    return toIdentity(row, fp);
  }

  async remove(fingerprint: string): Promise<void> {
    const fp = normHex(fingerprint);
    const row = (await this.rows()).find((r) => r.store === 'My' && r.rawDer && tryCertFacts(r.rawDer)?.sha256 === fp);
    if (!row) return;
    const r = await this.ps(REMOVE_SCRIPT, { CERTDESK_THUMBPRINT: row.thumbprint });
    const still = (await this.rows()).some((x) => x.store === 'My' && x.thumbprint === row.thumbprint);
    if (still) throw r.code !== 0 ? winFailure(r, 'write') : new CoreError('STORE_WRITE_FAILED', 'The certificate is still in CurrentUser\\My after removal. Close the browsers and try again.', { reason: 'STILL_LISTED' });
  }

  async installCaCertificates(caDer: Uint8Array[]): Promise<void> {
    const rows = await this.rows();
    for (const der of caDer) {
      const f = certFacts(der);
      if (!f.isCA) throw new CoreError('INVALID_INPUT', `"${commonNameOf(f)}" is not a CA certificate and was not installed as one.`, { reason: 'NOT_CA' });
      // Chain material only: the intermediate store (CurrentUser\CA), never Root.
      if (f.selfSigned) continue;
      if (rows.some((r) => r.store === 'CA' && r.thumbprint === f.sha1.toUpperCase())) continue;
      await withPrivateDir(this.opts.tempRoot, async (dir) => {
        const file = await dir.write('ca.cer', der);
        const r = await this.ps(IMPORT_CA_SCRIPT, { CERTDESK_CERT_FILE: file, CERTDESK_STORE: 'CA' });
        if (r.code !== 0) throw winFailure(r, 'write');
      });
    }
  }
}

function toIdentity(r: WinCertRow, sha256: string): StoredIdentity {
  return { fingerprint: sha256, certificateDer: r.rawDer ?? new Uint8Array(), hasPrivateKey: r.hasPrivateKey, nickname: r.friendlyName || undefined };
}
