// `npm run build`'s output, made when missing or older than a source file (one build at a
// time across the test processes): the bundle tests and the core-process tests run it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();

function newestIn(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestIn(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** out/ is reused when it is newer than every source file; else built. */
export function ensureBuilt(): 'reused' | 'built' {
  const sources = Math.max(newestIn(join(root, 'src')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs);
  const outputs = ['out/main/index.js', 'out/main/core-process.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((f) => join(root, f));
  if (outputs.every((f) => existsSync(f) && statSync(f).mtimeMs > sources)) return 'reused';
  const r = spawnSync('flock', ['/tmp/certdesk-electron-vite.lock', 'npx', 'electron-vite', 'build'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`electron-vite build failed:\n${r.stdout}\n${r.stderr}`);
  return 'built';
}

/** The built core's process entry (what the app starts as a utilityProcess). */
export const CORE_ENTRY = join(root, 'out/main/core-process.js');
