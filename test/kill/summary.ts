// The figures the issue asks for: kills per step where they landed and per kind of kill, by
// signal, with the broken states, as plain text tables.
import type { Outcome } from './episode';

const LANDED_ORDER = ['start', 'generateKey', 'buildRequest', 'send', 'verify', 'install', 'verifyInStore', 'removeOld', 'done', 'finished'];
const SIGNALS = ['SIGKILL', 'SIGINT'] as const;

function table(title: string, keys: string[], of: (o: Outcome) => string, outcomes: Outcome[]): string {
  const rows = [[title, ...SIGNALS.flatMap((s) => [`${s} kills`, `${s} broken`]), 'total', 'broken']];
  const count = (k: string, s?: string, broken = false) => outcomes.filter((o) => of(o) === k && (!s || o.kase.signal === s) && (!broken || o.problems.length > 0)).length;
  for (const k of keys) {
    if (count(k) === 0) continue;
    rows.push([k, ...SIGNALS.flatMap((s) => [String(count(k, s)), String(count(k, s, true))]), String(count(k)), String(count(k, undefined, true))]);
  }
  const all = (s?: string, broken = false) => outcomes.filter((o) => (!s || o.kase.signal === s) && (!broken || o.problems.length > 0)).length;
  rows.push(['all', ...SIGNALS.flatMap((s) => [String(all(s)), String(all(s, true))]), String(all()), String(all(undefined, true))]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** A problem without its particulars (stage, names, fingerprints, file names): one row per kind of broken state. */
export function problemKind(p: string): string {
  return p
    .replace(/^(after recovery|at the end): /, '')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b[0-9a-f]{16,}…?/g, '…')
    .replace(/(left in TMPDIR[^:]*|journal left in the data folder): .*/, '$1')
    .replace(/\(certutil[^)]*\)|\([^)]*orphan[^)]*\)/g, '');
}

export function summary(outcomes: Outcome[], header: string): string {
  const landed = (o: Outcome) => o.landed;
  const kind = (o: Outcome) => `${o.kase.op}${o.kase.dbs === 2 ? '+2dbs' : ''} ${o.kase.kind}`;
  const kinds = ['renew', 'acquire', 'renew+2dbs', 'acquire+2dbs'].flatMap((op) => ['point', 'tool', 'write', 'window', 'random'].map((k) => `${op} ${k}`));
  const extraLanded = [...new Set(outcomes.map(landed))].filter((l) => !LANDED_ORDER.includes(l));
  const inWindow = (s: string) => outcomes.filter((o) => o.landed === 'removeOld' && o.kase.signal === s);
  const broken = outcomes.filter((o) => o.problems.length > 0);
  return [
    header,
    '',
    table('landed at (journal step on disk when the process died)', [...LANDED_ORDER, ...extraLanded], landed, outcomes),
    '',
    table('kind of kill', kinds, kind, outcomes),
    '',
    `inside the removal window (journal at removeOld): ${SIGNALS.map((s) => `${s} ${inWindow(s).length} kills, ${inWindow(s).filter((o) => o.problems.length > 0).length} broken`).join('; ')}`,
    `broken: ${broken.length} of ${outcomes.length}`,
    ...[...new Set(broken.flatMap((o) => o.problems.map(problemKind)))].map((k) => {
      const hit = broken.filter((o) => o.problems.some((p) => problemKind(p) === k));
      return `  ${String(hit.length).padStart(4)} × ${k} (${SIGNALS.map((s) => `${s} ${hit.filter((o) => o.kase.signal === s).length}`).join(', ')})`;
    }),
    'broken cases:',
    ...broken.map((o) => `  ${o.kase.id} [landed ${o.landed}, last "${o.lastEvent}"]: ${o.problems.join('; ')}`),
  ].join('\n');
}
