// The diagnostics text for the helpdesk: versions, system, policy, the store's listing, the
// journal and the last errors, with nothing secret (one redactor over the whole text).
import { arch, platform, release } from 'node:os';
import type { Policy } from '../../../shared/policy';
import { redactText } from '../../../shared/redact';
import { toApiError } from '../errors';
import { sha256Hex } from '../pki';
import { keyCustodianFor } from '../store';
import { summarize } from './overview';
import type { Session } from './session';
import type { RenewalDeps } from './types';

/** The policy's `support`, one fact a line; without it, where the bank names its contact. */
export function helpdeskLines(support: Policy['support']): string[] {
  if (!support) return ["not set in the policy: the bank's contact is in its internet banking documents (ご利用の手引き)"];
  const { name, phone, hours, url, email } = support;
  return Object.entries({ name, phone, hours, url, email })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`);
}

/**
 * Where each field came from (built-in, the user's file, the machine's file, the registry) and
 * the user's fields that the bank's or IT's layer overrides: a helpdesk sees at once why a
 * setting in the user's own file has no effect.
 */
export function policyOriginLines(origins: Record<string, string> | undefined, managed: string[], ignored: NonNullable<RenewalDeps['ignoredPolicy']>): string[] {
  const lines: string[] = [];
  if (origins && Object.keys(origins).length > 0) {
    lines.push('origins:');
    for (const [field, from] of Object.entries(origins)) lines.push(`  ${field}: ${from}${managed.includes(field) ? ' (managed)' : ''}`);
  }
  if (ignored.length > 0) {
    lines.push("ignored (the user's file sets them, another layer wins):");
    for (const i of ignored) lines.push(`  ${i.field}: ${i.file} (${i.reason === 'SET_BY_BANK' ? "the bank's" : "IT's"} ${i.by} wins)`);
  }
  return lines;
}

/** Who makes the renewal's key, as chosen for this policy and these stores (keyStorage "store" with several stores is software). */
function custodyLine(session: Session): string {
  const asked = session.deps.policy.keyStorage ?? 'store';
  try {
    // The same choice the renewal makes (session.ts); making the object touches no store.
    const c = session.deps.custodian ?? keyCustodianFor(session.stores, asked);
    return `keyStorage: ${asked}; key made by: ${c.storage} (${c.describe()})`;
  } catch (err) {
    const e = toApiError(err);
    return `keyStorage: ${asked}; unavailable: ${e.code} ${e.message}`;
  }
}

export async function diagnosticsText(session: Session): Promise<string> {
  const { deps, journal } = session;
  const lines: string[] = ['CertDesk diagnostics', `generated: ${session.now().toISOString()}`, ''];
  lines.push('[versions]');
  for (const [k, v] of Object.entries({ node: process.versions.node, ...(deps.versions ?? {}) })) lines.push(`${k}: ${v}`);
  lines.push('', '[system]', `os: ${platform()} ${release()} ${arch()}`);
  // Who to call, first thing the helpdesk or the user reads after the versions.
  lines.push('', '[helpdesk]', ...helpdeskLines(deps.policy.support));
  lines.push('', '[policy]', `source: ${deps.policySource ?? '(given)'}`, `managed: ${(deps.managed ?? []).join(', ')}`);
  for (const [k, v] of Object.entries(deps.policy)) {
    if (k === 'trustAnchorPem') {
      lines.push(`trustAnchors (sha256): ${session.anchorsDer.map(sha256Hex).join(', ')}`);
    } else lines.push(`${k}: ${JSON.stringify(v)}`);
  }
  lines.push(...policyOriginLines(deps.origins, deps.managed ?? [], deps.ignoredPolicy ?? []));
  lines.push('', '[key custody]', custodyLine(session));
  // Every store the renewal writes, the primary (whose certificates are listed) first.
  lines.push('', '[store]', ...session.stores.map((s, i) => (i === 0 && session.stores.length > 1 ? `${s.describe()} (primary)` : s.describe())));
  try {
    const t = session.now();
    for (const s of await session.listBank()) {
      const sum = summarize(s, deps.policy, t);
      lines.push(`- ${sum.holder} sha256=${s.fingerprint} notAfter=${sum.notAfter} phase=${sum.phase} key=${s.hasPrivateKey ? 'yes' : 'NO'}`);
    }
  } catch (err) {
    const e = toApiError(err);
    lines.push(`listing failed: ${e.code} ${e.message}`);
  }
  lines.push('', '[journal]');
  try {
    const rec = await journal.read();
    lines.push(rec ? `unfinished ${rec.operation} at step ${rec.step}, started ${rec.startedAt}` : 'none');
    // Several stores: how far each got (the next start checks every store whatever this says).
    for (const [store, done] of Object.entries(rec?.storeProgress ?? {})) lines.push(`store ${store}: ${done}`);
    for (const s of session.stores) if (rec?.storeProgress && !(s.describe() in rec.storeProgress)) lines.push(`store ${s.describe()}: not yet written`);
  } catch (err) {
    lines.push(toApiError(err).message);
  }
  lines.push('', '[last errors]');
  for (const e of deps.settings.get('lastErrors') ?? []) lines.push(`${e.at} ${e.code} ${e.message}`);
  // One redactor over the whole text: the proxy line, holders and past errors alike.
  return redactText(lines.join('\n') + '\n');
}
