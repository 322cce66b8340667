// keyStorage `pkcs11` (a smart card, softhsm2) and `tpm` (tpm2-pkcs11): the key is made in
// the token named by policy, never leaves it (non-extractable where the token enforces it),
// and the issued certificate is stored beside it as a token object of the same CKA_ID, so
// that NSS (the browser, with the module registered) offers it with its key.
import type { KeyStorage } from '../../../../shared/policy';
import { certFacts, commonNameOf } from '../certs';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from '../custody';
import type { StoredIdentity } from '../types';
import { CoreError } from '../../errors';
import { createTokenKeyOps, type TemplateProfile } from './custodian-ops';
import { describeTarget, withModuleToken, type ModuleTarget } from './module';
import { certificates, keyObjects, type P11Session } from './objects';

/**
 * Measured on softhsm2 2.6.1 and tpm2-pkcs11 1.9 over swtpm 0.7 (Debian 12): both take the
 * templates of pkcs11/objects for RSA-2048 and P-256 keys, keep the key non-extractable
 * (softhsm2: CKR_KEY_UNEXTRACTABLE on C_WrapKey, CKR_ATTRIBUTE_SENSITIVE on the secret;
 * tpm2-pkcs11: no C_WrapKey at all, no secret attribute) and accept the CKA_ID of NSS's
 * convention after generation. A token that refuses the ID keeps the random one it was made
 * with, and the certificate gets that one.
 */
const TOKEN_PROFILE: TemplateProfile = { extractable: false, idMustFollowConvention: false };

export interface Pkcs11CustodianOptions extends ModuleTarget {
  storage: Extract<KeyStorage, 'pkcs11' | 'tpm'>;
}

export function createPkcs11Custodian(o: Pkcs11CustodianOptions): KeyCustodian {
  const where = describeTarget(o);
  const run = <T,>(access: 'read' | 'write', fn: (s: P11Session) => T | Promise<T>) => withModuleToken(o, access, fn);
  const ops = createTokenKeyOps({ profile: TOKEN_PROFILE, where, run });
  return {
    storage: o.storage,
    describe: () => where,
    generateKey: (spec) => ops.generateKey(spec),
    createRequest: (spec: KeyRequestSpec): Promise<KeyRequest> => ops.createRequest(spec),
    async attach(opts: AttachOptions): Promise<StoredIdentity> {
      const leaf = certFacts(opts.certificateDer);
      const label = await ops.attach(opts, () => opts.friendlyName || commonNameOf(leaf));
      const der = Buffer.from(opts.certificateDer);
      const back = await run('read', (s) => ({
        cert: certificates(s, opts.keyId).some((c) => der.equals(Buffer.from(c.der))),
        key: keyObjects(s, opts.keyId).privateKeys.length > 0,
      }));
      if (!back.cert) throw new CoreError('STORE_WRITE_FAILED', `The certificate was written into the ${where} but is not there. Check the token and try again.`, { reason: 'NOT_LISTED' });
      if (!back.key) throw new CoreError('KEY_MISSING', `The certificate is in the ${where} but its private key is not.`, { reason: 'KEY_NOT_LISTED' });
      return { fingerprint: leaf.sha256, certificateDer: opts.certificateDer, hasPrivateKey: true, nickname: label };
    },
    hasKey: (keyId) => ops.hasKey(keyId),
    removeKeysLabelled: (label) => ops.removeKeysLabelled(label),
    removeKey: (keyId) => ops.removeKey(keyId),
  };
}
