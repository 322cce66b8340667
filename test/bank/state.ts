// Accounts and issued-certificate records, kept in memory and saved as one JSON file
// (atomic, coalesced). Passwords are stored only as scrypt hashes.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoalescingWriter } from './files';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: { N: number; r: number; p: number }) => Promise<Buffer>;
// Modest cost: a test bank answering hundreds of concurrent logins, not a vault.
const SCRYPT = { N: 4096, r: 8, p: 1 };

export type CertStatus = 'current' | 'superseded' | 'revoked';

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
  /** The current certificate, so a lost answer can be resent; earlier ones live only as records. */
  currentCertB64?: string;
  issued: string[];
}

interface Saved { version: 1; accounts: Account[]; certificates: CertRecord[] }

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

export class BankState {
  readonly accounts = new Map<string, Account>();
  readonly certificates = new Map<string, CertRecord>();
  private readonly serials = new Set<string>();
  private readonly writer: CoalescingWriter;

  private constructor(readonly path: string) {
    this.writer = new CoalescingWriter(path, () => this.serialize());
  }

  static async open(dataDir: string): Promise<BankState> {
    const state = new BankState(join(dataDir, 'bank-state.json'));
    let text: string | undefined;
    try {
      text = await readFile(state.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== undefined) {
      const saved = JSON.parse(text) as Saved;
      if (saved.version !== 1) throw new Error(`${state.path}: unknown state version ${String(saved.version)}`);
      for (const a of saved.accounts) state.accounts.set(a.id, a);
      for (const c of saved.certificates) state.addRecord(c);
    }
    return state;
  }

  addRecord(rec: CertRecord): void {
    this.certificates.set(rec.fingerprint, rec);
    this.serials.add(rec.serial);
  }

  hasSerial(serial: string): boolean {
    return this.serials.has(serial);
  }

  /** Makes `rec` the account's current certificate and supersedes the one before it. */
  makeCurrent(account: Account, rec: CertRecord, certDer: Uint8Array): void {
    const previous = account.currentFingerprint ? this.certificates.get(account.currentFingerprint) : undefined;
    if (previous && previous.status === 'current') {
      previous.status = 'superseded';
      previous.supersededBy = rec.fingerprint;
    }
    this.addRecord(rec);
    account.currentFingerprint = rec.fingerprint;
    account.currentCertB64 = Buffer.from(certDer).toString('base64');
    account.issued.push(rec.fingerprint);
  }

  save(): Promise<void> {
    return this.writer.save();
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }

  private serialize(): string {
    const saved: Saved = { version: 1, accounts: [...this.accounts.values()], certificates: [...this.certificates.values()] };
    return JSON.stringify(saved);
  }
}
