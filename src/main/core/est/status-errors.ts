// The bank's HTTP answers that are not a success, as contract errors with what to do next.
import { CoreError } from '../errors';
import type { BankReason, ErrorCode, ErrorDetail } from '../../../shared/contract';
import type { EstResponse } from './types';

// The bank's 403 reasons (the simulator's and the variants real EST front-ends use).
const FORBIDDEN: Record<string, { code: ErrorCode; text: string }> = {
  RENEWAL_NOT_OPEN: { code: 'RENEWAL_NOT_OPEN', text: 'The renewal period has not started yet. Renew on or after the opening date.' },
  NOT_OPEN: { code: 'RENEWAL_NOT_OPEN', text: 'The renewal period has not started yet. Renew on or after the opening date.' },
  TOO_EARLY: { code: 'RENEWAL_NOT_OPEN', text: 'The renewal period has not started yet. Renew on or after the opening date.' },
  ACQUIRE_REQUIRED: { code: 'ACQUIRE_REQUIRED', text: 'The certificate has expired, so it can no longer be renewed. Obtain a new one (取得) with your login ID and password.' },
  EXPIRED: { code: 'ACQUIRE_REQUIRED', text: 'The certificate has expired, so it can no longer be renewed. Obtain a new one (取得) with your login ID and password.' },
  REISSUE_REQUIRED: { code: 'REISSUE_REQUIRED', text: 'The period for obtaining a certificate online is over. Ask your branch for a reissue (再発行, お取引店窓口へお申し出ください).' },
  GRACE_OVER: { code: 'REISSUE_REQUIRED', text: 'The period for obtaining a certificate online is over. Ask your branch for a reissue (再発行, お取引店窓口へお申し出ください).' },
  REVOKED: { code: 'REISSUE_REQUIRED', text: 'The current certificate was revoked by the bank. Ask your branch for a reissue (再発行, お取引店窓口へお申し出ください).' },
  CLIENT_CERTIFICATE_REQUIRED: { code: 'CLIENT_CERT_REJECTED', text: 'The bank did not receive the current certificate for renewal. Check that the certificate and its private key are installed on this PC.' },
  // The bank already issued a newer certificate for the one that authenticated: the rerun of
  // a renewal whose answer never reached this PC, or a renewal made on another PC.
  SUPERSEDED: {
    code: 'SERVER_REJECTED',
    text: 'The bank says this certificate has already been renewed: a newer one exists for your account. If a renewal on this PC was interrupted, start CertDesk again so that it finishes it; if the certificate was renewed on another PC, use that PC, or ask your IB administrator or the bank to revoke it and then obtain a new one (取得) here.',
  },
  UNKNOWN_CERTIFICATE: { code: 'CLIENT_CERT_REJECTED', text: 'The bank does not recognise the certificate used for renewal. Choose the certificate the bank issued to you, or obtain a new one (取得).' },
};

function parseJson(body: Uint8Array): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What the server said in words: a JSON `message`, else a short plain-text body. */
function serverText(body: Uint8Array): string | undefined {
  const json = parseJson(body);
  if (json) return str(json.message);
  const text = Buffer.from(body.subarray(0, 500)).toString('utf8').trim();
  return /^[\P{Cc}\t\n\r]+$/u.test(text) && !/^<|<html/i.test(text) ? str(text) : undefined;
}

// "The commonName field needed to be supplied and was missing" (OpenSSL's CA code, which
// libest passes on), "subject required", "missing CN", …
const NAME_NEEDED = /\b(common ?name|CN|subject( ?DN)?)\b[^.\n]{0,60}\b(needed|required|missing)\b|\b(needs?|requires?|missing)\b[^.\n]{0,30}\b(common ?name|CN|subject)\b/i;

/** 取得's answer when the bank wants a name in the request: the policy field that gives one. */
function nameNeeded(status: number, serverMessage: string): CoreError {
  return new CoreError(
    status >= 500 ? 'SERVER_ERROR' : 'SERVER_REJECTED',
    `The bank wants a name (a subject with a commonName) in the 取得 request ("${serverMessage}"). Ask your IT department to set it with the policy field acquireSubject, for example "CN={loginId}".`,
    { status, reason: 'SUBJECT_REQUIRED', serverMessage, field: 'acquireSubject' },
  );
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v.slice(0, 500) : undefined);

/** A 4xx/5xx/unexpected answer as a CoreError. 401 is handled by the caller (it means different things per operation). */
export function statusError(res: EstResponse, operation: string): CoreError {
  const status = res.status;
  // A reason the bank names outright wins over reading its words.
  const named = str(parseJson(res.body)?.reason)?.toUpperCase();
  const said = status >= 400 && operation === 'simpleenroll' && !(named && named in FORBIDDEN) ? serverText(res.body) : undefined;
  if (said && NAME_NEEDED.test(said)) return nameNeeded(status, said);
  if (status === 403) {
    const json = parseJson(res.body);
    const reason = str(json?.reason);
    const serverMessage = str(json?.message);
    const opensOn = str(json?.opensOn);
    const known = reason ? FORBIDDEN[reason.toUpperCase()] : undefined;
    const detail: ErrorDetail = { status };
    // The bank's word as it came (BankReason lists the ones CertDesk knows; another passes on as it is).
    if (reason) detail.reason = reason as BankReason;
    if (serverMessage) detail.serverMessage = serverMessage;
    if (opensOn) detail.opensOn = opensOn;
    if (known) {
      const when = known.code === 'RENEWAL_NOT_OPEN' && opensOn ? ` It opens on ${opensOn}.` : '';
      return new CoreError(known.code, known.text + when, detail);
    }
    return new CoreError('SERVER_REJECTED', `The bank refused the ${operation} request${serverMessage ? `: ${serverMessage}` : ''}. Contact the bank's helpdesk with this message.`, detail);
  }
  if (status >= 500) {
    return new CoreError('SERVER_ERROR', `The bank's server failed (HTTP ${status}) on ${operation}. Try again later.`, { status });
  }
  if (status >= 400) {
    const serverMessage = str(parseJson(res.body)?.message);
    return new CoreError('SERVER_REJECTED', `The bank refused the ${operation} request (HTTP ${status})${serverMessage ? `: ${serverMessage}` : ''}. Contact the bank's helpdesk with this message.`, serverMessage ? { status, serverMessage } : { status });
  }
  return new CoreError('BAD_RESPONSE', `The bank answered ${operation} with an unexpected HTTP ${status}. Check the endpoint in the policy.`, { reason: 'UNEXPECTED_STATUS', status });
}
