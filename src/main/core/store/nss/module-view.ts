// The NSS store as the browser sees it once a token's module is registered in its db
// (keyStorage tpm / pkcs11): the db's own identities and those whose certificate and key
// live in the module's token, paired by CKA_ID. Lists, verifies and removes in both; the
// token's objects are read through PKCS#11 directly, as the browser's NSS reads them.
import { derToPem } from '../../pki';
import { CoreError } from '../../errors';
import { certFacts, chainChecker, issuerChain, normHex, tryCertFacts, verifyTrusted } from '../certs';
import { certificates, destroy, destroyKeyPair, keyObjects, type TokenCertificate } from '../pkcs11/objects';
import { describeTarget, withModuleToken, type ModuleTarget } from '../pkcs11/module';
import type { HasKeyCustodian } from '../custody';
import type { CertificateStore, StoredIdentity } from '../types';
import { isModuleRegistered } from './module-registration';

export interface ModuleViewOptions {
  target: ModuleTarget;
  /** The NSS db the module is registered in. */
  dbDir: string;
}

interface TokenEntry {
  cert: TokenCertificate;
  der: Uint8Array;
  sha256: string;
  isCA: boolean;
  hasKey: boolean;
}

/** The engine identity of a certificate that lives in the token: its chain as PEM and the key's URI (no PIN). */
export interface TokenIdentity {
  certPem: string;
  keyUri: string;
}

export interface ModuleView extends CertificateStore {
  /**
   * Null when the certificate is not in the token (the db's own identity: the base store lends it).
   * With a PIN this is OpenSSL's engine's guard: its read logs in with that PIN (a wrong one is
   * PIN_INCORRECT / PIN_LOCKED here, the token's one failed try) and finds the private key by the
   * CKA_ID the URI names (else KEY_MISSING). The engine, given a PIN it cannot log in with or a key
   * it cannot find, prints the URI with the PIN on stderr (test/custody/engine-pin-leak.test.ts).
   */
  tokenIdentity(fingerprint: string): Promise<TokenIdentity | null>;
}

