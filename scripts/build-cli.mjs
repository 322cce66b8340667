// Bundles the `certdesk` command line (src/main/cli.ts) into dist-cli/ so that
// `npx certdesk` works right after `npm install` (run by `prepare`).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

if (!existsSync('src/main/cli.ts')) {
  console.log('build-cli: src/main/cli.ts not present yet; nothing to build');
  process.exit(0);
}
await build({
  entryPoints: { cli: 'src/main/cli.ts' },
  outdir: 'dist-cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // The core is imported lazily by cli.ts (import()); splitting puts it in its own chunks so
  // that --help and usage errors load only commander and the messages.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons and ESM-only packages load from node_modules at run time.
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log('build-cli: dist-cli/cli.js');
