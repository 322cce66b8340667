// The Windows key custodian: the key is born in Windows' key storage (the software KSP for
// keyStorage "store", the TPM's Platform Crypto Provider for "tpm"), non-exportable, through
// `certreq -new` and a generated INF. certreq leaves the key bound to a placeholder in
// CurrentUser\REQUEST until the issued certificate is installed against it. The key ID is
// the SHA-256 of the key's SubjectPublicKeyInfo: computed from the request itself, it finds
// the pending placeholder before the certificate arrives and the certificate after, in any
// process (the container name would need a listing to learn and says nothing after install).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyStorage } from '../../../../shared/policy';
import { system32Tool } from '../../../../shared/windows-tools';
import { CoreError } from '../../errors';
import { bytesEqual, subjectDerOf } from '../../pki';
import { certFacts } from '../certs';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from '../custody';
import { withPrivateDir } from '../temp';
import type { CommandRunner, RunResult, StoredIdentity } from '../types';
import { certreqFailure } from './certreq-errors';
import { buildInf, infBytes, KSP_SOFTWARE, KSP_TPM } from './certreq-inf';
import { certKeyId, keyTypeOf, readRequestFile, spkiKeyId } from './certreq-request';
import { constrainedLanguage, INSTALL_RESPONSE_SCRIPT, KEY_LIST_SCRIPT, provePairing, REMOVE_PENDING_SCRIPT } from './key-scripts';
import { parseCertRows, type WinCertRow } from './parse';
import { IMPORT_CA_SCRIPT, POWERSHELL, PS_ARGS, winFailure } from './powershell';

export const CERTREQ = system32Tool(process.env, 'certreq.exe');

export interface WindowsCustodianOptions {
  storage: Extract<KeyStorage, 'store' | 'tpm'>;
  tempRoot?: string;
  timeoutMs?: number;
}

/** Request attributes (e.g. from /csrattrs) this custodian can carry: none, certreq's INF takes text pairs only. */
export const CERTREQ_ATTRIBUTE_OIDS: readonly string[] = [];

/** A request certreq made and nothing installed yet: what recovery sees after a kill. */
export interface PendingKey {
  keyId: string;
  /** The placeholder's thumbprint in CurrentUser\REQUEST. */
  thumbprint: string;
  /** The placeholder's subject (certreq gives it the request's subject), DER. */
  subjectDer: Uint8Array;
}

export interface WindowsKeyCustodian extends KeyCustodian {
  /**
   * Every pending request of the user, CertDesk's or not, for diagnostics. Recovery after a
   * kill inside certreq -new (the journal saw the key being made, not its ID) uses
   * removeKeysLabelled: the INF named the placeholder "CertDesk <journal id>".
   */
  listPending(): Promise<PendingKey[]>;
}

export function createWindowsKeyCustodian(run: CommandRunner, opts: WindowsCustodianOptions): WindowsKeyCustodian {
  return new CertreqCustodian(run, opts);
}

class CertreqCustodian implements WindowsKeyCustodian {
  readonly storage: KeyStorage;
  private readonly provider: string;
  constructor(
    private readonly run: CommandRunner,
    private readonly opts: WindowsCustodianOptions,
  ) {
    if (opts.storage !== 'store' && opts.storage !== 'tpm') throw new CoreError('INVALID_INPUT', `Windows' key storage holds keys for keyStorage "store" or "tpm", not "${String(opts.storage)}".`, { field: 'keyStorage' });
    this.storage = opts.storage;
    this.provider = opts.storage === 'tpm' ? KSP_TPM : KSP_SOFTWARE;
  }

  describe(): string {
    return `Windows key storage "${this.provider}" (current user, not exportable)`;
  }

  private ps(script: string, env: Record<string, string> = {}): Promise<RunResult> {
    return this.run(POWERSHELL, [...PS_ARGS, script], { env, timeoutMs: this.opts.timeoutMs ?? 60_000 });
  }

  private async certreq(args: string[]): Promise<RunResult> {
    try {
      // A TPM key can take several seconds to make; a dialog that -q could not suppress would hang.
      return await this.run(CERTREQ, args, { timeoutMs: this.opts.timeoutMs ?? 120_000 });
    } catch (err) {
      if (err instanceof CoreError && err.detail?.reason === 'TOOL_MISSING') {
        throw new CoreError('STORE_UNAVAILABLE', 'certreq.exe was not found: it is part of Windows; ask IT to restore it.', { reason: 'TOOL_MISSING', tool: CERTREQ }, { cause: err });
      }
      throw err;
    }
  }

