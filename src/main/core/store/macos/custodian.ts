// macOS key custody: keyStorage `software` (macOS keeps it whatever the policy asks; the
// login keychain has no token CertDesk can make a key in through `security`). The key is
// made in CertDesk's WebCrypto, signs the request here, is sealed in the journal by the
// caller until attach, then goes into the login keychain with its certificate through
// `security import … -f pkcs12 -x` (MacStore.install: a random-password PKCS#12 in a private
// 0700 folder, file 0600, removed whatever happens). -x marks the imported key
// non-extractable: from then on no tool, CertDesk included, can export it.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { CoreError } from '../../errors';
import { buildCsr, exportPkcs8, generateKeyPair, sha256Hex } from '../../pki';
import { certFacts } from '../certs';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from '../custody';
import type { CertificateStore, CommandRunner, StoredIdentity } from '../types';
import { keychainOf, readKeychain, SECURITY, type MacStoreOptions } from './keychain';

/** Request attributes this custodian can carry: none (buildCsr writes none). */
export const MAC_ATTRIBUTE_OIDS: readonly string[] = [];

function spkiOfPkcs8(pkcs8: Uint8Array): Uint8Array {
  return new Uint8Array(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }));
}

function spkiOfCert(der: Uint8Array): Uint8Array {
  return new Uint8Array(certFacts(der).cert.publicKey.export({ format: 'der', type: 'spki' }));
}

/** `store` is the keychain's adapter the key is imported through (the store that offers this custodian). */
export function createMacKeyCustodian(run: CommandRunner, opts: MacStoreOptions, store: CertificateStore): KeyCustodian {
  const sec = (args: string[]) => run(SECURITY, args, { timeoutMs: opts.timeoutMs ?? 60_000 });
  return {
    storage: 'software',
    describe: () => `${store.describe()}; key made in CertDesk, imported non-extractable`,

    async createRequest(spec: KeyRequestSpec): Promise<KeyRequest> {
      if (spec.attributesDer?.length) {
        throw new CoreError('INVALID_INPUT', 'The macOS key custodian cannot add the requested attributes to the request (MAC_ATTRIBUTE_OIDS is empty): this is a bug, export diagnostics and contact support.', { reason: 'ATTRIBUTES_UNSUPPORTED' });
      }
      const keys = await generateKeyPair(spec.keyType);
      const [csr, pkcs8] = await Promise.all([buildCsr({ keys, subjectDer: spec.subjectDer }), exportPkcs8(keys.privateKey)]);
      const spki = spkiOfPkcs8(pkcs8);
      return { keyId: sha256Hex(spki), csrDer: csr.der, publicKeySpki: spki, softwarePkcs8: pkcs8 };
    },

    async attach(a: AttachOptions): Promise<StoredIdentity> {
      if (!a.softwarePkcs8) {
        throw new CoreError('KEY_MISSING', "The key made for this request is not available (the journal no longer holds it), so the bank's certificate cannot be installed. Run the renewal or 取得 again to make a new key.", { reason: 'NO_SOFTWARE_KEY' });
      }
      const keyOfCert = sha256Hex(spkiOfCert(a.certificateDer));
      if (keyOfCert !== a.keyId || sha256Hex(spkiOfPkcs8(a.softwarePkcs8)) !== a.keyId) {
        throw new CoreError('VERIFY_FAILED', "The bank's certificate is not for the key made on this Mac, so it was not installed. Contact the bank.", { reason: 'KEY_MISMATCH' });
      }
      // install reads back: it resolves only once find-identity pairs the certificate with its key.
      return store.install({ privateKeyPkcs8: a.softwarePkcs8, certificateDer: a.certificateDer, chainDer: a.chainDer, friendlyName: a.friendlyName });
    },

    /** Whether the keychain holds an identity with this public key (before attach the key is the journal's, not the keychain's). */
    async hasKey(keyId: string): Promise<boolean> {
      const items = await readKeychain(sec, keychainOf(opts));
      return items.some((i) => i.hasKey && sha256Hex(spkiOfCert(i.block.der)) === keyId);
    },

    /**
     * Nothing to do: a key reaches the keychain only inside an identity, with its
     * certificate, and leaves with it (the store's remove, delete-identity).
     */
    removeKey: async () => undefined,
  };
}
