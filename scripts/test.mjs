// `npm test`: lint, typecheck, the vitest suites, the build, the browser tests, in that order,
// each run even when an earlier one failed (so one run shows every failure), and then one plain
// line counted from the runners' own JSON reports: `N passed, N failed, N skipped`. A step
// without a report (lint, typecheck, build) that fails counts as one failure. The exit code is
// non-zero when anything failed, or when a runner left no report (a run that tested nothing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const reports = resolve('test-results/reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const started = Date.now();
const failedSteps = [];
function step(name, cmd, args, env = {}) {
  console.log(`\n── ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  if (!ok) failedSteps.push(name);
  return ok;
}

step('lint', 'npm', ['run', '--silent', 'lint']);
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('unit and integration (vitest)', 'node', ['scripts/run-vitest.mjs'], { CERTDESK_TEST_REPORTS: reports });
const built = step('build', 'npm', ['run', '--silent', 'build']);
if (built) step('browser tests (playwright)', 'npx', ['playwright', 'test'], { CERTDESK_TEST_REPORTS: reports });
else console.log('── browser tests skipped: the build failed (they load the built app)');

let passed = 0;
let failed = 0;
let skipped = 0;
const counted = [];
for (const f of readdirSync(reports).filter((f) => f.endsWith('.json')).sort()) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(join(reports, f), 'utf8'));
  } catch {
    failed += 1;
    counted.push(`${f}: unreadable report (1 failure)`);
    continue;
  }
  if (f.startsWith('vitest')) {
    // A file that failed to load has no assertions: it counts as one failure.
    const broken = (doc.testResults ?? []).filter((t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0).length;
    passed += doc.numPassedTests;
    failed += doc.numFailedTests + broken;
    skipped += doc.numPendingTests + doc.numTodoTests;
    counted.push(`${f}: ${doc.numPassedTests} passed, ${doc.numFailedTests + broken} failed, ${doc.numPendingTests + doc.numTodoTests} skipped`);
  } else if (f.startsWith('playwright')) {
    const s = doc.stats;
    const errors = (doc.errors ?? []).length;
    passed += s.expected + s.flaky;
    failed += s.unexpected + errors;
    skipped += s.skipped;
    counted.push(`${f}: ${s.expected + s.flaky} passed (${s.flaky} flaky), ${s.unexpected + errors} failed, ${s.skipped} skipped`);
  }
}
const missingReports = [];
if (!existsSync(join(reports, 'vitest-main.json'))) missingReports.push('vitest');
if (built && !existsSync(join(reports, 'playwright.json'))) missingReports.push('playwright');
for (const m of missingReports) counted.push(`${m}: no report (the runner did not finish): 1 failure`);
failed += failedSteps.filter((s) => s === 'lint' || s === 'typecheck' || s === 'build').length + missingReports.length;

console.log(`\n── summary (${Math.round((Date.now() - started) / 1000)} s)`);
for (const c of counted) console.log(`   ${c}`);
if (failedSteps.length > 0) console.log(`   failed steps: ${failedSteps.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failedSteps.length > 0 ? 1 : 0);
