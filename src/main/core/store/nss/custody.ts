// The NSS db's own token as the key's custodian (keyStorage `store` on Linux): the key is
// made inside the db by the softoken, signs the request there, and the issued certificate
// is put beside it as a token object with the same CKA_ID. No PKCS#12 file, no pk12util,
// no key in CertDesk's memory: a renewal needs no keychain to seal it.
//
// The softoken is NSS's software tier: it marks the key sensitive, but NSS's own tools can
// still export it (pk12util -o), which the command line's mutual TLS relies on
// (exportIdentity). A TPM or a smart card is the pkcs11 custodian.
import { CoreError } from '../../errors';
import { certFacts, commonNameOf } from '../certs';
import type { AttachOptions, KeyCustodian, KeyRequest, KeyRequestSpec } from '../custody';
import { createTokenKeyOps, type TemplateProfile } from '../pkcs11/custodian-ops';
import type { StoredIdentity } from '../types';
import { readListing } from './listing';
import { withToken } from './token';

export interface NssCustodianOptions {
  dbDir: string;
  /** How errors name the db (a Firefox profile, say). */
  label: string;
  /** Runs before every write and may refuse it (Firefox holding the profile). */
  beforeWrite?: () => void;
}

/**
 * Measured on Debian 12's NSS 3.87: the softoken accepts the key's CKA_ID after generation,
 * and marks the key non-extractable as asked but does not enforce it against its own tools:
 * `pk12util -o` still exports it, which the command line's mutual TLS (exportIdentity) uses
 * on the next renewal.
 */
const NSS_PROFILE: TemplateProfile = { extractable: false, idMustFollowConvention: true };

export function createNssTokenCustodian(o: NssCustodianOptions): KeyCustodian {
  const beforeWrite = o.beforeWrite ?? (() => undefined);
  const ops = createTokenKeyOps({ profile: NSS_PROFILE, where: o.label, run: (access, fn) => withToken(o.dbDir, access, (t) => fn(t.raw())) });
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
      const nickname = await ops.attach(opts, (certs) => {
        // NSS files every certificate of one subject under one nickname: a renewed holder keeps its own.
        const same = certs.find((c) => c.keyId !== '' && sameSubject(c.der, leaf.subject));
        return same?.label || uniqueNickname(new Set(certs.map((c) => c.label)), opts.friendlyName || commonNameOf(leaf));
      });
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

function sameSubject(der: Uint8Array, subject: string): boolean {
  try {
    return certFacts(der).subject === subject;
  } catch {
    return false;
  }
}

function uniqueNickname(taken: Set<string>, base: string): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`;
}
