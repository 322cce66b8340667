// The macOS adapter: the login keychain through /usr/bin/security.
import { randomBytes } from 'node:crypto';
import type { KeyStorage } from '../../../../shared/policy';
import { CoreError } from '../../errors';
import { buildPkcs12 } from '../../pki';
import { certFacts, chainsToAnchor, commonNameOf, normHex, verifyTrusted } from '../certs';
import { macosProfile, type Pkcs12Profile } from '../pkcs12-profile';
import { withPrivateDir } from '../temp';
import type { HasKeyCustodian, KeyCustodian } from '../custody';
import type { CertificateStore, CommandRunner, InstallOptions, RunResult, StoredIdentity } from '../types';
import { createMacKeyCustodian } from './custodian';
import { keychainOf, macFailure, readKeychain, SECURITY, type Item, type MacStoreOptions } from './keychain';

// Where tests and callers have always found them.
export { keychainOf, macFailure, readKeychain, SECURITY, type Item, type MacStoreOptions };

export function createMacStore(run: CommandRunner, opts: MacStoreOptions): CertificateStore {
  return new MacStore(run, opts);
}

class MacStore implements CertificateStore, HasKeyCustodian {
  readonly kind = 'macos' as const;
  readonly profile: Pkcs12Profile;
  readonly lockFile: string;
  private readonly keychain: string;
  constructor(
    private readonly run: CommandRunner,
    private readonly opts: MacStoreOptions,
  ) {
    this.profile = macosProfile(opts.productVersion);
    this.keychain = keychainOf(opts);
    this.lockFile = `${this.keychain}.certdesk.lock`;
  }

  describe(): string {
    return `macOS keychain ${this.keychain} (macOS ${this.opts.productVersion}, PKCS#12 ${this.profile})`;
  }

  /**
   * `software` and `store` alike: the key is made in CertDesk and imported non-extractable
   * (`security import -x`, macos/custodian); the login keychain offers no way to make a key
   * inside it through `security`. `tpm` and `pkcs11` are refused by the custody decision
   * (store/custody-decision), with what to set instead.
   */
  keyCustodian(storage: KeyStorage): KeyCustodian | undefined {
    if (storage === 'software' || storage === 'store') return createMacKeyCustodian(this.run, this.opts, this);
    return undefined;
  }

  private sec(args: string[]): Promise<RunResult> {
    return this.run(SECURITY, args, { timeoutMs: this.opts.timeoutMs ?? 60_000 });
  }

  private items(): Promise<Item[]> {
    return readKeychain((args) => this.sec(args), this.keychain);
  }

  async list(anchorsDer: Uint8Array[]): Promise<StoredIdentity[]> {
    const items = await this.items();
    const pool = items.map((i) => i.block.der);
    const out: StoredIdentity[] = [];
    for (const i of items) {
      const f = certFacts(i.block.der);
      if (f.isCA) continue;
      if (chainsToAnchor(f, pool, anchorsDer)) out.push(toIdentity(i));
    }
    return out;
  }

  async install(opts: InstallOptions): Promise<StoredIdentity> {
    const facts = certFacts(opts.certificateDer);
    const present = (await this.items()).find((i) => i.sha256 === facts.sha256);
    if (present?.hasKey) return toIdentity(present);
    const chainDer = opts.chainDer.filter((c) => !certFacts(c).selfSigned);
    const password = randomBytes(24).toString('base64url');
    const pkcs12 = await buildPkcs12({ privateKeyPkcs8: opts.privateKeyPkcs8, certificateDer: opts.certificateDer, chainDer, friendlyName: opts.friendlyName, password, profile: this.profile });
    await withPrivateDir(this.opts.tempRoot, async (dir) => {
      const file = await dir.write('identity.p12', pkcs12);
      // `security import` takes the passphrase only with -P (or from a GUI prompt): it is on
      // the command line for the second the import lasts. It is random, used once, and opens
      // only a 0600 file in a private folder that is deleted right after.
      // -f pkcs12 always (macOS 15+ reads AES PKCS#12 only that way); -x: key not extractable.
      const r = await this.sec(['import', file, '-k', this.keychain, '-f', 'pkcs12', '-x', '-P', password]);
      if (r.code !== 0 && !/already exists/i.test(r.stderr)) throw macFailure(r, 'write', this.keychain, this.profile);
    });
    // Success may print nothing on macOS 15+ (fixtures §6.1): only the listing decides.
    const after = (await this.items()).find((i) => i.sha256 === facts.sha256);
    if (!after) throw new CoreError('STORE_WRITE_FAILED', `The import finished but the certificate is not in ${this.keychain}. Unlock the login keychain and try again.`, { reason: 'NOT_LISTED' });
    if (!after.hasKey) throw new CoreError('KEY_MISSING', `The certificate is in ${this.keychain} but its private key is not. Unlock the login keychain and try again.`, { reason: 'KEY_NOT_LISTED' });
    return toIdentity(after);
  }

