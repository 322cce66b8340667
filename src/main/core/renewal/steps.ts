// The renewal as a state machine over the journal. `advance` runs from whatever step
// the record holds to the end, so a fresh renewal and a resumed one share one path.
// Invariants: the old certificate is removed only after the new one is read back from
// the store with its key. The key is made where it will live, by the engine's custodian
// (store/custody): the journal records its ID as soon as it exists, so that a resumed run
// attaches the issued certificate to it and a rolled-back one removes it. Only a `software`
// key (made in CertDesk) is itself in the journal, sealed from just before sending until the
// journal is cleared, so that a resumed run can install the issued certificate again
// whenever the store no longer holds it; a key in a token needs no keychain at all. Only CA certificates that pass
// verifyCaCertificate are kept in the journal and installed.
// Several stores: each gets the new certificate (the primary first), each is read back, and
// only then is the old one removed from each; a resumed run checks every store again.
import { randomUUID } from 'node:crypto';
import type { RenewalOutcome, StepId } from '../../../shared/contract';
import { CoreError, toApiError } from '../errors';
import { defaultShape, type EstClient, type RequestShape } from '../est';
import { inspectCertificate, screenCaCertificates, sha256Hex, verifyIssued } from '../pki';
import type { CertificateStore, KeyRequest, StoredIdentity } from '../store';
import { detailsOf } from './details';
import { earlyKeyFor, startEarlyKey } from './early-key';
import { b64, cancelled, checkClock, custodianOf, emitStep, keyLabel, record, softwareKey, unb64, type Credentials, type Engine } from './engine';
import { onFailure } from './failure';
import { inStore, progress } from './in-store';
import { killPoint, openSealedKey, sealKey, type JournalRecord } from './journal';
import { sweepOrphanKeys } from './key-cleanup';
import { OrphanLedger } from './orphan-keys';

export interface StartOptions {
  operation: 'renew' | 'acquire';
  old?: StoredIdentity;
  subjectDer: Uint8Array;
  /** Fetches cacerts (no client certificate needed). */
  client: EstClient;
  /** Sends the request (renew: authenticated by the current certificate); prepared while the key is generated. */
  sendClient?: Promise<EstClient>;
  credentials?: Credentials;
  /**
   * What the request is made of (key type, signature hash, extra attributes), e.g. from the
   * bank's /csrattrs read alongside cacerts. Default: the policy's key type, SHA-256, nothing extra.
   */
  shape?: Promise<RequestShape>;
}

/** What the steps hand back: the outcome before operations.ts adds the core's judgement of the new certificate. */
export type Issued = Omit<RenewalOutcome, 'standing'>;

