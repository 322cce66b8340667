// Lint keeps the house: which layer may import what (DESIGN, "Architecture").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noElectron = { name: 'electron', message: 'src/main/core and src/shared run without Electron: keep electron in the thin wiring of src/main.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist-cli/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.demo/**', '.bank-data/**'] },
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
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['electron/*'], message: noElectron.message }] }],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts', 'src/renderer/**/*.{ts,tsx}', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{js,mjs}'],
    ignores: ['src/main/core/vault/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'keytar', message: 'keytar is archived upstream: only src/main/core/vault may import it.' }] }],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    ignores: ['src/main/core/vault/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, { name: 'keytar', message: 'keytar is archived upstream: only src/main/core/vault may import it.' }],
        patterns: [{ group: ['electron/*'], message: noElectron.message }],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared is pure: no node built-ins.' }))],
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
        paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is sandboxed: no node built-ins.' }))],
        patterns: [{ group: ['**/main/**', '**/preload/**'], message: 'The renderer imports nothing from src/main or src/preload; use the contract.' }],
      }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the contract only.' }],
      }],
    },
  },
);
