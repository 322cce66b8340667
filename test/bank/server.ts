// The bank: an EST (RFC 7030) server on loopback that enforces the bank's rules with its
// own clock. TLS asks for a client certificate but never rejects at the handshake, so the
// server decides per endpoint and can say why (403 reasons, 401 challenges).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { computePhase, DEFAULT_PHASE_POLICY } from '../../src/shared/phase';
import * as x509 from './x509';
import { BankCa, clientSubject, generateKeys, pkcs8Pem, sha256Hex, type ClientKeyType } from './ca';
import { BankState, checkPassword, hashPassword, type Account, type CertRecord } from './state';
import { certsOnlyDer, certSubjectDer, CSR_ATTRS_DER, CSR_ATTRS_RICH_DER, sameBytes } from './der';
import { writePkcs12 } from './p12';
import { PerKeyQueue } from './per-key-queue';
import { ManualApproval } from './pending';
import { accountSubject, allow, drain, nameText, parseBasic, readCsr, Refusal, requestedSubject, type Ctx, type ParsedCsr } from './request';
import { refuse, sendEst, sendJson } from './respond';

export interface BankOptions {
  dataDir: string;
  port?: number;
  label?: string;
  clock?: Date;
  pending?: number;
  log?: (line: string) => void;
  /** The self-signed root (the pinned anchor) issues the clients itself: no issuing CA. */
  oneTier?: boolean;
  /**
   * 取得 as the open-source EST servers do it: the request's subject must carry a commonName
   * (else 500 with a plain-text "commonName field needed to be supplied"), equal to the login
   * ID, and the certificate gets the request's subject as sent.
   */
  requireCommonName?: boolean;
  /** `/csrattrs`: `algorithms` (default: the two signature algorithms) or `rich` (CSR_ATTRS_RICH_DER). */
  csrAttrs?: 'algorithms' | 'rich';
  /**
   * A server that knows no passwords: 取得 too is authenticated by the TLS client certificate
   * alone (the account of a certificate it issued), never a 401 Basic challenge; without one, 403.
   */
  clientCertOnly?: boolean;
  /** One TLS version only (a server pinned to TLS 1.2, or to 1.3); default both. */
  tlsVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface SeededIdentity {
  id: string; password: string; p12Path: string; p12Password: string; certPem: string; keyPem: string; fingerprint: string;
}

export interface AccountView { id: string; active: boolean; currentFingerprint?: string; issued: string[] }

const DAY = 86_400_000;
const REALM = 'Basic realm="Demo Shinkin Bank EST", charset="UTF-8"';
const ACCOUNT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const EST_PATH = /^\/\.well-known\/est(?:\/([^/]+))?\/([^/]+)$/;
const OPS: Record<string, 'GET' | 'POST'> = { cacerts: 'GET', csrattrs: 'GET', simpleenroll: 'POST', simplereenroll: 'POST' };

export class BankServer {
  private fixedClock: Date | null;
  /** Requests answered 202: the identical request is approved the next time it comes. */
  private readonly approval: ManualApproval;
  private dummyHash = '';
  /** Enrolment decisions, one at a time per account (the body is read and the password checked before). */
  private readonly perAccount = new PerKeyQueue();

  private constructor(
    private readonly opts: BankOptions,
    readonly ca: BankCa,
    readonly state: BankState,
    private readonly server: Server,
    readonly origin: string,
    readonly url: string,
  ) {
    this.fixedClock = opts.clock ?? null;
    this.approval = new ManualApproval(opts.pending ?? 0);
  }