  private async rows(): Promise<WinCertRow[]> {
    const r = await this.ps(KEY_LIST_SCRIPT);
    if (r.code !== 0) throw winFailure(r, 'read');
    try {
      return parseCertRows(r.stdout);
    } catch (err) {
      throw new CoreError('STORE_UNAVAILABLE', 'The list of certificates and pending requests from Windows could not be read. Export diagnostics and contact support.', { reason: 'BAD_LISTING' }, { cause: err });
    }
  }

  private ctx(step: 'new' | 'accept' | 'remove') {
    return { step, storage: this.opts.storage, provider: this.provider };
  }

  async createRequest(spec: KeyRequestSpec): Promise<KeyRequest> {
    if (spec.attributesDer?.length) {
      throw new CoreError('INVALID_INPUT', "Windows' certreq cannot add the requested attributes to the request (CERTREQ_ATTRIBUTE_OIDS is empty): this is a bug, export diagnostics and contact support.", { reason: 'ATTRIBUTES_UNSUPPORTED' });
    }
    if (this.opts.storage === 'tpm' && spec.keyType === 'rsa3072') {
      throw new CoreError('POLICY_INVALID', 'A TPM on Windows holds RSA keys of at most 2048 bits. Ask IT to set keyType "ecdsaP256" or "rsa2048" in the policy.', { reason: 'KEY_TYPE_UNSUPPORTED', field: 'keyType' });
    }
    // Before any key exists: a subject certreq cannot reproduce is refused here.
    const inf = buildInf({ subjectDer: spec.subjectDer, keyType: spec.keyType, storage: this.opts.storage, friendlyName: spec.label });
    const before = new Set((await this.rows()).filter((r) => r.store === 'REQUEST').map((r) => r.thumbprint));
    let made: { result: RunResult; reqText: string | null };
    try {
      made = await withPrivateDir(this.opts.tempRoot, async (dir) => {
        const infFile = await dir.write('request.inf', infBytes(inf));
        const reqFile = join(dir.path, 'request.req');
        // -q: no dialog (a prompt would otherwise wait forever); -user: the user's keys and REQUEST store.
        const res = await this.certreq(['-new', '-q', '-user', infFile, reqFile]);
        return { result: res, reqText: await readFile(reqFile, 'latin1').catch(() => null) };
      });
    } catch (err) {
      // A certreq stopped by the timeout may have made the key already.
      throw await this.cleanedUp(err as Error, () => this.removeNewPending(before, spec));
    }
    const { result, reqText } = made;
    if (result.code !== 0 || reqText === null) {
      const err = result.code !== 0 ? certreqFailure(result, this.ctx('new')) : new CoreError('STORE_WRITE_FAILED', "Windows' certreq reported success but wrote no request. Try again; if it persists, export diagnostics and contact support.", { reason: 'NO_REQUEST_FILE' });
      throw await this.cleanedUp(err, () => this.removeNewPending(before, spec, reqText));
    }
    let parsed;
    try {
      parsed = readRequestFile(reqText);
    } catch (err) {
      throw await this.cleanedUp(err as Error, () => this.removeNewPending(before, spec));
    }
    const keyId = spkiKeyId(parsed.spkiDer);
    if (!bytesEqual(parsed.subjectDer, spec.subjectDer)) {
      const err = new CoreError('INVALID_INPUT', 'Windows encoded the certificate\'s subject differently from the bank\'s, so the request was not sent and its key was removed. Ask IT to set keyStorage "software" in the policy for this bank.', { reason: 'SUBJECT_NOT_KEPT' });
      throw await this.cleanedUp(err, () => this.removeKey(keyId));
    }
    if (keyTypeOf(parsed.spkiDer) !== spec.keyType) {
      const err = new CoreError('STORE_WRITE_FAILED', `Windows made a different key than the policy's ${spec.keyType}, so the request was not sent and its key was removed. Export diagnostics and contact support.`, { reason: 'KEY_TYPE_MISMATCH' });
      throw await this.cleanedUp(err, () => this.removeKey(keyId));
    }
    return { keyId, csrDer: parsed.der, publicKeySpki: parsed.spkiDer };
  }

  /** Runs the clean-up of a failed step; the first failure stays the one reported. */
  private async cleanedUp(err: Error, cleanup: () => Promise<void>): Promise<Error> {
    try {
      await cleanup();
      return err;
    } catch (cleanupErr) {
      const code = err instanceof CoreError ? err.code : 'STORE_WRITE_FAILED';
      const unknown = cleanupErr instanceof CoreError && cleanupErr.detail?.reason === 'PENDING_NOT_IDENTIFIED';
      const detail = { ...(err instanceof CoreError ? err.detail : {}), cleanup: unknown ? 'not-identified' : 'failed', ...(unknown ? { pendingLeft: cleanupErr.detail?.pendingLeft } : {}) };
      const said = unknown ? cleanupErr.message : 'The unused key could not be removed either: CertDesk removes it at its next run.';
      return new CoreError(code, `${err.message} ${said}`, detail, { cause: err });
    }
  }

