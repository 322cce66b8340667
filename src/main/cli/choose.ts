// Which certificate a command acts on: --fingerprint (SHA-256 or SHA-1), else the only one,
// else the only current one, else the only one due, else the user's choice on a terminal.
import type { ApiError, CertificateSummary } from '../../shared/contract';
import type { Context } from './context';
import { describeChoice, parseFingerprint, type FingerprintArg } from './fingerprint';
import { ask } from './prompt';
import { safe } from './safe-text';
import { unwrap, type CliSession } from './session';
import { Usage } from './usage';

export interface FingerprintOption {
  arg?: FingerprintArg;
  text?: string;
}

/** --fingerprint as given: parsed, or a usage error naming what was given. */
export function fingerprintOption(s: CliSession, o: Record<string, unknown>): FingerprintOption {
  if (o.fingerprint === undefined) return {};
  const text = String(o.fingerprint);
  const arg = parseFingerprint(text);
  if (!arg) throw new Usage(s.t().usage.badFingerprint(safe(text)));
  return { arg, text };
}

const listing = (s: CliSession, certs: CertificateSummary[]) => certs.map((x, i) => `  ${i + 1}. ${safe(describeChoice(x, s.t().phase[x.phase], s.lang))}`).join('\n');

function noCertificate(): never {
  throw Object.assign(new Error(), { api: { code: 'NO_CERTIFICATE', message: 'No certificate of the bank is in the store.' } as ApiError });
}

/** The chosen certificate's SHA-256 fingerprint; `preferDue`: among several, the only one whose renewal is open. */
export async function pickCertificate(s: CliSession, c: Context, given: FingerprintOption, preferDue: boolean): Promise<string> {
  const certs = (await s.overviewOf(c)).certificates;
  if (certs.length === 0) noCertificate();
  if (given.arg) {
    const { algorithm, hex } = given.arg;
    let found = algorithm === 'sha256' ? certs.find((x) => x.fingerprint === hex) : undefined;
    if (algorithm === 'sha1') {
      for (const x of certs) {
        const d = unwrap(await c.service.getDetails(x.fingerprint));
        if (d.sha1.replace(/:/g, '').toLowerCase() === hex) found = x;
      }
    }
    if (!found) throw new Usage(s.t().usage.noSuchFingerprint(safe(given.text ?? hex), listing(s, certs)));
    return found.fingerprint;
  }
  if (certs.length === 1) return certs[0]!.fingerprint;
  // A superseded certificate (置き換え済み) is never the one meant: the newer one beside it is.
  const current = certs.filter((x) => !x.supersededBy);
  if (current.length === 1) return current[0]!.fingerprint;
  if (preferDue) {
    const due = current.filter((x) => x.phase === 'renewable');
    if (due.length === 1) return due[0]!.fingerprint;
  }
  if (s.isTTY && !s.json) {
    s.err(listing(s, certs));
    const answer = await ask(s.io, s.t().choosePrompt(certs.length));
    const n = Number(answer?.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
    if (Number.isInteger(n) && n >= 1 && n <= certs.length) return certs[n - 1]!.fingerprint;
  }
  throw new Usage(s.t().usage.chooseOne(listing(s, certs)));
}
