// The custodian's operations on any PKCS#11 token, each in one session of the token: the NSS
// db's softoken and a module named by policy differ only in their target (softoken.ts,
// module.ts) and in the key templates they accept (profiles.ts).
import { CoreError } from '../../errors';
import { csrToBeSigned, certificateObjectFields } from '../../pki';
import type { AttachOptions, KeyRequest, KeyRequestSpec } from '../custody';
import { certFacts } from '../certs';
import type { KeyType } from '../../../../shared/policy';
import { generateKeyPair, publicKeySpki, signHashed, type GeneratedKey } from './keys';
import { certificates, destroyKeyPair, destroyQuietly, keyIdsLabelled, keyObjects, putCertificate, relabelKeyPair, type TokenCertificate } from './objects';
import type { TemplateProfile } from './profiles';
import type { P11Session, RunOptions } from './session';

/** Runs `fn` in one session of the token; an async `fn` (a key generated on the thread pool) keeps it until it settles. */
export type TokenRunner = <T>(access: 'read' | 'write', fn: (s: P11Session) => T | Promise<T>, o?: RunOptions) => Promise<T>;

export interface TokenKeyOps {
  generateKey(spec: Pick<KeyRequestSpec, 'keyType' | 'label'>): Promise<{ keyId: string; keyType: KeyType }>;
  createRequest(spec: KeyRequestSpec): Promise<KeyRequest>;
  /** Puts the certificate (and the CAs as bare chain material) beside the key; returns the label it got. */
  attach(opts: AttachOptions, labelFor: (certs: TokenCertificate[]) => string): Promise<string>;
  hasKey(keyId: string): Promise<boolean>;
  removeKey(keyId: string): Promise<void>;
  removeKeysLabelled(label: string): Promise<void>;
}

export function createTokenKeyOps(o: { profile: TemplateProfile; where: string; run: TokenRunner }): TokenKeyOps {
  return {
    generateKey: (spec) =>
      o.run('write', async (s) => {
        const key = await generateKeyPair(s, spec.keyType, spec.label, o.profile);
        return { keyId: key.keyId, keyType: spec.keyType };
      }),

    createRequest: (spec) =>
      o.run('write', async (s) => {
        const key = spec.keyId ? madeKey(s, spec.keyId, spec.keyType, o.where) : await generateKeyPair(s, spec.keyType, spec.label, o.profile);
        try {
          const hash = spec.hash ?? 'SHA-256';
          const { tbs, complete } = csrToBeSigned({ subjectDer: spec.subjectDer, spkiDer: key.spkiDer, algorithm: key.algorithm, hash, ...(spec.attributesDer ? { attributesDer: spec.attributesDer } : {}) });
          const csr = complete(signHashed(s, key.privateKey, key.algorithm, hash, tbs));
          return { keyId: key.keyId, csrDer: csr.der, publicKeySpki: key.spkiDer };
        } catch (err) {
          // A key whose request could not be made is no one's: it goes at once.
          const k = keyObjects(s, key.keyId);
          destroyQuietly(s, [...k.privateKeys, ...k.publicKeys]);
          throw err;
        }
      }),

    attach: (opts, labelFor) =>
      o.run('write', (s) => {
        if (keyObjects(s, opts.keyId).privateKeys.length === 0) {
          throw new CoreError('KEY_MISSING', `The private key of this request (ID ${opts.keyId.slice(0, 16)}…) is no longer in ${o.where}, so the issued certificate cannot be used there. Obtain a new certificate (取得).`, { reason: 'KEY_GONE' });
        }
        assertCertificateOfKey(s, opts.certificateDer, opts.keyId, o.where);
        const all = certificates(s);
        const der = Buffer.from(opts.certificateDer);
        const present = all.find((c) => der.equals(Buffer.from(c.der)));
        const label = present?.label || labelFor(all);
        if (present && present.keyId !== opts.keyId) throw new CoreError('STORE_WRITE_FAILED', `The certificate is already in ${o.where} under another key ID. Remove it there and try again.`, { reason: 'ID_CONFLICT' });
        if (!present) putCertificate(s, opts.certificateDer, opts.keyId, label);
        // The key takes the certificate's name, as an import names it: certutil -K and a
        // browser's key list then show the holder, not the request's working label.
        relabelKeyPair(s, opts.keyId, label);
        for (const ca of opts.chainDer) {
          const f = certFacts(ca);
          if (!f.isCA || f.selfSigned || all.some((c) => Buffer.from(ca).equals(Buffer.from(c.der)))) continue;
          putCertificate(s, ca, '', commonName(f.subject) || 'CA');
        }
        return label;
      }),

    hasKey: (keyId) => o.run('read', (s) => keyObjects(s, keyId).privateKeys.length > 0),

    async removeKeysLabelled(label) {
      const ids = await o.run('write', (s) => {
        const gone: string[] = [];
        for (const keyId of keyIdsLabelled(s, label)) if (destroyKeyPair(s, keyId)) gone.push(keyId);
        return gone;
      });
      await readBackGone(o, ids, label);
    },

    async removeKey(keyId) {
      // A key that a certificate uses is no orphan: it stays.
      const destroyed = await o.run('write', (s) => destroyKeyPair(s, keyId));
      if (destroyed) await readBackGone(o, [keyId], undefined);
    },
  };
}