  /**
   * After a failed certreq -new: removes the placeholder it left, and only that one. Other
   * programs may have made requests meanwhile, so a new placeholder is ours only by its key
   * (when the request file was written) or by the subject and the friendly name the INF gave
   * it (`spec.label`, "CertDesk <id>"). New ones none of which is ours stay, and IT is told.
   */
  private async removeNewPending(before: Set<string>, spec: KeyRequestSpec, reqText: string | null = null): Promise<void> {
    let keyId: string | null = null;
    try {
      keyId = reqText === null ? null : spkiKeyId(readRequestFile(reqText).spkiDer);
    } catch {
      keyId = null;
    }
    const fresh = (await this.rows()).filter((r) => r.store === 'REQUEST' && !before.has(r.thumbprint));
    const ours = fresh.filter((r) => r.rawDer && (keyId ? certKeyId(r.rawDer) === keyId : spec.label !== '' && r.friendlyName === spec.label && bytesEqual(subjectDerOf(r.rawDer), spec.subjectDer)));
    for (const row of ours) await this.removePending(row);
    if (ours.length > 0 || fresh.length === 0) return;
    const left = fresh.map((r) => r.thumbprint);
    throw new CoreError(
      'STORE_WRITE_FAILED',
      `A pending certificate request appeared while certreq ran, but CertDesk could not tell whether it is its own, so it removed none. If certreq made one, it is named "${spec.label}": IT can delete it in certmgr.msc under Certificate Enrollment Requests > Certificates (new ones now: ${left.join(', ')}).`,
      { reason: 'PENDING_NOT_IDENTIFIED', pendingLeft: left.join(',') },
    );
  }

  private async removePending(row: WinCertRow): Promise<void> {
    const r = await this.ps(REMOVE_PENDING_SCRIPT, { CERTDESK_THUMBPRINT: row.thumbprint });
    if (r.code !== 0) throw certreqFailure(r, this.ctx('remove'));
  }

  private pendingFor(rows: WinCertRow[], keyId: string): WinCertRow[] {
    return rows.filter((r) => r.store === 'REQUEST' && r.rawDer && certKeyId(r.rawDer) === keyId);
  }

  async attach(opts: AttachOptions): Promise<StoredIdentity> {
    const facts = certFacts(opts.certificateDer);
    if (certKeyId(opts.certificateDer) !== opts.keyId) {
      throw new CoreError('VERIFY_FAILED', "The bank's certificate is not for the key made on this PC, so it was not installed. Contact the bank.", { reason: 'KEY_MISMATCH' });
    }
    const thumb = facts.sha1.toUpperCase();
    let rows = await this.rows();
    let mine = rows.find((r) => r.store === 'My' && r.thumbprint === thumb);
    if (!mine?.hasPrivateKey) {
      if (this.pendingFor(rows, opts.keyId).length === 0) {
        throw new CoreError('KEY_MISSING', "The key made for this request is no longer on this PC (its pending request was removed), so the bank's certificate cannot be used here. Run the renewal or 取得 again to make a new key.", { reason: 'PENDING_REQUEST_GONE' });
      }
      await this.install(opts, thumb);
    }
    await this.installChain(rows, opts.chainDer);
    rows = await this.rows();
    mine = rows.find((r) => r.store === 'My' && r.thumbprint === thumb);
    if (!mine) throw new CoreError('STORE_WRITE_FAILED', 'Windows reported the certificate as installed but it is not in CurrentUser\\My. Try again; if it persists, export diagnostics.', { reason: 'NOT_LISTED' });
    if (!mine.hasPrivateKey) throw new CoreError('KEY_MISSING', 'The certificate was installed into CurrentUser\\My without its key. Run the renewal or 取得 again.', { reason: 'KEY_NOT_LISTED' });
    const pair = await provePairing((s, env) => this.ps(s, env), thumb, (res) => winFailure(res, 'read'));
    // The point of this custodian: the key is where the policy put it and cannot leave. A
    // restricted PowerShell cannot say; the INF fixed both when the key was made.
    if (pair && pair.provider !== this.provider) {
      throw new CoreError('VERIFY_FAILED', `The certificate's key is in "${pair.provider || 'an unknown provider'}", not in "${this.provider}" as the policy requires. Export diagnostics and contact support.`, { reason: 'WRONG_PROVIDER' });
    }
    if (pair && pair.exportable !== false) {
      throw new CoreError('VERIFY_FAILED', "Windows reports the certificate's key as exportable, which the policy forbids. Export diagnostics and contact support.", { reason: 'KEY_EXPORTABLE' });
    }
    return { fingerprint: facts.sha256, certificateDer: opts.certificateDer, hasPrivateKey: true, nickname: mine.friendlyName || opts.friendlyName };
  }

