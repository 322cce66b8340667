// The bank's reading of a request: the refusals it answers with, the method, Basic credentials,
// the body (bounded), and the PKCS#10 request checked strictly (type, encoding, DER, signature,
// key), with the subject rules of 取得. server.ts decides what to do with what these return.
import type { IncomingMessage } from 'node:http';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as x509 from './x509';
import { clientSubject, sha256Hex } from './ca';
import { CSR_SIG_ALGS, csrParts, decodeBase64Strict, sameBytes, type CsrParts } from './der';

const MAX_BODY = 64 * 1024;

/** A refusal the client can act on: HTTP status, machine-readable reason, plain message. */
export class Refusal {
  constructor(
    readonly status: number, readonly reason: string, readonly message: string, readonly extra: Record<string, string> = {}, readonly headers: Record<string, string> = {},
    /** Answer with the message as text/plain, as servers built on OpenSSL's CA code do. */
    readonly plain = false,
  ) {}
}

export interface Ctx { account?: string; reason?: string }

export interface ParsedCsr { der: Uint8Array; sha256: string; subjectDer: Uint8Array; spki: Uint8Array; rsa: boolean }

export function allow(req: IncomingMessage, method: 'GET' | 'POST'): void {
  if (req.method !== method) throw new Refusal(405, 'METHOD_NOT_ALLOWED', `Use ${method} here.`, {}, { Allow: method });
}

export function parseBasic(header: string): { id: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { id: text.slice(0, colon), password: text.slice(colon + 1) };
}

export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  for await (const _ of req) { /* discard */ }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY) throw new Refusal(413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY} bytes.`, {}, { Connection: 'close' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Refusal(413, 'BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY} bytes.`, {}, { Connection: 'close' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The PKCS#10 body of an enrolment, checked strictly: type, encoding, DER, signature, key. */
export async function readCsr(req: IncomingMessage): Promise<ParsedCsr> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const cte = req.headers['content-transfer-encoding'] as string | undefined;
  const body = await readBody(req);
  if (type !== 'application/pkcs10') {
    throw new Refusal(400, 'WRONG_CONTENT_TYPE', `Content-Type must be application/pkcs10, not "${req.headers['content-type'] ?? '(none)'}".`);
  }
  if (cte !== undefined && cte.trim().toLowerCase() !== 'base64') {
    throw new Refusal(400, 'WRONG_TRANSFER_ENCODING', `Content-Transfer-Encoding must be base64, not "${cte}".`);
  }
  const der = decodeBase64Strict(body);
  if (!der) throw new Refusal(400, 'BAD_BASE64', 'The request body is not valid base64.');
  let parts: CsrParts;
  let key: KeyObject;
  try {
    parts = csrParts(der);
    key = createPublicKey({ key: Buffer.from(parts.spki), format: 'der', type: 'spki' });
  } catch {
    throw new Refusal(400, 'BAD_CSR', 'The request body is not a PKCS#10 certification request.');
  }
  const alg = CSR_SIG_ALGS[parts.sigAlgOid];
  const details = key.asymmetricKeyDetails ?? {};
  const okKey = (key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= 2048)
    || (key.asymmetricKeyType === 'ec' && (details.namedCurve === 'prime256v1' || details.namedCurve === 'secp384r1'));
  if (!okKey) throw new Refusal(400, 'UNSUPPORTED_KEY', 'The key must be RSA of 2048 bits or more, or ECDSA P-256/P-384.');
  if (!alg || alg.key !== key.asymmetricKeyType) {
    throw new Refusal(400, 'UNSUPPORTED_KEY', 'The request must be signed with SHA-256/384/512 with RSA (PKCS#1 v1.5) or ECDSA.');
  }
  let good: boolean;
  try {
    good = verify(alg.hash, parts.info, key, parts.signature);
  } catch {
    good = false;
  }
  if (!good) throw new Refusal(400, 'BAD_SIGNATURE', "The request's signature does not verify with its own public key.");
  return { der, sha256: sha256Hex(der), subjectDer: parts.subject, spki: parts.spki, rsa: key.asymmetricKeyType === 'rsa' };
}

/** The bank's own rule: an empty subject, or the account's (same names and values; the bank writes its own encoding). */
export function accountSubject(csr: ParsedCsr, accountId: string): x509.Name {
  const subject = clientSubject(accountId);
  const subjectDer = new Uint8Array(subject.toArrayBuffer());
  if (csr.subjectDer.length > 2 && !sameBytes(csr.subjectDer, subjectDer) && nameText(csr.subjectDer) !== subject.toString()) {
    throw new Refusal(403, 'SUBJECT_MISMATCH', `The request's subject "${nameText(csr.subjectDer)}" is not this account's ("${subject.toString()}"); leave it empty or use the account's subject.`);
  }
  return subject;
}

/** `requireCommonName`: the request's own subject, which must name the account in its commonName. */
export function requestedSubject(csr: ParsedCsr, accountId: string): x509.Name {
  const name = new x509.Name(csr.subjectDer);
  const cns = name.getField('CN');
  // The wording of OpenSSL's CA code, which libest and other EST servers pass on as it is.
  if (cns.length === 0) throw new Refusal(500, 'COMMON_NAME_REQUIRED', 'The commonName field needed to be supplied and was missing', {}, {}, true);
  if (cns.length !== 1 || cns[0] !== accountId) {
    throw new Refusal(403, 'SUBJECT_MISMATCH', `The request's commonName must be the login ID "${accountId}", not "${cns.join(', ')}".`);
  }
  return new x509.Name(csr.subjectDer);
}

/** A Name as RFC 4514 text, for comparisons that ignore string types and for messages. */
export function nameText(der: Uint8Array): string {
  try {
    return new x509.Name(der).toString();
  } catch {
    return '(unreadable name)';
  }
}
