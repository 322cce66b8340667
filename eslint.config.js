// Lint keeps the house: which layer may import what. The core's modules are layered as VS
// Code's layering rule does it: each folder names the modules below it that it may use.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';
import coreWalls from './scripts/eslint-core-walls.mjs';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: 'src/main/core and src/shared run without Electron: keep electron in the thin wiring of src/main.' };
const noKeytar = { name: 'keytar', message: 'keytar is archived upstream: only src/main/core/vault may import it.' };
/** The one PKCS#11 layer (issue 28): pkcs11js is loaded only by src/main/core/store/pkcs11 (its loader.ts). */
const PKCS11_LAYER = 'src/main/core/store/pkcs11/**/*.ts';
const noPkcs11js = { name: 'pkcs11js', message: 'pkcs11js is used only inside src/main/core/store/pkcs11 (the one PKCS#11 layer): call its targets (softoken.ts, module.ts) and objects.ts instead.' };

/** Each core module and the core modules below it that it may import (errors, kill-points, process and atomic-file are for all). */
export const CORE_LAYERS = {
  pki: [],
  config: [],
  vault: [],
  est: ['pki'],
  store: ['pki'],
  renewal: ['pki', 'est', 'store', 'vault', 'config'],
  compose: ['pki', 'est', 'store', 'vault', 'config', 'renewal'],
};
const coreModulesOutside = (layer, below) => Object.keys(CORE_LAYERS).filter((m) => m !== layer && !below.includes(m));
/** A core layer's import rule: no electron, keytar only in the vault, only the modules below it, and `extra` names. */
const layerRule = (layer, below, extra) => ['error', {
  paths: [noElectron, ...(layer === 'vault' ? [] : [noKeytar]), ...extra],
  patterns: [
    { group: ['electron/*'], message: noElectron.message },
    ...coreModulesOutside(layer, below).map((m) => ({ group: [`**/core/${m}`, `**/core/${m}/**`, `../${m}`, `../${m}/**`, `../../${m}`, `../../${m}/**`], message: `core/${layer} may import only ${below.length ? below.map((b) => `core/${b}`).join(', ') : 'no other core module'} (and errors, kill-points, process): ${m} is ${below.length ? 'not below it' : 'another module'}.` })),
  ],
}];

/** The shell's folders, each with the shell folders above it that it may not import. */
const SHELL_LAYERS = {
  'src/main/*.ts': [],
  'src/main/app/**/*.ts': [],
  'src/main/cli/**/*.ts': [],
  'src/main/net/**/*.ts': ['app', 'cli'],
  'src/main/ask/**/*.ts': ['app', 'cli', 'net'],
};
// atomic-file is a leaf (Node's fs only): the status file's writer takes it without loading the
// composition root (and with it package.json, which Playwright's loader refuses without an attribute).
const shellCore = { group: ['**/core/*', '!**/core/compose', '!**/core/atomic-file', '**/core/*/**', '!**/core/compose/**'], message: 'The shell and the command line import from the core only its composition root (src/main/core/compose) and the leaf atomic-file.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist-cli/**', 'node_modules/**', '.tsc/**', 'test-results/**', 'playwright-report/**', '.demo/**', '.bank-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // No file over 400 lines (issue 28), blank lines and comments counted: a longer file is
    // split by theme, not trimmed of its blank lines.
    files: ['src/**/*.{ts,tsx,mts,js,mjs}', 'test/**/*.{ts,tsx,mts,js,mjs}', 'scripts/**/*.{ts,js,mjs}'],
    rules: { 'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['src/main/core/**/*.ts'],
    plugins: { 'core-walls': coreWalls },
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, noPkcs11js], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
      // A module's files other than index.ts are private to it (scripts/eslint-core-walls.mjs).
      'core-walls/module-surface': 'error',
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts', 'src/renderer/**/*.{ts,tsx}'],
    ignores: ['src/main/core/vault/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noKeytar, noPkcs11js] }],
    },
  },
  {
    // Tests drive tokens beside CertDesk with pkcs11js of their own (making a token, a second reader).
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{js,mjs}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noKeytar] }],
    },
  },
  {
    // A dynamic import() or require() of pkcs11js is held to the same rule (no-restricted-imports sees static ones only).
    files: ['src/**/*.{ts,tsx}'],
    ignores: [PKCS11_LAYER],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "ImportExpression[source.value='pkcs11js']", message: noPkcs11js.message },
        { selector: "CallExpression[callee.name='require'][arguments.0.value='pkcs11js']", message: noPkcs11js.message },
      ],
    },
  },
  {
    files: ['src/main/core/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, noKeytar, noPkcs11js], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
    },
  },
  // The core's layers, each with the base rules above (a block's options replace, not add to, an earlier block's).
  ...Object.entries(CORE_LAYERS).map(([layer, below]) => ({
    files: [`src/main/core/${layer}/**/*.ts`],
    rules: { 'no-restricted-imports': layerRule(layer, below, [noPkcs11js]) },
  })),
  // The PKCS#11 layer itself: the store's rule, with pkcs11js allowed.
  { files: [PKCS11_LAYER], rules: { 'no-restricted-imports': layerRule('store', CORE_LAYERS.store, []) } },
  // The shell (the entries, app, net, ask) and the command line: from the core, only the
  // composition root. Within the shell, layered as the core is: app (lifecycle, windows, IPC)
  // uses net (Chromium's network stack) and ask (questions put to the window's dialogs); net
  // may use ask; ask uses neither.
  ...Object.entries(SHELL_LAYERS).map(([files, above]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noKeytar, noPkcs11js],
        patterns: [
          shellCore,
          ...above.map((m) => ({ group: [`../${m}`, `../${m}/**`, `**/main/${m}`, `**/main/${m}/**`], message: `${files.replace('/**/*.ts', '')} is below src/main/${m}: pass in what it needs from there (or move it down), never import it.` })),
        ],
      }],
    },
  })),
  {
    // The core's process entry (src/main/core-process): the shell's rule, and no electron — it runs under plain Node too.
    files: ['src/main/core-process/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, noKeytar, noPkcs11js],
        patterns: [
          { group: ['electron/*'], message: noElectron.message },
          { group: ['**/core/*', '!**/core/compose', '**/core/*/**', '!**/core/compose/**'], message: 'The core\'s process entry imports from the core only its composition root (src/main/core/compose).' },
        ],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, noPkcs11js, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared is pure: no node built-ins.' }))],
        patterns: [{ group: ['../main/**', '../renderer/**', '../preload/**', 'react', 'react-dom'], message: 'src/shared imports nothing from the layers above it.' }],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, noPkcs11js, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is sandboxed: no node built-ins.' }))],
        patterns: [{ group: ['**/main/**', '**/preload/**'], message: 'The renderer imports nothing from src/main or src/preload; use the contract.' }],
      }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noPkcs11js],
        patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the contract only.' }],
      }],
    },
  },
);
