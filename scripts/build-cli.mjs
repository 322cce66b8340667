// Bundles the `certdesk` command line (src/main/cli.ts) into dist-cli/ so that
// `npx certdesk` works right after `npm install` (run by `prepare`). The CLI tests and the kill harness build
// the same bundle into a folder of their own through `buildCli`.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

/**
 * Builds the CLI into `outdir` (cleared first): certdesk.cjs, one CommonJS bundle, and cli.js,
 * the loader that runs it through V8's code cache (scripts/cli-loader.mjs says why and how).
 */
export async function buildCli(outdir) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { certdesk: join(ROOT, 'src/main/cli.ts') },
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    // One CommonJS file, not ES chunks: V8's code cache (vm.Script cachedData) takes a script,
    // and with the cache a single bundle starts faster than chunks loaded on demand did.
    format: 'cjs',
    // import() of the external addons becomes require(): a vm.Script has no module loader of its
    // own for import() on Node 20 without an experimental flag (and its warning).
    supported: { 'dynamic-import': false },
    // Pure-JS dependencies are bundled: resolving and compiling them file by file from
    // node_modules cost about a fifth of a `certdesk renew`. Only the native addons stay
    // external, each loaded lazily: keytar (the vault) and pkcs11js (the NSS db's token);
    // conf is required at run time by config/settings (createRequire), which esbuild leaves alone.
    external: ['keytar', 'pkcs11js'],
    // jsonc-parser's `main` is a UMD wrapper whose require() calls esbuild cannot follow
    // ("Cannot find module './impl/format'" at run time): bundle its ES build instead.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    // The loader passes its own URL: the bundle's entry check and createRequire see cli.js.
    define: { 'import.meta.url': '__certdeskUrl' },
    // Minified: less to parse and to cache. keepNames keeps class and function names for error
    // names and stack traces.
    minify: true,
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  // The loader names its code cache by the bundle's hash, computed here once, not at every start.
  const sha256 = createHash('sha256').update(readFileSync(join(outdir, 'certdesk.cjs'), 'utf8')).digest('hex');
  writeFileSync(join(outdir, 'cli.js'), readFileSync(join(ROOT, 'scripts/cli-loader.mjs'), 'utf8').replace('@@CERTDESK_BUNDLE_SHA256@@', sha256));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!existsSync(join(ROOT, 'src/main/cli.ts'))) {
    console.log('build-cli: src/main/cli.ts not present yet; nothing to build');
    process.exit(0);
  }
  await buildCli(join(ROOT, 'dist-cli'));
  console.log('build-cli: dist-cli/cli.js');
}
