// Issue 25: no PKCS#11 module is ever loaded in Electron's main process, where Chromium's own
// NSS has the same softoken loaded. Checked on the built bundle (`npm run build`), statically:
// every chunk out/main/index.js can reach, by static or dynamic import, is read, and none of
// them names pkcs11js, the NSS softoken, keytar or the NSS tools; the core's process entry
// (out/main/core-process.js, a separate built entry) is what reaches them.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../support/built';

const OUT = resolve('out/main');

/** Every file of out/main that `entry` reaches through relative imports (static, dynamic, re-exports). */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    const code = readFileSync(file, 'utf8');
    seen.set(file, code);
    const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
    for (const s of specifiers) walk(resolve(dirname(file), s));
  };
  walk(entry);
  return seen;
}

/** What only the core's process may load (bare imports and the module names it opens). */
const CORE_ONLY = [/["']pkcs11js["']/, /softokn3/, /["']keytar["']/, /["']certutil["']/, /["']pk12util["']/];

describe('the built main bundle', () => {
  beforeAll(() => {
    ensureBuilt();
  });

  it('main\'s chunks reach no PKCS#11 module, no softoken, no vault, no NSS tool', () => {
    const main = reachable(join(OUT, 'index.js'));
    expect(main.size).toBeGreaterThan(3);
    expect([...main.keys()]).not.toContain(join(OUT, 'core-process.js'));
    const found = [...main].flatMap(([file, code]) => CORE_ONLY.filter((re) => re.test(code)).map((re) => `${file.slice(OUT.length + 1)}: ${re.source}`));
    expect(found).toEqual([]);
  });

  it('the core\'s process entry is what reaches them (the check above would see them)', () => {
    const core = reachable(join(OUT, 'core-process.js'));
    const all = [...core.values()].join('\n');
    for (const re of CORE_ONLY) expect(all, re.source).toMatch(re);
  });
});