/** A new renewal: key, request, seal, then `advance`. */
export async function start(e: Engine, o: StartOptions): Promise<Issued> {
  const rec: JournalRecord = {
    version: 1,
    id: randomUUID(),
    operation: o.operation,
    step: 'generateKey',
    startedAt: new Date().toISOString(),
    keyType: e.deps.policy.keyType,
    subjectDer: b64(o.subjectDer),
    ...(o.old ? { oldFingerprint: o.old.fingerprint } : {}),
  };
  let step: StepId = 'generateKey';
  const custodian = e.custody.custodian();
  const software = custodian.storage === 'software';
  rec.keyStorage = custodian.storage;
  let request: Promise<KeyRequest> | undefined;
  /** The step of the first part run beside the key that failed: the bank's parts are 'send'. */
  let failedAt: StepId | undefined;
  const part = <T>(p: Promise<T>, at: StepId): Promise<T> => p.catch((err: unknown) => {
    failedAt ??= at;
    throw err;
  });
  // Keys earlier runs could not remove (no PIN then, a full disk) go first: this run can log in.
  await sweepOrphanKeys(e, { scan: true });
  try {
    await record(e, rec, 'generateKey');
    emitStep(e, o.operation, 'generateKey', 'running');
    // The bank's CA list, the keychain's key and the renewal identity are fetched while the
    // key is generated: all are needed, none waits for another.
    const cacerts = o.client.cacerts(e.signal);
    // The bank's issuing CA is marked for client authentication as soon as its list is in
    // (it chains to the pinned anchor): the current certificate needs that mark as much as
    // the next one, and the store edit then overlaps the export of the identity. Best effort:
    // the install step does it again and reports a failure there.
    const caMarked = cacerts.then((ca) => Promise.all(e.stores.map((s) => markIssuingCas(e, ca.certificates, s)))).catch(() => undefined);
    // The key is made where it will live and signs the request there, while the identity may
    // still be exported. Its ID is kept in memory at once: a failure from here on removes it.
    // It is started now, of the policy's type, not after csrattrs (early-key.ts).
    const early = startEarlyKey(custodian, e.deps.policy.keyType, keyLabel(rec));
    request = Promise.all([o.shape ?? Promise.resolve(defaultShape(e.deps.policy.keyType)), early]).then(async ([shape, pre]) => {
      rec.keyType = shape.keyType;
      const keyId = await earlyKeyFor(pre, shape.keyType, { custodian, journalDir: e.journal.dir, ...(e.deps.log ? { log: e.deps.log } : {}) });
      const made = await custodian.createRequest({ keyType: shape.keyType, subjectDer: o.subjectDer, label: keyLabel(rec), hash: shape.hash, attributesDer: shape.attributesDer, ...(keyId ? { keyId } : {}) });
      rec.keyId = made.keyId;
      // The key exists, the journal does not know its ID yet: only its working label finds it.
      killPoint('generateKey:keyMade');
      return made;
    });
    // Only a software key is sealed, so only then is the keychain needed. What the bank (or the
    // identity that talks to it) failed is the bank's step, not the key's.
    const [made, ca, vaultKey, sendClient] = await Promise.all([
      part(request, 'generateKey'),
      part(cacerts, 'send'),
      part(software ? e.deps.vault.getOrCreateKey() : Promise.resolve(null), 'generateKey'),
      part(o.sendClient ?? Promise.resolve(o.client), 'send'),
      caMarked,
    ]);
    failedAt = 'send'; // the bank's clock
    checkClock(e, ca.serverDate);
    emitStep(e, o.operation, 'generateKey', 'done');

    step = 'buildRequest';
    await record(e, rec, 'buildRequest');
    emitStep(e, o.operation, 'buildRequest', 'running');
    emitStep(e, o.operation, 'buildRequest', 'done');

    step = 'send';
    if (e.signal.aborted) throw cancelled();
    if (software) {
      if (!made.softwarePkcs8 || !vaultKey) throw new CoreError('INTERNAL', 'The software key custodian returned no key to seal.');
      rec.sealedKey = sealKey(vaultKey, rec.id, made.softwarePkcs8);
    }
    rec.requestDer = b64(made.csrDer);
    rec.caCertsDer = ca.certificates.map(b64);
    await record(e, rec, 'send');
    return await advance(e, rec, { client: sendClient, ...(made.softwarePkcs8 ? { pkcs8: made.softwarePkcs8 } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) });
  } catch (err) {
    // A key still being made when another part failed is waited for, so that the rollback removes it too.
    const bankFailed = step === 'generateKey' && failedAt === 'send';
    const keyFailure = await request?.then(() => undefined, (keyErr: unknown) => toApiError(keyErr));
    if (!bankFailed) throw await onFailure(e, rec, err, step);
    // The bank failed while the key was made: the key's line says how the key fared, the bank's line fails.
    emitStep(e, o.operation, 'generateKey', keyFailure ? 'failed' : 'done', keyFailure);
    throw await onFailure(e, rec, err, step, 'send');
  }
}
interface Live {
  client?: EstClient;
  pkcs8?: Uint8Array;
  credentials?: Credentials;
  /** A resumed run checks the store before installing or removing: the killed run may have done it. */
  resuming?: boolean;
}

