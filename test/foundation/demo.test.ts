// The README's promise: `npm run demo` runs the renewal against the bundled bank simulator.
// Without the Electron binary (as here) it walks status → renew → status through the command
// line, each step checked against its exit code; the demo NSS db then holds the renewed
// certificate with its key and the bank's CA as chain material only (trust ",,").
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

describe('npm run demo', () => {
  it('renews the demo certificate and ends with exit 0', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/demo.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, LANG: 'C.UTF-8' } });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('(exit 6)'); // status before: the renewal is open
    expect(r.stdout).toContain('demo: done.');
    const listing = r.stdout.slice(r.stdout.indexOf('demo: done.'));
    expect(listing).toMatch(/^demo\s+u,u,u\s*$/m);
    expect(listing).not.toMatch(/[CPT]+,[^\n]*,/); // no CA trusted for anything
  }, 300_000);
});
