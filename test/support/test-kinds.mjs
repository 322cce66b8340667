// The vitest projects (vitest.config.ts): which test files are `unit`, `integration` or `soak`,
// read from the files themselves so that a new file lands in the right one without a list to keep.
// - soak: the long harnesses (kill, load, the fuzzers);
// - integration: a file that starts a bank, a db, a token, a browser, a server or a child process,
//   itself or through a helper in test/ it imports;
// - unit: the rest, pure and in-process: `npm run test:fast` runs them alone, in well under a minute.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const OUTSIDE = /from '[^']*test\/bank|\bstartBank\b|node:child_process|['"]child_process['"]|\bexecFile|\bspawn(Sync)?\(|\bfork\(|\bcertutil\b|\bpk12util\b|\bOpensslLab\b|\bnewNssDb\b|\bstartSofthsm\b|\bstartSwtpm\b|\bchromium\b|\bplaywright\b|\bdbus\b|gnome-keyring|node:net'|node:https?'|\bcreateServer\(/;
const SOAK = [/^test\/kill\//, /^test\/load\//, /\.fuzz\.test\.ts$/, /^test\/bank\/load\.test\.ts$/];

/** @param {string} root @returns {{ unit: string[], integration: string[], soak: string[] }} */
export function testKinds(root) {
  const testDir = join(root, 'test');
  const memo = new Map();
  /** @type {(file: string, seen: Set<string>) => boolean} */
  const reachesOutside = (file, seen) => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (seen.has(file)) return false;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    let found = OUTSIDE.test(src);
    for (const m of found ? [] : src.matchAll(/from '(\.[^']+)'/g)) {
      const base = resolve(dirname(file), m[1]);
      if (!base.startsWith(testDir)) continue;
      const target = [base, `${base}.ts`, `${base}.mjs`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
      if (target && reachesOutside(target, seen)) {
        found = true;
        break;
      }
    }
    memo.set(file, found);
    return found;
  };
  /** @type {string[]} */
  const files = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) {
        if (e !== 'e2e') walk(p);
      } else if (e.endsWith('.test.ts')) files.push(p);
    }
  };
  walk(testDir);
  /** @type {{ unit: string[], integration: string[], soak: string[] }} */
  const kinds = { unit: [], integration: [], soak: [] };
  for (const f of files.sort()) {
    const rel = relative(root, f).split('\\').join('/');
    if (SOAK.some((r) => r.test(rel))) kinds.soak.push(rel);
    else if (reachesOutside(f, new Set())) kinds.integration.push(rel);
    else kinds.unit.push(rel);
  }
  return kinds;
}
