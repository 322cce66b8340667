// Every error reason (`detail.reason`) the sources can produce, read from the source text: the
// literals after `reason:` (`reason: 'DNS'`, `reason: a ? 'MISSING' : 'UNREADABLE'`), and the
// literals passed where a helper's parameter is named `reason` (`fail('KEY_MISMATCH', …)`,
// `tokenError(s, what, err, 'TOKEN_FAILED')`). Types (`reason: 'A' | 'B'` in an interface) are
// left out: what a value can be is said where it is made.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface ReasonSite {
  reason: string;
  file: string;
  line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

const LITERAL = /'([A-Z][A-Z0-9_]+)'/g;
const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The top-level arguments of a call whose '(' is at `open`, split at commas outside brackets and strings. */
function callArguments(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let start = open + 1;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) {
      if (depth === 0) {
        args.push(text.slice(start, i));
        return args;
      }
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return args;
}

/**
 * Functions with a parameter named `reason` (declared as `function f(…)` or `const f = (…) =>`)
 * and its position: a file's own, and the exported ones for every file (two files' private
 * `fail` helpers need not agree on their parameters).
 */
function reasonHelpers(text: string): { own: Map<string, number>; exported: Map<string, number> } {
  const own = new Map<string, number>();
  const exported = new Map<string, number>();
  // A generic helper's type parameters (`<R extends ErrorReason>(reason: R)`) may stand before its parameters.
  const decl = /(export\s+)?(?:function\s+(\w+)\s*(?:<[^>()]*>\s*)?\(|(?:const|let)\s+(\w+)\s*=\s*(?:<[^>()]*>\s*)?\()([^)]*)\)/g;
  for (const m of text.matchAll(decl)) {
    const params = m[4]!.split(',').map((p) => p.trim().replace(/[?:].*$/s, '').trim());
    const at = params.indexOf('reason');
    if (at < 0) continue;
    own.set((m[2] ?? m[3])!, at);
    if (m[1]) exported.set((m[2] ?? m[3])!, at);
  }
  return { own, exported };
}

/** Each reason with where it is made; `roots` are folders (src/main, src/shared …). */
export function reasonsInSource(root: string, roots: string[], skip: readonly string[] = []): ReasonSite[] {
  const files = roots
    .flatMap((r) => sourceFiles(join(root, r)))
    .map((path) => ({ path, file: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }))
    .filter((f) => !skip.includes(f.file));
  const helpers = files.map((f) => reasonHelpers(f.text));
  const exported = new Map(helpers.flatMap((h) => [...h.exported]));
  const sites: ReasonSite[] = [];
  const add = (expression: string, file: string, line: number) => {
    // A literal compared against (`code === 'BAD_RESPONSE' ? …`) is a condition, not a reason.
    for (const l of expression.matchAll(LITERAL)) if (!/[!=]==\s*$/.test(expression.slice(0, l.index))) sites.push({ reason: l[1]!, file, line });
  };
  files.forEach(({ file, text }, i) => {
    // `reason: <expression>` up to the end of the property; an interface's union (a type) is skipped.
    for (const m of text.matchAll(/\breason\??:\s*([^,;}\n]+)/g)) {
      // A parameter typed by the reason types (`reason: ReasonOf<'NETWORK'>`) names a code, not a reason.
      if (/^(?:ReasonOf|ErrorReason|BankReason)\b/.test(m[1]!.trim())) continue;
      if (!/^'[A-Z][A-Z0-9_]+'\s*\|/.test(m[1]!.trim())) add(m[1]!, file, lineOf(text, m.index));
    }
    for (const [name, at] of new Map([...exported, ...helpers[i]!.own])) {
      for (const m of text.matchAll(new RegExp(`\\b${name}\\(`, 'g'))) {
        if (/function\s+$/.test(text.slice(Math.max(0, m.index - 9), m.index))) continue;
        add(callArguments(text, m.index + name.length)[at] ?? '', file, lineOf(text, m.index));
      }
    }
  });
  return sites;
}
