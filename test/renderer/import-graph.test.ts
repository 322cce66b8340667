// No file cycle in the renderer: every relative import of src/renderer, resolved to a file,
// walked depth first. The sources come through Vite's glob, so the test needs no node APIs
// (it is type-checked with the renderer, which has none).
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>('../../src/renderer/src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true });

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function join(fromFile: string, spec: string): string {
  const parts = fromFile.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  return parts.join('/');
}

/** file → the files of the graph it imports (imports leaving the graph are left out). */
function importGraph(files: Record<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of Object.entries(files)) {
    const targets: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const base = join(file, (m[1] ?? m[2])!);
      const hit = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`].find((c) => c in files);
      if (hit) targets.push(hit);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Every cycle found, each as the path that closes it (a → b → a). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (f: string): void => {
    const at = path.indexOf(f);
    if (at >= 0) {
      found.push([...path.slice(at), f]);
      return;
    }
    if (done.has(f)) return;
    path.push(f);
    for (const g of graph.get(f) ?? []) visit(g);
    path.pop();
    done.add(f);
  };
  for (const f of graph.keys()) visit(f);
  return found;
}

describe('the renderer import graph', () => {
  it('reads the renderer, screens and flow included', () => {
    const graph = importGraph(sources);
    const names = [...graph.keys()];
    expect(names.some((n) => n.endsWith('/App.tsx'))).toBe(true);
    expect(names.some((n) => n.includes('/screens/'))).toBe(true);
    expect(graph.get(names.find((n) => n.endsWith('/App.tsx'))!)!.some((t) => t.endsWith('/flow/machine.ts'))).toBe(true);
  });

  it('has no file cycle', () => {
    expect(cycles(importGraph(sources)).map((c) => c.map((f) => f.replace(/^.*\/src\/renderer\/src\//, '')).join(' → '))).toEqual([]);
  });

  it('would see one: the old Flow.tsx ↔ Misc.tsx, and one through an index file', () => {
    const flow = { 'a/Flow.tsx': "import { ErrorPanel } from './Misc';\n", 'a/Misc.tsx': "import {\n  errorVars,\n} from './Flow';\n" };
    expect(cycles(importGraph(flow))).toEqual([['a/Flow.tsx', 'a/Misc.tsx', 'a/Flow.tsx']]);
    const viaIndex = { 'a/x.ts': "export * from './b';\nexport { y } from './b/index';\n", 'a/b/index.ts': "const m = import('../x');\n" };
    expect(cycles(importGraph(viaIndex))).toHaveLength(1);
    expect(cycles(importGraph({ 'a/x.ts': "import type { T } from '../../shared/contract';\n" }))).toEqual([]);
  });
});