async function keyOf(e: Engine, rec: JournalRecord, live: Live): Promise<Uint8Array> {
  if (live.pkcs8) return live.pkcs8;
  if (!rec.sealedKey) throw new CoreError('INTERNAL', 'The journal has no sealed key where one is required.');
  live.pkcs8 = openSealedKey(await e.deps.vault.getOrCreateKey(), rec.id, rec.sealedKey);
  return live.pkcs8;
}

/** Runs from the journalled step to the end. */
export async function advance(e: Engine, rec: JournalRecord, live: Live): Promise<Issued> {
  const op = rec.operation;
  const { policy } = e.deps;
  const stores = e.stores;
  let caCerts: Uint8Array[] = (rec.caCertsDer ?? []).map(unb64);
  if (live.resuming) {
    // An earlier version journalled whatever the bank sent: only verified CAs go on.
    caCerts = await usableCas(e, caCerts);
    rec.caCertsDer = caCerts.map(b64);
  }
  let installed: StoredIdentity | undefined;
  let removedOld = false;
  /** Another writer's changes seen while the old certificate was removed: a warning in the outcome. */
  const othersChanged: string[] = [];
  for (;;) {
    switch (rec.step) {
      case 'generateKey':
      case 'buildRequest':
        throw new CoreError('INTERNAL', 'A renewal without a sent request cannot be advanced.');
      case 'send': {
        emitStep(e, op, 'send', 'running');
        if (!live.client) throw new CoreError('INTERNAL', 'No EST client for sending.');
        const csr = unb64(rec.requestDer!);
        const certs =
          op === 'renew'
            ? await live.client.simplereenroll(csr, e.signal)
            : await live.client.simpleenroll(csr, live.credentials!, e.signal);
        killPoint('send:response');
        const leaf = certs.find((c) => !inspectCertificate(c).isCA) ?? certs[0];
        if (!leaf) throw new CoreError('BAD_RESPONSE', 'The bank answered without a certificate. Try again later.', { reason: 'NO_CERTIFICATES' });
        // CA certificates that came with the answer join those from cacerts once verified;
        // the others are dropped (never stored), the leaf is verified against what is kept.
        const known = new Set(caCerts.map(sha256Hex));
        const extras = certs.filter((c) => c !== leaf && !known.has(sha256Hex(c))).map((c) => new Uint8Array(c));
        if (extras.length > 0) caCerts = await usableCas(e, [...caCerts, ...extras]);
        rec.caCertsDer = caCerts.map(b64);
        rec.issuedDer = b64(leaf);
        emitStep(e, op, 'send', 'done');
        await record(e, rec, 'verify');
        break;
      }
      case 'verify': {
        emitStep(e, op, 'verify', 'running');
        const certificateDer = unb64(rec.issuedDer!);
        await verifyIssued({
          certificateDer,
          requestDer: unb64(rec.requestDer!),
          caCertsDer: caCerts,
          anchorsDer: e.anchorsDer,
          // 取得 with an empty subject leaves the subject to the bank; any other request names it.
          ...(requestedSubject(rec) ? { expectedSubjectDer: requestedSubject(rec)! } : {}),
          ...(e.deps.now ? { now: e.deps.now() } : {}),
        });
        rec.newFingerprint = sha256Hex(certificateDer);
        emitStep(e, op, 'verify', 'done');
        await record(e, rec, 'install');
        break;
      }
      case 'install': {
        emitStep(e, op, 'install', 'running');
        for (const [i, store] of stores.entries()) {
          await inStore(e, store, () => (live.resuming ? ensureInstalled(e, rec, live, caCerts, store) : installIssued(e, rec, live, caCerts, store)));
          await progress(e, rec, store, i, 'installed');
        }
        emitStep(e, op, 'install', 'done');
        await record(e, rec, 'verifyInStore');
        break;
      }
      case 'verifyInStore': {
        emitStep(e, op, 'verifyInStore', 'running');
        for (const [i, store] of stores.entries()) {
          const read = await inStore(e, store, async () => {
            if (live.resuming) await ensureInstalled(e, rec, live, caCerts, store);
            // newFingerprint is the SHA-256 of the bytes the verify step checked (chain and client-auth usage).
            return store.verifyInstalled(rec.newFingerprint!, e.anchorsDer, { usageChecked: true });
          });
          if (i === 0) installed = read;
          await progress(e, rec, store, i, 'verified');
        }
        emitStep(e, op, 'verifyInStore', 'done');
        await record(e, rec, 'removeOld');
        break;
      }
      case 'removeOld': {
        const old = rec.oldFingerprint;
        // The killed run may have lost the new certificate in its removal: back first.
        if (live.resuming) for (const store of stores) await inStore(e, store, () => ensureInstalled(e, rec, live, caCerts, store));
        if (!policy.removeSuperseded || !old || old === rec.newFingerprint) {
          emitStep(e, op, 'removeOld', 'skipped');
        } else {
          emitStep(e, op, 'removeOld', 'running');
          for (const [i, store] of stores.entries()) {
            await inStore(e, store, async () => {
              const still = live.resuming ? (await store.list(e.anchorsDer)).some((s) => s.fingerprint === old) : true;
              if (still) othersChanged.push(...(await removeSuperseded(e, store, old)));
            });
            await progress(e, rec, store, i, 'removedOld');
          }
          removedOld = true;
          emitStep(e, op, 'removeOld', 'done');
        }
        rec.step = 'done';
        await e.journal.clear();
        live.pkcs8?.fill(0);
        delete live.pkcs8;
        killPoint('done');
        break;
      }
      case 'done': {
        const der = installed?.certificateDer ?? unb64(rec.issuedDer!);
        return { certificate: detailsOf({ certificateDer: der, hasPrivateKey: true }), ...(rec.oldFingerprint ? { replaced: rec.oldFingerprint } : {}), removedOld, ...(othersChanged.length > 0 ? { othersChanged } : {}) };
      }
    }
  }
}