  static async start(opts: BankOptions): Promise<BankServer> {
    const dataDir = resolve(opts.dataDir);
    if (opts.label !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(opts.label)) throw new Error(`label "${opts.label}" must be letters, digits, . _ -`);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const ca = await BankCa.open(join(dataDir, 'ca'), opts.clock ?? new Date(), opts.oneTier ?? false);
    const state = await BankState.open(dataDir);
    // The handler needs the bank, which needs the listening server's port.
    const ref: { bank?: BankServer } = {};
    const server = createServer({
      key: ca.tls.keyPem, cert: ca.tls.certPem, ca: [ca.issuing.pem, ca.root.pem],
      requestCert: true, rejectUnauthorized: false, minVersion: opts.tlsVersion ?? 'TLSv1.2', maxVersion: opts.tlsVersion ?? 'TLSv1.3',
    }, (req, res) => void ref.bank!.handle(req, res));
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
    });
    const { port } = server.address() as AddressInfo;
    const origin = `https://127.0.0.1:${port}`;
    const bank = new BankServer({ ...opts, dataDir }, ca, state, server, origin, `${origin}/.well-known/est${opts.label ? `/${opts.label}` : ''}`);
    bank.dummyHash = await hashPassword(randomBytes(12).toString('hex'));
    ref.bank = bank;
    return bank;
  }

  get dataDir(): string { return this.opts.dataDir; }
  get trustAnchorPem(): string { return this.ca.root.pem; }
  get trustAnchorPath(): string { return this.ca.rootPath; }
  get issuingCaPem(): string { return this.ca.issuing.pem; }

  now(): Date { return this.fixedClock ? new Date(this.fixedClock) : new Date(); }
  setClock(at: Date | null): void { this.fixedClock = at ? new Date(at) : null; }

  setPending(n: number, retryAfterSeconds = 1, rounds = 1, form: 'seconds' | 'date' = 'seconds'): void {
    this.approval.set(n, retryAfterSeconds, rounds, form);
  }

  revoke(fingerprint: string): void {
    const rec = this.state.certificates.get(fingerprint.toLowerCase());
    if (!rec) throw new Error(`no certificate with fingerprint ${fingerprint} was issued by this bank`);
    this.state.setStatus(rec, 'revoked').catch((e: unknown) => this.log(`state save failed: ${String(e)}`));
  }

  /**
   * The company's IB administrator revokes the account's current certificate (法人IBの証明書失効),
   * as for a new or replaced PC: 取得 is then allowed at any time, the old certificate renews no more.
   */
  async revokeByAdmin(accountId: string): Promise<void> {
    const a = this.state.accounts.get(accountId);
    const rec = a?.currentFingerprint ? this.state.certificates.get(a.currentFingerprint) : undefined;
    if (!rec || rec.status !== 'current') throw new Error(`account ${accountId} has no current certificate to revoke`);
    await this.state.setStatus(rec, 'revokedByAdmin');
  }

  account(id: string): AccountView | undefined {
    const a = this.state.accounts.get(id);
    if (!a) return undefined;
    return { id: a.id, active: a.active, ...(a.currentFingerprint ? { currentFingerprint: a.currentFingerprint } : {}), issued: [...a.issued] };
  }

  /** A new account without a certificate yet (取得 allowed at once). Not in the public Bank interface. */
  async addAccount(id: string, password?: string): Promise<{ id: string; password: string }> {
    checkAccountId(id);
    const pw = password ?? randomPassword();
    this.state.accounts.set(id, { id, passwordHash: await hashPassword(pw), active: true, issued: [] });
    await this.state.saveAccounts();
    return { id, password: pw };
  }

  /** Marks an account (in)active, as the branch would. Not in the public Bank interface. */
  async setAccountActive(id: string, active: boolean): Promise<void> {
    const a = this.state.accounts.get(id);
    if (!a) throw new Error(`no account ${id}`);
    a.active = active;
    await this.state.saveAccounts();
  }

  async seedAccount(id: string, days: number, password?: string, opts?: { keyType?: ClientKeyType }): Promise<SeededIdentity> {
    checkAccountId(id);
    if (!Number.isFinite(days)) throw new RangeError('days must be a number');
    const keyType = opts?.keyType ?? 'rsa2048';
    const pw = password ?? randomPassword();
    const now = this.now();
    const notAfter = new Date(now.getTime() + Math.round(days * DAY));
    const notBefore = new Date(Math.min(now.getTime() - 60_000, notAfter.getTime() - 365 * DAY));
    const keys = await generateKeys(keyType);
    const spki = await webcrypto.subtle.exportKey('spki', keys.publicKey);
    const cert = await this.issueUnique({ subject: clientSubject(id), spki, notBefore, notAfter, rsa: keyType === 'rsa2048' });
    const keyPem = await pkcs8Pem(keys.privateKey);
    const p12Password = randomPassword();
    const p12Path = join(this.dataDir, `${id}.p12`);
    await writePkcs12({ out: p12Path, keyPem, certPem: cert.pem, chainPem: this.ca.issuing.pem, name: id, password: p12Password });
    const existing = this.state.accounts.get(id);
    const account: Account = existing ?? { id, passwordHash: '', active: true, issued: [] };
    account.passwordHash = await hashPassword(pw);
    account.active = true;
    this.state.accounts.set(id, account);
    // The account first, so that the log never names an account the disk does not know.
    await this.state.saveAccounts();
    await this.state.makeCurrent(account, record(cert, id, 'seed', now, notBefore, notAfter), cert.der);
    return { id, password: pw, p12Path, p12Password, certPem: cert.pem, keyPem, fingerprint: cert.fingerprint };
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((ok) => this.server.close(() => ok()));
    this.server.closeAllConnections();
    await closed;
    await this.state.idle();
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const ctx: Ctx = {};
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    try {
      await this.route(req, res, path, ctx);
    } catch (e) {
      if (e instanceof Refusal) refuse(res, this.now(), e, ctx);
      else {
        this.log(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        refuse(res, this.now(), new Refusal(500, 'INTERNAL', 'The bank could not process the request; try again later.'), ctx);
      }
    } finally {
      this.log(`${new Date().toISOString()} ${req.method ?? '-'} ${path} ${res.statusCode} account=${ctx.account ?? '-'}${ctx.reason ? ` reason=${ctx.reason}` : ''} ${Date.now() - started}ms`);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, ctx: Ctx): Promise<void> {
    if (path === '/whoami') {
      allow(req, 'GET');
      return this.whoami(req, res);
    }
    const m = EST_PATH.exec(path);
    const label = m?.[1];
    const op = m?.[2];
    if (!m || !op || !(op in OPS) || (label !== undefined && label !== this.opts.label)) {
      throw new Refusal(404, 'NOT_FOUND', `No such EST resource: ${path}`);
    }
    allow(req, OPS[op]!);
    if (op === 'cacerts') {
      await drain(req);
      return sendEst(res, this.now(), 200, 'application/pkcs7-mime', certsOnlyDer(this.opts.oneTier ? [this.ca.root.der] : [this.ca.issuing.der, this.ca.root.der]));
    }
    if (op === 'csrattrs') {
      await drain(req);
      return sendEst(res, this.now(), 200, 'application/csrattrs', this.opts.csrAttrs === 'rich' ? CSR_ATTRS_RICH_DER : CSR_ATTRS_DER);
    }
    if (op === 'simpleenroll') return this.simpleenroll(req, res, ctx);
    return this.simplereenroll(req, res, ctx);
  }

  private async whoami(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await drain(req);
    const peer = (req.socket as TLSSocket).getPeerX509Certificate();
    if (!peer) throw new Refusal(401, 'CLIENT_CERTIFICATE_REQUIRED', 'No TLS client certificate was presented.', {}, { 'WWW-Authenticate': 'Certificate' });
    const der = new Uint8Array(peer.raw);
    sendJson(res, this.now(), 200, { fingerprint: sha256Hex(der), subject: new x509.X509Certificate(der).subject });
  }

  // 取得: login ID + password, only for a new account or in the grace days after expiry.
  private async simpleenroll(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<void> {
    if (this.opts.clientCertOnly) return this.simpleenrollByCertificate(req, res, ctx);
    const auth = req.headers.authorization;
    const creds = auth ? parseBasic(auth) : null;
    if (!creds) {
      await drain(req);
      throw new Refusal(401, 'AUTH_REQUIRED', 'Log in with your login ID and password (HTTP Basic).', {}, { 'WWW-Authenticate': REALM });
    }
    const account = this.state.accounts.get(creds.id);
    // Hash even for an unknown ID so that timing does not tell which IDs exist.
    const ok = await checkPassword(creds.password, account?.passwordHash ?? this.dummyHash);
    if (!account || !ok) {
      await drain(req);
      throw new Refusal(401, 'AUTH_FAILED', 'The login ID or password is wrong.', {}, { 'WWW-Authenticate': REALM });
    }
    ctx.account = account.id;
    const csr = await readCsr(req);
    return this.perAccount.run(account.id, () => this.decideEnroll(res, account, csr, ctx));
  }

  private async simpleenrollByCertificate(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<void> {
    const peer = (req.socket as TLSSocket).getPeerX509Certificate();
    const rec = peer ? this.state.certificates.get(sha256Hex(new Uint8Array(peer.raw))) : undefined;
    const account = rec && this.ca.issuedByUs(new Uint8Array(peer!.raw)) ? this.state.accounts.get(rec.accountId) : undefined;
    if (!account) {
      await drain(req);
      throw new Refusal(403, 'CLIENT_CERTIFICATE_REQUIRED', 'This server authenticates enrollment by a TLS client certificate it issued, and by nothing else.');
    }
    ctx.account = account.id;
    const csr = await readCsr(req);
    return this.perAccount.run(account.id, () => this.decideEnroll(res, account, csr, ctx));
  }

  private async decideEnroll(res: ServerResponse, account: Account, csr: ParsedCsr, ctx: Ctx): Promise<void> {
    if (!account.active) throw new Refusal(403, 'ACCOUNT_INACTIVE', 'This account is not active. Contact your branch.');
    const current = account.currentFingerprint ? this.state.certificates.get(account.currentFingerprint) : undefined;
    if (current) {
      if (current.csrSha256 === csr.sha256 && current.via === 'simpleenroll' && current.status === 'current') return this.replay(res, account);
      if (current.status === 'revoked') throw new Refusal(403, 'REISSUE_REQUIRED', 'The certificate was revoked: ask your branch (お取引店窓口) for a reissue.');
      // Revoked by the IB administrator (a new PC): 取得 whatever the dates.
      if (current.status === 'revokedByAdmin') return this.enrollNew(res, account, csr, ctx);
      const info = computePhase(new Date(current.notAfter), this.now(), DEFAULT_PHASE_POLICY);
      if (info.phase === 'valid') {
        throw new Refusal(403, 'RENEWAL_NOT_OPEN', `The current certificate is valid until ${info.expiryDate}; renewal opens on ${info.renewalOpensOn}.`, { opensOn: info.renewalOpensOn });
      }
      if (info.phase === 'renewable') {
        throw new Refusal(403, 'RENEWAL_REQUIRED', `The current certificate is still valid (until ${info.expiryDate}): renew it (simplereenroll) with the certificate itself.`);
      }
      if (info.phase === 'reissue') {
        throw new Refusal(403, 'REISSUE_REQUIRED', `The certificate expired on ${info.expiryDate} and the grace period ended on ${info.graceEndsOn}: ask your branch (お取引店窓口) for a reissue.`);
      }
    }
    return this.enrollNew(res, account, csr, ctx);
  }

  private async enrollNew(res: ServerResponse, account: Account, csr: ParsedCsr, ctx: Ctx): Promise<void> {
    const subject = this.opts.requireCommonName ? requestedSubject(csr, account.id) : accountSubject(csr, account.id);
    if (this.hold(res, `enroll|${account.id}|${csr.sha256}`, ctx)) return;
    await this.issueFor(res, account, csr, subject, 'simpleenroll');
  }

  // 更新: authenticated by the current certificate over TLS, inside the renewal window.
  private async simplereenroll(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<void> {
    const peer = (req.socket as TLSSocket).getPeerX509Certificate();
    if (!peer) {
      await drain(req);
      throw new Refusal(403, 'CLIENT_CERTIFICATE_REQUIRED', 'Renewal needs your current certificate as the TLS client certificate.');
    }
    const der = new Uint8Array(peer.raw);
    const rec = this.state.certificates.get(sha256Hex(der));
    if (!rec || !this.ca.issuedByUs(der)) {
      await drain(req);
      throw new Refusal(403, 'UNKNOWN_CERTIFICATE', 'The client certificate was not issued by this bank.');
    }
    const account = this.state.accounts.get(rec.accountId);
    if (!account) throw new Refusal(403, 'UNKNOWN_CERTIFICATE', 'The client certificate belongs to no account.');
    ctx.account = account.id;
    const csr = await readCsr(req);
    return this.perAccount.run(account.id, () => this.decideReenroll(res, account, rec, der, csr, ctx));
  }

  private async decideReenroll(res: ServerResponse, account: Account, rec: CertRecord, der: Uint8Array, csr: ParsedCsr, ctx: Ctx): Promise<void> {
    if (!account.active) throw new Refusal(403, 'ACCOUNT_INACTIVE', 'This account is not active. Contact your branch.');
    if (rec.status === 'revoked') throw new Refusal(403, 'REVOKED', 'The client certificate was revoked: ask your branch (お取引店窓口) for a reissue.');
    if (rec.status === 'revokedByAdmin') throw new Refusal(403, 'ACQUIRE_REQUIRED', 'Your IB administrator revoked this certificate: obtain a new one (取得) with your login ID and password.');
    if (rec.status === 'superseded') {
      const successor = rec.supersededBy ? this.state.certificates.get(rec.supersededBy) : undefined;
      // A resend of the request that superseded it (its answer was lost): same certificate again.
      if (successor && successor.status === 'current' && successor.csrSha256 === csr.sha256 && account.currentFingerprint === successor.fingerprint) {
        return this.replay(res, account);
      }
      throw new Refusal(403, 'SUPERSEDED', 'The client certificate has already been renewed; use the newer certificate.');
    }
    const info = computePhase(new Date(rec.notAfter), this.now(), DEFAULT_PHASE_POLICY);
    if (info.phase === 'valid') {
      throw new Refusal(403, 'RENEWAL_NOT_OPEN', `Renewal opens on ${info.renewalOpensOn} (the certificate is valid until ${info.expiryDate}).`, { opensOn: info.renewalOpensOn });
    }
    if (info.phase === 'acquirable') {
      throw new Refusal(403, 'ACQUIRE_REQUIRED', `The certificate expired on ${info.expiryDate}: obtain a new one (取得) with your login ID and password until ${info.graceEndsOn}.`);
    }
    if (info.phase === 'reissue') {
      throw new Refusal(403, 'REISSUE_REQUIRED', `The certificate expired on ${info.expiryDate} and the grace period ended on ${info.graceEndsOn}: ask your branch (お取引店窓口) for a reissue.`);
    }
    const subjectDer = certSubjectDer(der);
    if (!sameBytes(subjectDer, csr.subjectDer)) {
      throw new Refusal(403, 'SUBJECT_MISMATCH', `The request's subject "${nameText(csr.subjectDer)}" differs from the current certificate's; repeat it exactly, byte for byte.`);
    }
    if (this.hold(res, `reenroll|${rec.fingerprint}|${csr.sha256}`, ctx)) return;
    await this.issueFor(res, account, csr, new x509.Name(subjectDer), 'simplereenroll');
  }

  /** Manual approval (pending.ts): a held request is answered 202 with Retry-After. */
  private hold(res: ServerResponse, key: string, ctx: Ctx): boolean {
    const pending = this.approval.hold(key, this.now());
    if (!pending) return false;
    ctx.reason = 'PENDING';
    sendJson(res, this.now(), 202, pending.body, pending.headers);
    return true;
  }

  private async issueFor(res: ServerResponse, account: Account, csr: ParsedCsr, subject: x509.Name, via: CertRecord['via']): Promise<void> {
    const now = this.now();
    const notBefore = new Date(now.getTime() - 60_000);
    const notAfter = new Date(now.getTime() + 365 * DAY);
    const cert = await this.issueUnique({ subject, spki: csr.spki, notBefore, notAfter, rsa: csr.rsa });
    await this.state.makeCurrent(account, { ...record(cert, account.id, via, now, notBefore, notAfter), csrSha256: csr.sha256 }, cert.der);
    sendEst(res, this.now(), 200, 'application/pkcs7-mime; smime-type=certs-only', certsOnlyDer([cert.der]));
  }

  private replay(res: ServerResponse, account: Account): void {
    sendEst(res, this.now(), 200, 'application/pkcs7-mime; smime-type=certs-only', certsOnlyDer([Buffer.from(account.currentCertB64 ?? '', 'base64')]));
  }

  private async issueUnique(req: Parameters<BankCa['issue']>[0]): ReturnType<BankCa['issue']> {
    for (;;) {
      const cert = await this.ca.issue(req);
      if (!this.state.hasSerial(cert.serial)) return cert;
    }
  }
}

function record(cert: { serial: string; fingerprint: string }, accountId: string, via: CertRecord['via'], now: Date, notBefore: Date, notAfter: Date): CertRecord {
  return { serial: cert.serial, fingerprint: cert.fingerprint, accountId, notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(), issuedAt: now.toISOString(), via, status: 'current' };
}

function checkAccountId(id: string): void {
  if (!ACCOUNT_ID.test(id)) throw new Error(`account ID "${id}" must be 1–64 letters, digits, . _ -`);
}

function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

