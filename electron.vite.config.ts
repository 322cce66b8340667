import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { builtinDigests } from './src/main/core/config/builtin-integrity';

export default defineConfig({
  main: {
    // The SHA-256 of the bank's built-in policy and anchors (build/bank, packed beside the asar by
    // extraResources), compiled into the main bundle inside the asar: the core refuses a built-in
    // file that is not the one built (src/main/core/config/builtin-integrity.ts).
    define: { __CERTDESK_BUILTIN_DIGESTS__: JSON.stringify(builtinDigests(resolve('build/bank'))) },
    build: {
      outDir: 'out/main',
      // Two entries: main (windows, dialogs, Chromium's net) and the core's own process
      // (PKCS#11, NSS tools, vault, Node's TLS), which main starts as a utilityProcess.
      rollupOptions: { input: { index: resolve('src/main/index.ts'), 'core-process': resolve('src/main/core-process/index.ts') } },
      // keytar and pkcs11js are native addons: loaded from node_modules at run time, never bundled.
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified by default; users download this.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
