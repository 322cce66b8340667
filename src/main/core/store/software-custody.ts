// keyStorage `software`: the key is made in CertDesk (Node's WebCrypto), signs the request
// here, and goes into the store with its certificate through the store's own install
// (a private temporary PKCS#12, imported and removed). The custodian keeps nothing: until
// attach, the key is the caller's (the journal seals it), so there is no orphan to find.
// macOS keeps this path (`security import -x` makes the key non-extractable), and it is
// the fallback where a store has no token of its own.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { CoreError } from '../errors';
import { buildCsr, exportPkcs8, generateKeyPair, sha256Hex } from '../pki';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from './custody';
import type { CertificateStore, StoredIdentity } from './types';

export function createSoftwareCustodian(store: CertificateStore): KeyCustodian {
  return {
    storage: 'software',
    describe: () => `${store.describe()} (key made in CertDesk, imported)`,
    async createRequest(spec: KeyRequestSpec): Promise<KeyRequest> {
      const keys = await generateKeyPair(spec.keyType);
      const [csr, pkcs8] = await Promise.all([buildCsr({ keys, subjectDer: spec.subjectDer, ...(spec.hash ? { hash: spec.hash } : {}), ...(spec.attributesDer ? { attributesDer: spec.attributesDer } : {}) }), exportPkcs8(keys.privateKey)]);
      const spki = new Uint8Array(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' }));
      return { keyId: sha256Hex(spki), csrDer: csr.der, publicKeySpki: spki, softwarePkcs8: pkcs8 };
    },
    async attach(opts: AttachOptions): Promise<StoredIdentity> {
      if (!opts.softwarePkcs8) throw new CoreError('INTERNAL', 'The software key custodian needs the request\'s key to install the certificate.', { reason: 'NO_KEY' });
      return store.install({ privateKeyPkcs8: opts.softwarePkcs8, certificateDer: opts.certificateDer, chainDer: opts.chainDer, friendlyName: opts.friendlyName });
    },
    // The key lives in the journal until attach, then in the store under its certificate.
    hasKey: async () => false,
    removeKey: async () => undefined,
  };
}
