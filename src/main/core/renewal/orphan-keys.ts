// The ledger of keys CertDesk still has to remove from a token (issue 23): a rolled-back
// request's key that could not be removed when the journal was cleared (a `status` or the
// app's start has no PIN to log in with; a full disk let the token keep it), or the key of a
// superseded certificate the db kept after its certificate went. Once the journal is cleared
// this file is the only record of such a key's ID and working label, so it lives beside the
// journal, is written atomically (core/atomic-file.ts: new temporary file, fsync, rename, fsync
// of the folder) before the journal goes, and loses an entry only when the key is read back
// gone. No secret is in it: key IDs (hashes of public keys) and labels.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../../../shared/error-reasons';
import type { KeyStorage } from '../../../shared/policy';
import { syncFolder, writeFileAtomic } from '../atomic-file';
import { CoreError } from '../errors';

export interface OrphanKey {
  /** The custodian kind that holds it (KeyCustodian.storage). */
  keyStorage: KeyStorage;
  /** CKA_ID (hex), when known. */
  keyId?: string;
  /** The working label it was made under ("CertDesk <journal id>"), when it never got an ID in the journal. */
  label?: string;
  /** Where it is, in words (the custodian's describe()). */
  where: string;
  /** ISO instant it was recorded. */
  since: string;
  /** Why it is still there: the last removal's error, in words. */
  reason: string;
}

const FILE = 'orphan-keys.json';

export class OrphanLedger {
  readonly file: string;
  constructor(readonly dir: string) {
    this.file = join(dir, FILE);
  }

  async read(): Promise<OrphanKey[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CoreError('JOURNAL_WRITE_FAILED', `The list of keys to remove ${this.file} cannot be read (${(err as NodeJS.ErrnoException).code}). Check its permissions.`, { reason: 'LEDGER_UNREADABLE' });
    }
    try {
      const doc = JSON.parse(text) as { version?: number; keys?: OrphanKey[] };
      if (doc.version !== 1 || !Array.isArray(doc.keys)) throw new Error('shape');
      return doc.keys.filter((k) => typeof k.keyStorage === 'string' && (typeof k.keyId === 'string' || typeof k.label === 'string'));
    } catch {
      throw new CoreError('JOURNAL_WRITE_FAILED', `The list of keys to remove ${this.file} is damaged. Move it aside and run CertDesk again; the keys it named stay in their token until removed by hand.`, { reason: 'LEDGER_DAMAGED' });
    }
  }

  /** Adds the entry (one per key ID or label: a second record of the same key replaces the first). */
  async add(entry: OrphanKey): Promise<void> {
    const keys = (await this.read().catch(() => [])).filter((k) => !sameKey(k, entry));
    await this.write([...keys, entry]);
  }

  /** Writes the list whole; an empty one removes the file. */
  async write(keys: OrphanKey[]): Promise<void> {
    if (keys.length === 0) {
      await rm(this.file, { force: true });
      await syncFolder(this.dir).catch(() => undefined);
      return;
    }
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.file, JSON.stringify({ version: 1, keys }));
    } catch (err) {
      throw new CoreError('JOURNAL_WRITE_FAILED', `The list of keys to remove in ${this.dir} cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'}). Free some disk space, then try again.`, { reason: errnoOf(err) ?? 'WRITE' });
    }
  }
}

export function sameKey(a: Pick<OrphanKey, 'keyStorage' | 'keyId' | 'label'>, b: Pick<OrphanKey, 'keyStorage' | 'keyId' | 'label'>): boolean {
  return a.keyStorage === b.keyStorage && ((a.keyId !== undefined && a.keyId === b.keyId) || (a.label !== undefined && a.label === b.label));
}

/** The label a request's key is made under before the journal knows its ID (steps.ts keyLabel): "CertDesk" and a UUID. */
export const WORKING_LABEL = /^CertDesk [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
