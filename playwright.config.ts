import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/playwright',
  timeout: 180_000,
  // Two: the tests mostly wait on the bank, certutil and Chromium, so two workers use the two cores.
  workers: 2,
  reporter: [['list']],
  use: {
    launchOptions: {
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: '**/vault.spec.ts' },
    // Stops the keyring daemon: a worker of its own, after the others.
    { name: 'vault', testMatch: '**/vault.spec.ts' },
  ],
});
