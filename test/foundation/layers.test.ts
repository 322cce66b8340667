// The house's layers, held by lint: a deliberate upward or sideways import in each layer
// fails `eslint` with the layer's message, and the same file with an allowed import passes.
// And no file cycle anywhere in src/ (static, type-only and dynamic imports alike).
import { ESLint } from 'eslint';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The no-restricted-imports messages for one import written in a file at `file`. */
async function restricted(file: string, spec: string): Promise<string[]> {
  const [r] = await eslint.lintText(`import * as m from '${spec}';\nexport const n = Object.keys(m).length;\n`, { filePath: join(ROOT, file) });
  return r!.messages.filter((x) => x.ruleId === 'no-restricted-imports').map((x) => x.message);
}

describe('lint holds the layers', { timeout: 60_000 }, () => {
  it.each([
    // [file, a forbidden import, an allowed one, words of the message]
    ['src/main/core/pki/probe.ts', '../est', '../errors', 'no other core module'],
    ['src/main/core/pki/probe.ts', '../store/types', './encoding', 'no other core module'],
    ['src/main/core/config/probe.ts', '../renewal', '../errors', 'no other core module'],
    ['src/main/core/vault/probe.ts', '../store', '../errors', 'no other core module'],
    ['src/main/core/est/probe.ts', '../store', '../pki', 'store is not below'],
    ['src/main/core/store/probe.ts', '../est', '../pki', 'est is not below'],
    ['src/main/core/store/nss/probe.ts', '../../est/client', '../../pki', 'est is not below'],
    ['src/main/core/store/probe.ts', '../renewal', './types', 'renewal is not below'],
    ['src/main/core/renewal/probe.ts', '../compose', '../store', 'compose is not below'],
    ['src/main/app/probe.ts', '../core/renewal', '../core/compose', 'only its composition root'],
    ['src/main/net/probe.ts', '../core/est', '../core/compose/transport', 'only its composition root'],
    // Within the shell: net below app, ask below both (issue 28 item 7: net imported app/security).
    ['src/main/net/probe.ts', '../app/security', '../ask/window-question', 'below src/main/app'],
    ['src/main/ask/probe.ts', '../net/proxy-auth', './window-question', 'below src/main/net'],
    ['src/main/ask/probe.ts', '../app/pin-broker', './dialog-in-window', 'below src/main/app'],
    ['src/main/ask/probe.ts', '../core/store', '../core/compose', 'only its composition root'],
    ['src/main/cli/probe.ts', '../core/config', '../core/compose', 'only its composition root'],
    ['src/main/probe.ts', './core/errors', './core/compose', 'only its composition root'],
    ['src/main/core-process/probe.ts', '../core/store', '../core/compose', 'only its composition root'],
  ])('%s: %s fails, %s passes', async (file, bad, good, words) => {
    const refused = await restricted(file, bad);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain(words);
    expect(await restricted(file, good)).toEqual([]);
  });

  it('keeps the rules that were there: no electron in the core, keytar only in the vault, the renderer apart', async () => {
    expect(await restricted('src/main/core/errors-probe.ts', 'electron')).toHaveLength(1);
    expect(await restricted('src/main/core/renewal/probe.ts', 'electron')).toHaveLength(1);
    // The core's process entry runs under plain Node too (issue 25).
    expect(await restricted('src/main/core-process/probe.ts', 'electron')).toHaveLength(1);
    expect(await restricted('src/main/core/pki/probe.ts', 'keytar')).toHaveLength(1);
    expect(await restricted('src/main/core/vault/probe.ts', 'keytar')).toEqual([]);
    expect(await restricted('src/main/app/probe.ts', 'keytar')).toHaveLength(1);
    expect(await restricted('src/renderer/src/probe.ts', '../../main/core/compose')).toHaveLength(1);
  });
});