export function withModuleView(base: CertificateStore, o: ModuleViewOptions): ModuleView {
  const where = describeTarget(o.target);
  // Without a PIN (status) the token shows its public objects only: a certificate is then
  // paired with the public key of its CKA_ID, which tokens make beside every private key.
  const read = () =>
    withModuleToken(
      o.target,
      'read',
      (s) =>
        certificates(s).map((cert): TokenEntry => {
          const f = tryCertFacts(cert.der);
          const keys = cert.keyId ? keyObjects(s, cert.keyId) : { privateKeys: [], publicKeys: [] };
          const hasKey = o.target.pin === undefined ? keys.privateKeys.length + keys.publicKeys.length > 0 : keys.privateKeys.length > 0;
          return { cert, der: cert.der, sha256: f?.sha256 ?? '', isCA: f?.isCA ?? false, hasKey };
        }),
      { publicOnly: true },
    );
  const tokenList = async (anchorsDer: Uint8Array[]): Promise<StoredIdentity[]> => {
    const entries = await read();
    const chains = chainChecker(entries.filter((e) => e.isCA).map((e) => e.der), anchorsDer);
    return entries.filter((e) => e.sha256 && !e.isCA && chains(certFacts(e.der))).map((e) => ({ fingerprint: e.sha256, certificateDer: e.der, hasPrivateKey: e.hasKey, nickname: e.cert.label }));
  };
  const find = async (fp: string) => {
    const entries = await read();
    return { entries, e: entries.find((x) => x.sha256 === normHex(fp)) };
  };

  const view: ModuleView = {
    kind: base.kind,
    lockFile: base.lockFile,
    describe: () => `${base.describe()} + ${where}`,
    async list(anchorsDer) {
      const [own, token] = await Promise.all([base.list(anchorsDer), tokenList(anchorsDer)]);
      return [...token, ...own.filter((x) => !token.some((t) => t.fingerprint === x.fingerprint))];
    },
    install: (opts) => base.install(opts),
    installCaCertificates: (caDer) => base.installCaCertificates(caDer),
    async verifyInstalled(fingerprint, anchorsDer, opts) {
      const { entries, e } = await find(fingerprint);
      if (!e) return base.verifyInstalled(fingerprint, anchorsDer, opts);
      if (!e.hasKey) throw new CoreError('KEY_MISSING', `The certificate is in the ${where} but its private key is not: it cannot be used to log in.`, { reason: 'KEY_NOT_LISTED' });
      const pool = entries.filter((x) => x.isCA).map((x) => x.der);
      if (!(await verifyTrusted(certFacts(e.der), pool, anchorsDer))) {
        throw new CoreError('VERIFY_FAILED', `The certificate in the ${where} does not chain to the bank's trust anchor or is not valid today.`, { reason: 'UNTRUSTED_CHAIN' });
      }
      // The browser finds the token only through the db's module list.
      if (!(await isModuleRegistered(o.dbDir, o.target.module))) {
        throw new CoreError('VERIFY_FAILED', `The certificate is in the ${where}, but its module is not registered in the NSS db ${o.dbDir}, so the browser will not offer it. Run the renewal again, or register it: modutil -dbdir sql:${o.dbDir} -add CertDesk -libfile ${o.target.module}`, { reason: 'MODULE_NOT_REGISTERED' });
      }
      return { fingerprint: e.sha256, certificateDer: e.der, hasPrivateKey: true, nickname: e.cert.label };
    },
    /**
     * The certificate object and its key (unless another certificate uses that CKA_ID) in the
     * token, in one session; then the db, where a copy of the same certificate may also be.
     */
    async remove(fingerprint) {
      const fp = normHex(fingerprint);
      await withModuleToken(o.target, 'write', (s) => {
        const ofTarget = (c: TokenCertificate) => tryCertFacts(c.der)?.sha256 === fp;
        for (const c of certificates(s).filter(ofTarget)) {
          destroyKeyPair(s, c.keyId, ofTarget);
          destroy(s, c.handle);
        }
      });
      const report = await base.remove(fingerprint);
      if ((await find(fp)).e) throw new CoreError('STORE_WRITE_FAILED', `The certificate could not be removed from the ${where}. Check the token and try again.`, { reason: 'STILL_LISTED' });
      return report;
    },
    async tokenIdentity(fingerprint) {
      const { entries, e } = await find(fingerprint);
      if (!e) return null;
      if (!e.hasKey || !e.cert.keyId) throw new CoreError('KEY_MISSING', `The certificate is in the ${where} but its private key is not.`, { reason: 'KEY_NOT_LISTED' });
      const cas = issuerChain(certFacts(e.der), entries.filter((x) => x.isCA).map((x) => certFacts(x.der)));
      return { certPem: [e.der, ...cas].map((d) => derToPem(d, 'CERTIFICATE')).join(''), keyUri: keyUriOf(o.target.tokenLabel, e.cert.keyId) };
    },
  };
  if (base.exportIdentity) view.exportIdentity = (fp) => base.exportIdentity!(fp);
  if (base.keysWithoutCertificate) view.keysWithoutCertificate = () => base.keysWithoutCertificate!();
  // The db's own token stays reachable (keyStorage "store" keys an earlier policy made there, to be removed).
  const own = (base as Partial<HasKeyCustodian>).keyCustodian;
  if (own) (view as ModuleView & Partial<HasKeyCustodian>).keyCustodian = (storage) => own.call(base, storage);
  return view;
}

/** RFC 7512: the token by label, the key by CKA_ID, every byte percent-encoded where it is not plain. */
export function keyUriOf(tokenLabel: string, keyIdHex: string): string {
  const label = [...Buffer.from(tokenLabel, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
  const id = (keyIdHex.match(/../g) ?? []).map((h) => `%${h}`).join('');
  return `pkcs11:token=${label};id=${id};type=private`;
}
