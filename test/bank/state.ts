// Accounts and issued-certificate records. Two files in the data folder:
// - accounts.json: login IDs, scrypt password hashes, active flags; rewritten atomically
//   (temp + rename, coalesced) only when an account changes;
// - certificates.jsonl: an append-only log, one line per issued certificate or status
//   change, so an enrolment costs one small append however long the history grows.
// The account's current certificate and issued list are derived from the log on load, so
// a crash between two writes cannot leave them disagreeing.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoalescingWriter, LineAppender, writeAtomic } from './files';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number }) => Promise<Buffer>;
// Modest cost: a test bank answering hundreds of concurrent logins, not a vault.
const SCRYPT = { N: 1024, r: 8, p: 1 };

/**
 * `revoked`: by the branch (a reissue at the counter); `revokedByAdmin`: by the company's IB
 * administrator, as before 取得 on a new or replaced PC (取得 is then allowed at any time).
 */
export type CertStatus = 'current' | 'superseded' | 'revoked' | 'revokedByAdmin';

export interface CertRecord {
  serial: string;
  fingerprint: string;
  accountId: string;
  notBefore: string;
  notAfter: string;
  issuedAt: string;
  via: 'seed' | 'simpleenroll' | 'simplereenroll';
  status: CertStatus;
  supersededBy?: string;
  /** sha256 of the request's DER: an identical resend gets the same certificate back. */
  csrSha256?: string;
}

export interface Account {
  id: string;
  /** scrypt$N$r$p$salt$hash (hex) */
  passwordHash: string;
  active: boolean;
  currentFingerprint?: string;
  /** The current certificate, so a lost answer can be resent (memory only; the log holds it). */
  currentCertB64?: string;
  issued: string[];
}

/** A log line: a record as of that moment; `certB64` on the line that issued it. */
type LogLine = CertRecord & { certB64?: string };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('hex'), hash.toString('hex')].join('$');
}

export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const want = Buffer.from(hash, 'hex');
  const got = await scrypt(password, Buffer.from(salt, 'hex'), want.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(want, got);
}

async function readIfThere(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export class BankState {
  readonly accounts = new Map<string, Account>();
  readonly certificates = new Map<string, CertRecord>();
  private readonly serials = new Set<string>();
  private readonly accountsFile: CoalescingWriter;
  private readonly log: LineAppender;

  private constructor(private readonly dataDir: string) {
    this.accountsFile = new CoalescingWriter(join(dataDir, 'accounts.json'), () => JSON.stringify({
      version: 1,
      accounts: [...this.accounts.values()].map((a) => ({ id: a.id, passwordHash: a.passwordHash, active: a.active })),
    }));
    this.log = new LineAppender(join(dataDir, 'certificates.jsonl'));
  }

  static async open(dataDir: string): Promise<BankState> {
    const state = new BankState(dataDir);
    const accountsText = await readIfThere(join(dataDir, 'accounts.json'));
    if (accountsText !== undefined) {
      const saved = JSON.parse(accountsText) as { version: number; accounts: Array<Pick<Account, 'id' | 'passwordHash' | 'active'>> };
      if (saved.version !== 1) throw new Error(`accounts.json: unknown version ${String(saved.version)}`);
      for (const a of saved.accounts) state.accounts.set(a.id, { ...a, issued: [] });
    }
    const logPath = join(dataDir, 'certificates.jsonl');
    const logText = await readIfThere(logPath);
    if (logText !== undefined) {
      const lines = logText.split('\n').filter((l) => l.length > 0);
      lines.forEach((line, i) => {
        let rec: LogLine;
        try {
          rec = JSON.parse(line) as LogLine;
        } catch (e) {
          if (i === lines.length - 1) return; // torn by a crash mid-append: that answer was never sent
          throw new Error(`certificates.jsonl line ${i + 1} is corrupt: ${String(e)}`, { cause: e });
        }
        state.apply(rec);
      });
      // Compact: one line per certificate, the torn tail gone.
      await writeAtomic(logPath, state.logSnapshot());
    }
    return state;
  }

  private apply(line: LogLine): void {
    const { certB64, ...rec } = line;
    const known = this.certificates.has(rec.fingerprint);
    this.certificates.set(rec.fingerprint, rec);
    this.serials.add(rec.serial);
    const account = this.accounts.get(rec.accountId);
    if (!account || known || certB64 === undefined) return;
    account.issued.push(rec.fingerprint);
    account.currentFingerprint = rec.fingerprint;
    account.currentCertB64 = certB64;
  }

  private logSnapshot(): string {
    return [...this.certificates.values()].map((rec) => {
      const account = this.accounts.get(rec.accountId);
      const certB64 = account?.currentFingerprint === rec.fingerprint ? account.currentCertB64 : undefined;
      // Non-current certificates keep an empty marker so that they still count as issued.
      return `${JSON.stringify({ ...rec, certB64: certB64 ?? '' })}\n`;
    }).join('');
  }

  hasSerial(serial: string): boolean {
    return this.serials.has(serial);
  }

  /** Makes `rec` the account's current certificate, supersedes the one before it, and logs both. */
  makeCurrent(account: Account, rec: CertRecord, certDer: Uint8Array): Promise<void> {
    const previous = account.currentFingerprint ? this.certificates.get(account.currentFingerprint) : undefined;
    const certB64 = Buffer.from(certDer).toString('base64');
    let lines = '';
    if (previous && previous.status === 'current') {
      previous.status = 'superseded';
      previous.supersededBy = rec.fingerprint;
      lines += `${JSON.stringify(previous)}\n`;
    }
    this.certificates.set(rec.fingerprint, rec);
    this.serials.add(rec.serial);
    account.currentFingerprint = rec.fingerprint;
    account.currentCertB64 = certB64;
    account.issued.push(rec.fingerprint);
    lines += `${JSON.stringify({ ...rec, certB64 })}\n`;
    return this.log.append(lines);
  }

  setStatus(rec: CertRecord, status: CertStatus): Promise<void> {
    rec.status = status;
    return this.log.append(`${JSON.stringify(rec)}\n`);
  }

  saveAccounts(): Promise<void> {
    return this.accountsFile.save();
  }

  async idle(): Promise<void> {
    await Promise.all([this.accountsFile.idle(), this.log.idle()]);
  }
}
