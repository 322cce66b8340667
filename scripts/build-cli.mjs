// Bundles the `certdesk` command line (src/main/cli.ts) into dist-cli/ so that
// `npx certdesk` works right after `npm install` (run by `prepare`). The CLI tests and the kill harness build
// the same bundle into a folder of their own through `buildCli`.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

/** Builds the CLI bundle into `outdir` (cleared first: chunk names carry a hash). */
export async function buildCli(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { cli: join(ROOT, 'src/main/cli.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // The core is imported lazily by cli.ts (import()); splitting puts it in its own chunks so
    // that --help and usage errors load only commander and the messages.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    // Pure-JS dependencies are bundled: resolving and compiling them file by file from
    // node_modules cost about a fifth of a `certdesk renew`. Only the native addons stay
    // external, each loaded lazily: keytar (the vault) and pkcs11js (the NSS db's token);
    // conf is required at run time by config/settings (createRequire), which esbuild leaves alone.
    external: ['keytar', 'pkcs11js'],
    // Bundled CommonJS (https-proxy-agent, debug, …) calls require() for node built-ins,
    // which an ES module does not have.
    banner: { js: "import { createRequire as __certdeskCreateRequire } from 'node:module'; const require = __certdeskCreateRequire(import.meta.url);" },
    // Minified: less to parse at every start (the pkijs chunk goes from 840 to ~450 kB).
    // keepNames keeps class and function names for error names and stack traces.
    minify: true,
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(join(ROOT, 'src/main/cli.ts'))) {
    console.log('build-cli: src/main/cli.ts not present yet; nothing to build');
    process.exit(0);
  }
  await buildCli(join(ROOT, 'dist-cli'));
  console.log('build-cli: dist-cli/cli.js');
}
