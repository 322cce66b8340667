// keyStorage `pkcs11` (a smart card, softhsm2) and `tpm` (tpm2-pkcs11): the key is made in
// the token named by policy, never leaves it (non-extractable where the token enforces it),
// and the issued certificate is stored beside it as a token object of the same CKA_ID, so
// that NSS (the browser, with the module registered) offers it with its key.
import type { KeyStorage } from '../../../../shared/policy';
import { certFacts, commonNameOf } from '../certs';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from '../custody';
import type { StoredIdentity } from '../types';
import { CoreError } from '../../errors';
import { createTokenKeyOps } from './custodian-ops';
import { describeTarget, withModuleToken, type ModuleTarget } from './module';
import { certificates, keyObjects } from './objects';
import { TEMPLATE_PROFILES, tokenKindOf } from './profiles';
import type { P11Session } from './session';

export interface Pkcs11CustodianOptions extends ModuleTarget {
  storage: Extract<KeyStorage, 'pkcs11' | 'tpm'>;
}

export function createPkcs11Custodian(o: Pkcs11CustodianOptions): KeyCustodian {
  const where = describeTarget(o);
  const run = <T,>(access: 'read' | 'write', fn: (s: P11Session) => T | Promise<T>) => withModuleToken(o, access, fn);
  // The profile measured for this kind of token (softhsm2, tpm2-pkcs11; a card's module: the strict one).
  const ops = createTokenKeyOps({ profile: TEMPLATE_PROFILES[tokenKindOf(o.module)], where, run });
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
