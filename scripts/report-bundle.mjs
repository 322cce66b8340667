// Prints the size of each renderer asset after `electron-vite build`: raw kB and gzip kB,
// so that a growing bundle shows in every build's output.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = process.argv[2] ?? 'out/renderer';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let files;
try {
  files = walk(root).filter((f) => /\.(js|css|html)$/.test(f)).sort();
} catch {
  console.error(`report-bundle: ${root} not found: run electron-vite build first`);
  process.exit(1);
}
const kb = (n) => (n / 1024).toFixed(2).padStart(9);
let total = 0;
let totalGz = 0;
console.log(`\nrenderer bundle (${root})`);
console.log(`${'asset'.padEnd(44)}${'kB'.padStart(9)}${'gzip kB'.padStart(10)}`);
for (const f of files) {
  const bytes = readFileSync(f);
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += bytes.length;
  totalGz += gz;
  console.log(`${relative(root, f).padEnd(44)}${kb(bytes.length)} ${kb(gz)}`);
}
console.log(`${'total'.padEnd(44)}${kb(total)} ${kb(totalGz)}`);
