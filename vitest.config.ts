import { defineConfig } from 'vitest/config';
import { testKinds } from './test/support/test-kinds.mjs';

// Three projects, one run: `unit` (pure, in-process: `npm run test:fast`), `integration` (a bank,
// a db, a token, a browser or a child process), `soak` (kill, load, fuzz). test/support/test-kinds.mjs
// sorts the files by what they reach, so a new file needs no list.
const kinds = testKinds(import.meta.dirname);

export default defineConfig({
  test: {
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep openssl/certutil-heavy files from starving each other.
    maxWorkers: 2,
    projects: (['unit', 'integration', 'soak'] as const).map((name) => ({ extends: true, test: { name, include: kinds[name] } })),
  },
});