describe('lint holds the one PKCS#11 layer: pkcs11js only inside src/main/core/store/pkcs11', { timeout: 60_000 }, () => {
  /** The messages for pkcs11js written in a file at `file`, in each form: static, type-only, dynamic, require. */
  async function refusals(file: string): Promise<string[][]> {
    const forms = [
      "import * as m from 'pkcs11js';\nexport const n = m;\n",
      "import type * as M from 'pkcs11js';\nexport type N = typeof M;\n",
      "export const p = import('pkcs11js');\n",
      "export const r = require('pkcs11js');\n",
    ];
    const out: string[][] = [];
    for (const code of forms) {
      const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
      out.push(r!.messages.filter((x) => x.ruleId === 'no-restricted-imports' || x.ruleId === 'no-restricted-syntax').map((x) => x.message));
    }
    return out;
  }

  it.each(['src/main/core/store/nss/probe.ts', 'src/main/core/store/probe.ts', 'src/main/core/compose/probe.ts', 'src/main/core/errors-probe.ts', 'src/main/app/probe.ts', 'src/main/cli/probe.ts', 'src/main/core-process/probe.ts', 'src/shared/probe.ts', 'src/renderer/src/probe.ts', 'src/preload/probe.ts'])(
    '%s: every import of pkcs11js fails, naming the layer',
    async (file) => {
      for (const messages of await refusals(file)) {
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain('only inside src/main/core/store/pkcs11');
      }
    },
  );

  it('inside the layer it passes, and the store\'s own walls still hold there', async () => {
    for (const messages of await refusals('src/main/core/store/pkcs11/probe.ts')) expect(messages).toEqual([]);
    expect(await restricted('src/main/core/store/pkcs11/probe.ts', '../../est')).toEqual([expect.stringContaining('est is not below')]);
    expect(await restricted('src/main/core/store/pkcs11/probe.ts', 'electron')).toHaveLength(1);
    expect(await restricted('src/main/core/store/pkcs11/probe.ts', '../../pki')).toEqual([]);
  });

  it('no source file outside the layer imports it today', () => {
    const outside: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(ts|tsx)$/.test(e) && !relative(ROOT, p).startsWith(join('src', 'main', 'core', 'store', 'pkcs11')) && /['"]pkcs11js['"]/.test(readFileSync(p, 'utf8'))) outside.push(relative(ROOT, p));
      }
    };
    walk(join(ROOT, 'src'));
    expect(outside).toEqual([]);
  });
});

/** The core-walls messages for one import (static, re-export or dynamic) written in a file at `file`. */
async function walls(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return r!.messages.filter((x) => x.ruleId === 'core-walls/module-surface').map((x) => x.message);
}

describe("lint holds the walls: another core module only through its index", { timeout: 60_000 }, () => {
  it.each([
    // [file, a private file of another module, the module's front door]
    ['src/main/core/renewal/probe.ts', '../est/csrattrs', '../est'],
    ['src/main/core/store/nss/probe.ts', '../../pki/asn1', '../../pki'],
    ['src/main/core/compose/probe.ts', '../store/pkcs11/module', '../store/index'],
    ['src/main/core/compose/probe.ts', '../renewal/steps', '../renewal'],
  ])('%s: %s fails, %s passes', async (file, bad, good) => {
    for (const form of [`import * as m from '${bad}';\nexport const n = m;\n`, `export { x } from '${bad}';\n`, `export const p = import('${bad}');\n`]) {
      const refused = await walls(file, form);
      expect(refused, form).toHaveLength(1);
      expect(refused[0]).toContain('a file private to core/');
    }
    expect(await walls(file, `import * as m from '${good}';\nexport const n = m;\n`)).toEqual([]);
  });

  it('a module\'s own files, the files under core itself and the lazy entries are open', async () => {
    expect(await walls('src/main/core/store/nss/probe.ts', "import * as m from '../pkcs11/module';\nexport const n = m;\n")).toEqual([]);
    expect(await walls('src/main/core/renewal/probe.ts', "import * as m from '../errors';\nexport const n = m;\n")).toEqual([]);
    expect(await walls('src/main/core/compose/probe.ts', "export const p = import('../store/prefetch');\n")).toEqual([]);
  });
});

/** Every relative import of every source file, resolved to a file. */
function importGraph(): Map<string, string[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(e) && !e.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(join(ROOT, 'src'));
  const known = new Set(files);
  const resolveSpec = (from: string, spec: string) => {
    const base = resolve(dirname(from), spec);
    return [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((c) => known.has(c));
  };
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
    graph.set(f, specs.map((s) => resolveSpec(f, s)).filter((x): x is string => Boolean(x)));
  }
  return graph;
}

/** Each cycle found by a depth-first walk, as "a → b → a". */
function findCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(ROOT, p)).join(' → '));
      return;
    }
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  return cycles;
}

describe('the import graph', () => {
  it('has no cycle in src/ (and the walk finds one where there is one)', () => {
    const graph = importGraph();
    const at = (p: string) => join(ROOT, p);
    expect(graph.get(at('src/main/core/renewal/service.ts'))).toContain(at('src/main/core/renewal/session.ts'));
    expect(graph.get(at('src/main/index.ts'))).toContain(at('src/main/app/desktop.ts'));
    expect(findCycles(new Map([[at('a.ts'), [at('b.ts')]], [at('b.ts'), [at('a.ts')]]]))).toEqual(['a.ts → b.ts → a.ts']);
    expect(findCycles(graph)).toEqual([]);
  });
});
