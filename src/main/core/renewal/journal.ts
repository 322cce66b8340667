// The renewal journal: one JSON file, replaced atomically (temp file, fsync, rename,
// fsync of the folder) so that a kill or power cut leaves either the previous record or
// the new one, never a torn file. Each step is recorded before it runs.
//
// Writes and removals are synchronous (the same temp / fsync / rename / fsync-folder
// steps): fsync itself costs well under a millisecond here, but an async write queues
// behind whatever else the event loop is doing (TLS, a store tool's output), which made the
// eight journal writes of a renewal cost ~30 ms (issue 29). The price is that the event
// loop waits for the disk during these few calls; the core runs in its own process, never
// in the window's, so no screen freezes on a slow disk.
import { randomBytes, createCipheriv, createDecipheriv } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepId } from '../../../shared/contract';
import type { KeyStorage } from '../../../shared/policy';
import { CoreError } from '../errors';
import { processAlive } from '../process';
import { span } from '../timing';
import { errnoOf } from '../../../shared/error-reasons';

export type JournalStep = StepId | 'done';

/** How far one store of several got (journal.storeProgress). */
export type StoreProgress = 'installed' | 'verified' | 'removedOld';

/** The request's private key, sealed with AES-256-GCM under the vault's key. */
export interface SealedKey {
  iv: string;
  tag: string;
  data: string;
}

export interface JournalRecord {
  version: 1;
  id: string;
  operation: 'renew' | 'acquire';
  step: JournalStep;
  startedAt: string;
  keyType: string;
  /** The certificate being replaced (renew: the one that authenticates). */
  oldFingerprint?: string;
  /** Base64 DER of the subject the request repeats. */
  subjectDer?: string;
  /**
   * Where the request's key lives (KeyCustodian.storage) and its ID there, recorded as soon
   * as the key exists: a resumed run attaches the certificate to it, a rolled-back one
   * removes it. Absent in journals of earlier versions: `software`.
   */
  keyStorage?: KeyStorage;
  keyId?: string;
  /**
   * Only `software`: from `send` until the journal is cleared, the key itself, sealed (a
   * resumed run may have to install the issued certificate again). A key that lives in a
   * token is never here.
   */
  sealedKey?: SealedKey;
  requestDer?: string;
  /** The bank CA certificates from cacerts, base64 DER, so that a resume needs no network for them. */
  caCertsDer?: string[];
  /** From `verify`: what the bank issued. */
  issuedDer?: string;
  newFingerprint?: string;
  /**
   * Several stores only: each store (by its describe()) and the last thing done in it. A
   * resumed run checks every store whatever this says; it tells diagnostics how far it got.
   */
  storeProgress?: Record<string, StoreProgress>;
}

const FILE = 'renewal-journal.json';
/** A write's temp file: `<FILE>.<pid>.<8 hex>.tmp` (write below). */
const TEMP_NAME = /^renewal-journal\.json\.(\d+)\.[0-9a-f]{8}\.tmp$/;

export function sealKey(vaultKey: Uint8Array, journalId: string, pkcs8: Uint8Array): SealedKey {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', Buffer.from(vaultKey), iv);
  c.setAAD(Buffer.from(journalId, 'utf8'));
  const data = Buffer.concat([c.update(pkcs8), c.final()]);
  return { iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export function openSealedKey(vaultKey: Uint8Array, journalId: string, sealed: SealedKey): Uint8Array {
  try {
    const d = createDecipheriv('aes-256-gcm', Buffer.from(vaultKey), Buffer.from(sealed.iv, 'base64'));
    d.setAAD(Buffer.from(journalId, 'utf8'));
    d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(sealed.data, 'base64')), d.final()]);
  } catch {
    throw new CoreError(
      'VAULT_UNAVAILABLE',
      "The interrupted renewal's key cannot be unsealed: the keychain entry changed. The renewal is rolled back; start it again.",
      { reason: 'UNSEAL' },
    );
  }
}

export class Journal {
  readonly file: string;
  constructor(readonly dir: string) {
    this.file = join(dir, FILE);
  }

  async read(): Promise<JournalRecord | null> {
    this.sweepStaleTemps();
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new CoreError('JOURNAL_WRITE_FAILED', `The renewal journal ${this.file} cannot be read (${(err as NodeJS.ErrnoException).code}). Check its permissions.`);
    }
    try {
      const rec = JSON.parse(text) as JournalRecord;
      if (rec.version !== 1 || typeof rec.id !== 'string' || typeof rec.step !== 'string') throw new Error('shape');
      return rec;
    } catch {
      // The rename makes a torn file impossible; a file that still fails to parse was edited by hand.
      throw new CoreError('JOURNAL_WRITE_FAILED', `The renewal journal ${this.file} is damaged. Move it aside and run CertDesk again; the old certificate is still installed.`, {
        reason: 'DAMAGED',
      });
    }
  }

  /**
   * A process killed between its temp file's open and the rename leaves that temp file (its
   * journal is the previous one, whole). Read runs at every start, under the store's lock: a
   * temp file of a process no longer running is removed; one of a live process (ours, or a pid
   * reused) is left for a later start.
   */
  private sweepStaleTemps(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = TEMP_NAME.exec(name);
      if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
      try {
        rmSync(join(this.dir, name), { force: true });
      } catch {
        // Not ours to remove (another user's folder?): it harms nothing where it is.
      }
    }
  }

  /** Durable when it returns, before the promise is even awaited: nothing else runs between the temp file and the folder's fsync. */
  async write(rec: JournalRecord): Promise<void> {
    span('journal', () => this.writeNow(rec));
  }

  private writeNow(rec: JournalRecord): void {
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const fd = openSync(tmp, 'wx', 0o600);
      try {
        const data = Buffer.from(JSON.stringify(rec), 'utf8');
        for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
      syncDir(this.dir);
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // The temp file is named by pid and random suffix; a leftover harms nothing.
      }
      throw new CoreError(
        'JOURNAL_WRITE_FAILED',
        `The renewal journal in ${this.dir} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'}). Free some disk space or fix the folder's permissions, then try again; nothing was changed.`,
        { reason: errnoOf(err) ?? 'WRITE' },
      );
    }
  }

  async clear(): Promise<void> {
    span('journal', () => this.clearNow());
  }

  private clearNow(): void {
    try {
      rmSync(this.file, { force: true });
      syncDir(this.dir);
    } catch (err) {
      throw new CoreError('JOURNAL_WRITE_FAILED', `The renewal journal ${this.file} cannot be removed (${(err as NodeJS.ErrnoException).code}).`);
    }
  }
}

function syncDir(dir: string): void {
  // Windows cannot open a folder for fsync; its rename is already durable enough there.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export { killPoint } from '../kill-points';