  /**
   * The issued certificate onto the pending key: CertEnroll's InstallResponse with an
   * untrusted root allowed (key-scripts.ts says why). Where PowerShell may not create COM
   * objects (Constrained Language Mode), `certreq -accept`, which works only when Windows
   * trusts the bank's root; its refusal then says what IT can change.
   */
  private async install(opts: AttachOptions, thumb: string): Promise<void> {
    const r = await this.ps(INSTALL_RESPONSE_SCRIPT, {
      CERTDESK_CERT_B64: Buffer.from(opts.certificateDer).toString('base64'),
      CERTDESK_THUMBPRINT: thumb,
      CERTDESK_FRIENDLY_NAME: opts.friendlyName,
    });
    if (r.code === 0) return;
    if (!constrainedLanguage(r)) throw certreqFailure(r, this.ctx('accept'));
    const accepted = await withPrivateDir(this.opts.tempRoot, async (dir) => this.certreq(['-accept', '-q', '-user', await dir.write('issued.cer', opts.certificateDer)]));
    if (accepted.code === 0) return;
    const err = certreqFailure(accepted, this.ctx('accept'));
    if (err.detail?.reason !== 'UNTRUSTED_ROOT') throw err;
    throw new CoreError(
      'STORE_WRITE_FAILED',
      "PowerShell is restricted on this PC (Constrained Language Mode), and certreq refuses a certificate whose root Windows does not trust. Ask IT to allow CertDesk's PowerShell commands (or to set keyStorage \"software\" in the policy); nothing was installed and the key is kept for the next try.",
      { ...err.detail, reason: 'UNTRUSTED_ROOT_RESTRICTED' },
    );
  }

  /** The issuing CAs into CurrentUser\CA as chain material; a self-signed root never (not trusted, not stored). */
  private async installChain(rows: WinCertRow[], chainDer: Uint8Array[]): Promise<void> {
    for (const der of chainDer) {
      const f = certFacts(der);
      if (!f.isCA || f.selfSigned) continue;
      if (rows.some((r) => r.store === 'CA' && r.thumbprint === f.sha1.toUpperCase())) continue;
      await withPrivateDir(this.opts.tempRoot, async (dir) => {
        const file = await dir.write('ca.cer', der);
        const r = await this.ps(IMPORT_CA_SCRIPT, { CERTDESK_CERT_FILE: file, CERTDESK_STORE: 'CA' });
        if (r.code !== 0) throw winFailure(r, 'write');
      });
    }
  }

  async listPending(): Promise<PendingKey[]> {
    return (await this.rows()).flatMap((r) => {
      const keyId = r.store === 'REQUEST' && r.rawDer ? certKeyId(r.rawDer) : null;
      return keyId && r.rawDer ? [{ keyId, thumbprint: r.thumbprint, subjectDer: subjectDerOf(r.rawDer) }] : [];
    });
  }

  async hasKey(keyId: string): Promise<boolean> {
    const rows = await this.rows();
    return rows.some((r) => (r.store === 'REQUEST' || (r.store === 'My' && r.hasPrivateKey)) && r.rawDer && certKeyId(r.rawDer) === keyId);
  }

  /**
   * After a kill inside certreq -new (the journal saw the key being made, never its ID):
   * the pending requests the INF named with this working label ("CertDesk <journal id>"),
   * with their keys. Only REQUEST placeholders: an installed certificate's key is never one.
   */
  async removeKeysLabelled(label: string): Promise<void> {
    if (label === '') return;
    const labelled = (rows: WinCertRow[]) => rows.filter((r) => r.store === 'REQUEST' && r.friendlyName === label);
    const pending = labelled(await this.rows());
    if (pending.length === 0) return;
    for (const row of pending) await this.removePending(row);
    if (labelled(await this.rows()).length > 0) {
      throw new CoreError('STORE_WRITE_FAILED', `The unused key "${label}" is still in CurrentUser\\REQUEST after removal. Close other programs that use certificates and try again.`, { reason: 'STILL_LISTED' });
    }
  }

  /**
   * Removes the pending request and its key. A key that an installed certificate already
   * uses is not an orphan: it is left, and goes with its certificate (the store's remove).
   */
  async removeKey(keyId: string): Promise<void> {
    const pending = this.pendingFor(await this.rows(), keyId);
    if (pending.length === 0) return;
    for (const row of pending) await this.removePending(row);
    if (this.pendingFor(await this.rows(), keyId).length > 0) {
      throw new CoreError('STORE_WRITE_FAILED', 'The unused key is still in CurrentUser\\REQUEST after removal. Close other programs that use certificates and try again.', { reason: 'STILL_LISTED' });
    }
  }
}
