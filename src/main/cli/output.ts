// What the command line writes: with --json exactly one JSON document on stdout ({ ok, result }
// or { ok: false, error: { code, message, … } }), else lines in the reader's language (results
// on stdout, progress, errors and questions on stderr). Every command answers through here.
import type { ApiError, CertificateDetails, Overview, PreflightRequest, ProgressEvent, RenewalOutcome } from '../../shared/contract';
import { EXIT, exitCodeOf, validElsewhere, type ExitCode } from '../../shared/error-policy';
import { factLines } from '../../shared/cert-facts';
import { errorDetailText } from '../../shared/error-detail';
import { keyTypeName, requestNoteText } from '../../shared/request-notes';
import { formatDay, formatInstant, groupHex } from '../../shared/format';
import { errorHeadline } from './messages';
import { safe, safeJson, safeLines } from './safe-text';
import type { Terminal } from './terminal';
import type { Verdict } from './verdict';

/**
 * No certificate of the bank here, or 取得 refused because the account's certificate is still
 * valid (on the old PC: RENEWAL_REQUIRED, or RENEWAL_NOT_OPEN before the window): the new-PC case.
 */
export const isNewPc = (e: ApiError, command?: string): boolean => exitCodeOf(e) === EXIT.newPc || validElsewhere(e, command === 'acquire' ? 'acquire' : 'renew');
const exitOf = (e: ApiError, command?: string): ExitCode => (isNewPc(e, command) ? EXIT.newPc : exitCodeOf(e));

const headline = (s: Terminal, e: ApiError, command?: string): string => errorHeadline(s.t(), e, Boolean(s.opts.chromium), command === 'acquire' && validElsewhere(e, 'acquire'));

/**
 * The 詳細 line: the error's detail in the reader's language. 取得 refused because the
 * certificate is valid on another PC reads as the bank's refusal for that reason, not as
 * "renewal has not opened" (the bank's code for it before the window).
 */
function detailOf(s: Terminal, e: ApiError, command?: string): string {
  if (command === 'acquire' && validElsewhere(e, 'acquire') && e.code === 'RENEWAL_NOT_OPEN') return errorDetailText({ ...e, code: 'SERVER_REJECTED', detail: { ...e.detail, reason: 'RENEWAL_REQUIRED' } }, s.lang);
  return errorDetailText(e, s.lang);
}

/** Every error names the helpdesk (the policy's `support`, else where the bank lists it); a new PC gets both ways out. */
function errorDocument(s: Terminal, e: ApiError, result?: unknown, command?: string) {
  const t = s.t();
  const guidance = isNewPc(e, command) ? { guidance: t.newPc(s.newPcGuideUrl) } : {};
  // In Japanese the message is the headline and the detail in words; in English the core's sentence.
  const message = s.lang === 'en' ? e.message : `${headline(s, e, command)} ${detailOf(s, e, command)}`;
  const error = { code: e.code, message, ...(e.detail ? { detail: e.detail } : {}), ...guidance, support: { text: t.support(s.support), ...(s.support ? { contact: s.support } : {}) } };
  return { ok: false, ...(result !== undefined ? { result } : {}), exitCode: exitOf(e, command), error };
}

function printErrorText(s: Terminal, e: ApiError, command?: string): void {
  const t = s.t();
  s.err(`${headline(s, e, command)} [${safe(e.code)}]`);
  s.err(`  ${t.detail}: ${safe(detailOf(s, e, command))}`);
  if (isNewPc(e, command)) s.err(safeLines(t.newPc(s.newPcGuideUrl && safe(s.newPcGuideUrl))));
  s.err(safe(t.support(s.support)));
}

/** A command that failed: the error document or lines, and its exit code. */
export function printError(s: Terminal, e: ApiError, command?: string): ExitCode {
  if (s.json) s.out(safeJson(errorDocument(s, e, undefined, command)));
  else printErrorText(s, e, command);
  return exitOf(e, command);
}

/** A usage error (exit 2): as an INVALID_INPUT document with --json. */
export function printUsage(s: Terminal, m: string): ExitCode {
  if (s.json) s.out(safeJson({ ok: false, exitCode: EXIT.usage, error: { code: 'INVALID_INPUT', message: m, detail: { usage: true } } }));
  else s.err(`certdesk: ${safeLines(m)}`);
  return EXIT.usage;
}

export function succeed(s: Terminal, result: unknown, human: () => void): ExitCode {
  if (s.json) s.out(safeJson({ ok: true, result }));
  else human();
  return EXIT.done;
}

/** status, doctor and check: the verdict's exit code, its state in words, and the broken thing as the error. */
export function report(s: Terminal, v: Verdict, result: unknown, human: () => void): ExitCode {
  const t = s.t();
  if (s.json) {
    if (v.error) s.out(safeJson({ ...errorDocument(s, v.error, result), exitCode: v.exit, state: v.state }));
    else s.out(safeJson({ ok: true, exitCode: v.exit, state: v.state, result, ...(v.state === 'newPc' ? { guidance: t.newPc(s.newPcGuideUrl) } : {}) }));
    return v.exit;
  }
  human();
  if (v.error) printErrorText(s, v.error);
  if (v.state === 'newPc') s.out(safeLines(t.newPc(s.newPcGuideUrl && safe(s.newPcGuideUrl))));
  else s.out(t.state[v.state]);
  return v.exit;
}