  async verifyInstalled(fingerprint: string, anchorsDer: Uint8Array[]): Promise<StoredIdentity> {
    const fp = normHex(fingerprint);
    const items = await this.items();
    const item = items.find((i) => i.sha256 === fp);
    if (!item) throw new CoreError('VERIFY_FAILED', `The certificate ${fp.slice(0, 16)}… is not in ${this.keychain}.`, { reason: 'NOT_IN_STORE' });
    if (!item.hasKey) throw new CoreError('KEY_MISSING', `The certificate is in ${this.keychain} but its private key is not: it cannot be used to log in.`, { reason: 'KEY_NOT_LISTED' });
    // The chain from the keychain's certificates and the bank's anchors, by CertDesk's own
    // path validation: whether macOS trusts the bank's root plays no part (it is never added).
    if (!(await verifyTrusted(certFacts(item.block.der), items.map((i) => i.block.der), anchorsDer))) {
      throw new CoreError('VERIFY_FAILED', "The installed certificate does not chain to the bank's trust anchor or is not valid today: install the bank's CA certificate.", { reason: 'UNTRUSTED_CHAIN' });
    }
    return toIdentity(item);
  }

  async remove(fingerprint: string): Promise<void> {
    const fp = normHex(fingerprint);
    const item = (await this.items()).find((i) => i.sha256 === fp);
    if (!item) return;
    // delete-identity removes the key, then the certificate; the SHA-1 selects exactly one.
    const r = await this.sec([item.hasKey ? 'delete-identity' : 'delete-certificate', '-Z', item.block.sha1, this.keychain]);
    const still = (await this.items()).some((i) => i.sha256 === fp);
    if (still) throw r.code !== 0 ? macFailure(r, 'write', this.keychain) : new CoreError('STORE_WRITE_FAILED', `The certificate is still in ${this.keychain} after removal. Unlock the login keychain and try again.`, { reason: 'STILL_LISTED' });
  }

  async installCaCertificates(caDer: Uint8Array[]): Promise<void> {
    const items = await this.items();
    for (const der of caDer) {
      const f = certFacts(der);
      if (!f.isCA) throw new CoreError('INVALID_INPUT', `"${commonNameOf(f)}" is not a CA certificate and was not installed as one.`, { reason: 'NOT_CA' });
      // Chain material only, without trust settings: a self-signed root is never added.
      if (f.selfSigned) continue;
      if (items.some((i) => i.sha256 === f.sha256)) continue;
      await withPrivateDir(this.opts.tempRoot, async (dir) => {
        const file = await dir.write('ca.cer', der);
        const r = await this.sec(['add-certificates', '-k', this.keychain, file]);
        if (r.code !== 0 && !/already (exists|in)/i.test(r.stderr)) throw macFailure(r, 'write', this.keychain);
      });
    }
  }
}

function toIdentity(i: Item): StoredIdentity {
  return { fingerprint: i.sha256, certificateDer: i.block.der, hasPrivateKey: i.hasKey, ...(i.label ? { nickname: i.label } : {}) };
}
