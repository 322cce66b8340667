// The scheduled check's own small ledger, `auto-renew.json` beside the journal in the data
// folder: the last failed automatic renewal per certificate (so a broken bank is tried at
// most once a day per certificate, not at every logon), which expiry notices (取得, 再発行)
// were already shown, and the last automatic renewal (the home screen says so). Written
// whole to a temp file and renamed over the old one: a reader never sees half of it. It
// holds codes, dates and fingerprints, never a secret. A damaged file is read as empty: the
// worst that costs is one extra attempt or notice.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorCode } from '../../../shared/contract';
import { writeFileAtomic } from '../atomic-file';

export interface CheckFailure {
  /** JST date (YYYY-MM-DD) of the failed attempt. */
  day: string;
  at: string;
  code: ErrorCode;
  message: string;
}

export interface AutoRenewal {
  /** ISO instant it finished. */
  at: string;
  /** The certificate it replaced and the new one. */
  replaced: string;
  fingerprint: string;
  notAfter: string;
  /** JST date of the new certificate's expiry. */
  expiryDate: string;
}

export interface CheckLedgerData {
  failures: Record<string, CheckFailure>;
  /** Per certificate, the expiry notices already shown ('acquire', 'reissue'). */
  told: Record<string, string[]>;
  lastRenewal?: AutoRenewal;
}

export const CHECK_LEDGER_FILE = 'auto-renew.json';

const empty = (): CheckLedgerData => ({ failures: {}, told: {} });

export async function readCheckLedger(dir: string): Promise<CheckLedgerData> {
  try {
    const v = JSON.parse(await readFile(join(dir, CHECK_LEDGER_FILE), 'utf8')) as Partial<CheckLedgerData>;
    const obj = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, never>) : {});
    return { failures: obj(v.failures), told: obj(v.told), ...(v.lastRenewal && typeof v.lastRenewal === 'object' ? { lastRenewal: v.lastRenewal } : {}) };
  } catch {
    return empty();
  }
}

/** Atomic (core/atomic-file.ts): a reader never sees half of it, a planted link is refused. */
export async function writeCheckLedger(dir: string, data: CheckLedgerData): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, CHECK_LEDGER_FILE), JSON.stringify(data, null, 2) + '\n');
}