/**
 * The window's lines on stderr: its check names, its five step lines for the seven steps (a
 * line already printed is not printed again), a check that passed with a note says it.
 */
export function progressPrinter(s: Terminal): (p: ProgressEvent) => void {
  let lastStepLine = '';
  return (p) => {
    if (s.json) return;
    const c = s.t();
    if (p.kind === 'check' && p.state !== 'running') {
      const mark = p.state === 'passed' ? '✓' : p.state === 'skipped' ? '-' : '✗';
      const why = p.note ? `: ${c.notYetDue(formatDay(p.note.opensOn, s.lang))}` : p.state === 'skipped' ? `（${c.skipped}）` : p.error ? ` [${safe(p.error.code)}]` : '';
      s.err(`  ${mark} ${c.check[p.check]}${why}`);
    }
    if (p.kind === 'step' && p.state !== 'running') {
      const line = `  ${p.state === 'done' ? '✓' : p.state === 'skipped' ? '-' : '✗'} ${c.step[p.step]}`;
      if (line !== lastStepLine) s.err(line);
      lastStepLine = line;
    }
    if (p.kind === 'pending') s.err(`  ${c.pending(p.attempt, p.waitSeconds, formatInstant(p.retryAt, s.lang))}`);
  };
}

/** An interrupted renewal that waits in the journal, and what to do about it. */
export function unfinishedNotice(s: Terminal, u: NonNullable<Overview['unfinished']>): string {
  const c = s.t();
  return c.unfinished(u.operation, c.step[u.step] ?? safe(u.step), formatInstant(safe(u.startedAt), s.lang), s.recovering);
}

export function printOverview(s: Terminal, ov: Overview): void {
  const c = s.t();
  const day = (d: string) => formatDay(safe(d), s.lang);
  s.out(`${safe(ov.bankName)}（${c.today}: ${day(ov.today)}）`);
  if (ov.recovered) s.out(c.recovered(ov.recovered.outcome));
  if (ov.unfinished) s.out(unfinishedNotice(s, ov.unfinished));
  for (const where of new Set((ov.keysToRemove ?? []).map((k) => k.where))) s.out(c.keysToRemove(ov.keysToRemove!.filter((k) => k.where === where).length, safe(where)));
  for (const fp of ov.removedSuperseded ?? []) s.out(c.removedSuperseded(groupHex(safe(fp))));
  if (ov.certificates.length === 0) s.out(c.none);
  for (const x of ov.certificates) {
    s.out('');
    s.out(`${c.holder}: ${safe(x.holder)}${x.organisation ? ` (${safe(x.organisation)})` : ''}`);
    s.out(`  ${c.expires}: ${day(x.expiryDate)}（${c.daysLeft(x.daysLeft)}） — ${x.supersededBy ? c.superseded : c.phase[x.phase]}`);
    if (x.supersededBy) s.out(`  ${c.supersededHelp(groupHex(safe(x.supersededBy)))}`);
    s.out(`  ${c.opensOn}: ${day(x.renewalOpensOn)}  ${c.graceEndsOn}: ${day(x.graceEndsOn)}`);
    s.out(`  ${c.fingerprint}: ${groupHex(safe(x.fingerprint))}`);
    s.out(`  ${c.key(x.hasPrivateKey)}`);
    if (x.noticeDue) s.out(`  ${c.noticeLine}`);
  }
}

/** The certificate's facts as the window's details screen shows them (src/shared/cert-facts.ts). */
export function printDetails(s: Terminal, d: CertificateDetails): void {
  for (const line of factLines(d, s.lang)) s.out(safe(line));
}

export function printOutcome(s: Terminal, o: RenewalOutcome): void {
  const c = s.t();
  s.out(c.done);
  printDetails(s, o.certificate);
  if (o.replaced) s.out(c.replaced(o.removedOld));
  for (const w of o.othersChanged ?? []) s.err(c.othersChanged(safe(w)));
  s.out(c.closeBrowser);
}

/** doctor: what the next request will be made of (the bank's /csrattrs against the policy). */
export function printRequest(s: Terminal, q: PreflightRequest): void {
  const c = s.t().request;
  s.out(`${c.title}:`);
  s.out(`  ${c.keyType}: ${safe(keyTypeName(q.keyType))}  ${c.hash}: ${safe(q.hash)}`);
  // The notes in the reader's language; a core without them (an older app's process) gives its lines.
  const honoured = q.notes ? q.notes.honoured.map((n) => requestNoteText(n, s.lang)) : q.honoured;
  const ignored = q.notes ? q.notes.ignored.map((n) => requestNoteText(n, s.lang)) : q.ignored;
  for (const h of honoured) s.out(`  ${c.honoured}: ${safe(h)}`);
  for (const i of ignored) s.out(`  ${c.ignored}: ${safe(i)}`);
}
