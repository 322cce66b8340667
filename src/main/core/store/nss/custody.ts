// The NSS db's own token as the key's custodian (keyStorage `store` on Linux): the key is
// made inside the db by the softoken, signs the request there, and the issued certificate
// is put beside it as a token object with the same CKA_ID. No PKCS#12 file, no pk12util,
// no key in CertDesk's memory: a renewal needs no keychain to seal it.
//
// The softoken is NSS's software tier: it marks the key sensitive, but NSS's own tools can
// still export it (pk12util -o), which the command line's mutual TLS relies on
// (exportIdentity). A TPM or a smart card is the pkcs11 custodian.
import { CoreError } from '../../errors';
import { certFacts, commonNameOf, nicknameFor, tryCertFacts } from '../certs';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from '../custody';
import { createTokenKeyOps } from '../pkcs11/custodian-ops';
import { TEMPLATE_PROFILES } from '../pkcs11/profiles';
import { withNssToken } from '../pkcs11/softoken';
import type { StoredIdentity } from '../types';
import { readListing } from './listing';

export interface NssCustodianOptions {
  dbDir: string;
  /** How errors name the db (a Firefox profile, say). */
  label: string;
  /** Runs before every write and may refuse it (Firefox holding the profile). */
  beforeWrite?: () => void;
}

export function createNssTokenCustodian(o: NssCustodianOptions): KeyCustodian {
  const beforeWrite = o.beforeWrite ?? (() => undefined);
  // The softoken's profile (pkcs11/profiles): non-extractable asked for, not enforced against NSS's own tools.
  const ops = createTokenKeyOps({ profile: TEMPLATE_PROFILES.nssSoftoken, where: o.label, run: (access, fn, ro) => withNssToken(o.dbDir, access, fn, ro) });
  return {
    storage: 'store',
    describe: () => `${o.label} (token NSS Certificate DB)`,
    async generateKey(spec) {
      beforeWrite();
      return ops.generateKey(spec);
    },
    async createRequest(spec: KeyRequestSpec): Promise<KeyRequest> {
      beforeWrite();
      return ops.createRequest(spec);
    },
    async attach(opts: AttachOptions): Promise<StoredIdentity> {
      beforeWrite();
      const leaf = certFacts(opts.certificateDer);
      // NSS files every certificate of one subject under one nickname: a renewed holder (a certificate with a key) keeps its own.
      const nickname = await ops.attach(opts, (certs) =>
        nicknameFor(
          certs.map((c) => ({ nickname: c.label, subject: c.keyId !== '' ? tryCertFacts(c.der)?.subject : undefined })),
          leaf.subject,
          opts.friendlyName || commonNameOf(leaf),
        ),
      );
      // Read back as the store reads: the certificate, with a private key of its CKA_ID.
      const listing = await readListing(o.dbDir);
      const listed = listing.certs.find((c) => Buffer.from(c.der).equals(Buffer.from(opts.certificateDer)));
      if (!listed) throw new CoreError('STORE_WRITE_FAILED', `The certificate was written into ${o.label} but is not listed there. Close all browsers and try again.`, { reason: 'NOT_LISTED' });
      if (!listing.keyIds.has(listed.keyId)) throw new CoreError('KEY_MISSING', `The certificate is in ${o.label} but its private key is not. Close all browsers and try again.`, { reason: 'KEY_NOT_LISTED' });
      return { fingerprint: leaf.sha256, certificateDer: opts.certificateDer, hasPrivateKey: true, nickname: listed.nickname || nickname };
    },
    hasKey: (keyId) => ops.hasKey(keyId),
    async removeKeysLabelled(label: string): Promise<void> {
      beforeWrite();
      await ops.removeKeysLabelled(label);
    },
    async removeKey(keyId: string): Promise<void> {
      beforeWrite();
      await ops.removeKey(keyId);
    },
  };
}