/**
 * The superseded certificate's removal. Another writer's changes to the store meanwhile (a
 * browser, a certutil loop) are a warning in the log, not this renewal's failure. A key the
 * store kept after its certificate went (a full disk) is recorded in the ledger for the next
 * run before the error goes up; the journal, kept at removeOld, redoes the rest.
 */
async function removeSuperseded(e: Engine, store: CertificateStore, old: string): Promise<string[]> {
  try {
    const report = await store.remove(old);
    const lines = (report?.changedByOthers ?? []).map((line) => `${store.describe()}: ${line}`);
    for (const line of lines) e.deps.log?.(`While CertDesk removed the superseded certificate, another program changed the store: ${line}. CertDesk did not do that.`);
    return lines;
  } catch (err) {
    const keyId = err instanceof CoreError && err.detail?.reason === 'KEY_NOT_REMOVED' && err.detail.certificateGone === true ? err.detail.keyId : undefined;
    if (typeof keyId === 'string') {
      await new OrphanLedger(e.journal.dir).add({ keyStorage: 'store', keyId, where: store.describe(), since: new Date().toISOString(), reason: (err as CoreError).message }).catch(() => undefined);
    }
    throw err;
  }
}

/** Verified CA certificates only (verifyCaCertificate), each other's path material. */
async function usableCas(e: Engine, caCerts: Uint8Array[]): Promise<Uint8Array[]> {
  return (await screenCaCertificates(caCerts, e.anchorsDer, e.deps.now?.())).accepted;
}

/** The subject the request named, or undefined for an empty one (a first 取得). */
function requestedSubject(rec: JournalRecord): Uint8Array | undefined {
  if (!rec.subjectDer) return undefined;
  const der = unb64(rec.subjectDer);
  return der.byteLength > 2 ? der : undefined;
}