/**
 * A removal read back in a session of its own (the NSS softoken opened anew from its files,
 * not the initialisation it keeps between operations):
 * on a full disk the token can accept C_DestroyObject and keep the key. Still there: an error
 * that names it, so that the caller keeps its record of the key (journal, ledger).
 */
async function readBackGone(o: { where: string; run: TokenRunner }, keyIds: string[], label: string | undefined): Promise<void> {
  const left = await o.run('read', (s) => {
    const ids = new Set(keyIds.filter((id) => keyObjects(s, id).privateKeys.length > 0 && certificates(s, id).length === 0));
    if (label) for (const id of keyIdsLabelled(s, label)) if (certificates(s, id).length === 0) ids.add(id);
    return [...ids];
  }, { fresh: true });
  if (left.length > 0) {
    throw new CoreError('STORE_WRITE_FAILED', `A key CertDesk made${label ? ` ("${label}")` : ''} could not be deleted from ${o.where}: it is still there after its removal (is the disk full?). CertDesk keeps a record of it and removes it at the next run.`, { reason: 'KEY_NOT_REMOVED', keyId: left[0]! });
  }
}

/** The key generateKey made (KeyRequestSpec.keyId), found again by its CKA_ID for signing. */
function madeKey(s: P11Session, keyId: string, keyType: KeyType, where: string): GeneratedKey {
  const [privateKey] = keyObjects(s, keyId).privateKeys;
  const spkiDer = publicKeySpki(s, keyId);
  if (!privateKey || !spkiDer) {
    throw new CoreError('KEY_MISSING', `The key CertDesk made for this request (ID ${keyId.slice(0, 16)}…) is no longer in ${where}. Try again.`, { reason: 'KEY_GONE' });
  }
  return { keyId, spkiDer, algorithm: keyType === 'ecdsaP256' ? 'ecdsa' : 'rsa', privateKey };
}

/**
 * The issued certificate must carry the key's public key: compared with the public key
 * object of the same CKA_ID, else (a token that keeps no public object) through NSS's ID
 * convention.
 */
function assertCertificateOfKey(s: P11Session, der: Uint8Array, keyId: string, where: string): void {
  const certSpki = Buffer.from(certificateObjectFields(der).spkiDer);
  const ofKey = publicKeySpki(s, keyId);
  const same = ofKey ? certSpki.equals(Buffer.from(ofKey)) : certFacts(der).keyId === keyId;
  if (!same) throw new CoreError('INVALID_INPUT', `The issued certificate does not carry the public key of the request's key in ${where}: it was not stored.`, { reason: 'KEY_MISMATCH' });
}

function commonName(subject: string): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1] ?? '';
}