async function installIssued(e: Engine, rec: JournalRecord, live: Live, caCerts: Uint8Array[], store: CertificateStore): Promise<void> {
  await markIssuingCas(e, caCerts, store);
  const certificateDer = unb64(rec.issuedDer!);
  const details = inspectCertificate(certificateDer);
  const name = friendlyName(e.deps.policy.bankName, details.subject.text, details.notAfter);
  if (softwareKey(rec)) {
    await store.install({ privateKeyPkcs8: await keyOf(e, rec, live), certificateDer, chainDer: caCerts, friendlyName: name });
    return;
  }
  // The key lives in the primary store's token: the certificate goes in beside it.
  if (store !== e.stores[0]) {
    // A key the decision says serves every store (a module's token, registered in every NSS db
    // at the attach): the one certificate beside it serves them all.
    if (e.custody.of(rec.keyStorage!).decision.everyStore) return;
    throw new CoreError('STORE_UNAVAILABLE', `The new key lives in ${e.stores[0]!.describe()} and cannot be copied into ${store.describe()}. Remove the extra store from policy, or set keyStorage to "software".`, { reason: 'KEY_NOT_PORTABLE' });
  }
  killPoint('attach:before');
  await custodianOf(e, rec).attach({ keyId: rec.keyId!, certificateDer, chainDer: caCerts, friendlyName: name });
}

/**
 * A resumed run checks the store against the journal: the issued certificate must be there
 * with its key. A half-install (no key) is redone whole; a missing one is installed again
 * from the journal's sealed key.
 */
async function ensureInstalled(e: Engine, rec: JournalRecord, live: Live, caCerts: Uint8Array[], store: CertificateStore): Promise<void> {
  const fp = rec.newFingerprint!;
  const present = (await store.list(e.anchorsDer)).find((s) => s.fingerprint === fp);
  if (present?.hasPrivateKey) return;
  if (!softwareKey(rec)) {
    // The key is in the token (the killed run made it there) unless something removed it since.
    if (!rec.keyId || !(await custodianOf(e, rec).hasKey(rec.keyId))) {
      throw new CoreError(
        'KEY_MISSING',
        `The key of the interrupted renewal is no longer in ${store.describe()}, so the certificate the bank issued (sha256 ${fp}) cannot be used. The previous certificate was left in place. Obtain a new certificate (取得) or ask your branch (お取引店窓口).`,
        { reason: 'ISSUED_LOST', fingerprint: fp },
      );
    }
    await installIssued(e, rec, live, caCerts, store);
    return;
  }
  if (!rec.sealedKey && !live.pkcs8) {
    // Only a journal of an earlier version, which dropped the key once the certificate was in the store.
    throw new CoreError(
      'KEY_MISSING',
      `The certificate the bank issued in the interrupted renewal (sha256 ${fp}) is no longer in ${store.describe()}, and its key was not kept. The previous certificate was left in place. Obtain a new certificate (取得) or ask your branch (お取引店窓口).`,
      { reason: 'ISSUED_LOST', fingerprint: fp },
    );
  }
  if (present) await store.remove(fp);
  await installIssued(e, rec, live, caCerts, store);
}

/**
 * The bank's verified CAs go in as chain material (the browser needs them to offer the
 * certificate and send its chain); the store's own rule keeps any root out and trusts none.
 */
async function markIssuingCas(e: Engine, caCerts: Uint8Array[], store: CertificateStore = e.deps.store): Promise<void> {
  if (caCerts.length > 0) await store.installCaCertificates(caCerts);
}

function friendlyName(bankName: string, subject: string, notAfter: string): string {
  const cn = /CN=([^,]+)/.exec(subject)?.[1] ?? 'certificate';
  return `${bankName} ${cn} ${notAfter.slice(0, 10)}`.slice(0, 120);
}