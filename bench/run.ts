// `npm run bench [-- --json] [--runs N] [--only a,b] [--rebuild]` (--only takes case names: see `cases`): CertDesk against the tools a
// user would otherwise script. Prints a table (or one JSON object per line with --json):
// {name, ours_ms, ref_ms, ratio, runs}, medians of the same run, warm-up excluded. BENCH_PHASES=1 adds,
// per renew/status row, the medians of CertDesk's own phases (bench/lib.ts PhaseLog).
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { BenchRow } from './lib';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    rebuild: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const runsOverride = values.runs ? Number(values.runs) : undefined;
const only = values.only ? new Set(values.only.split(',')) : null;

type Case = { name: string; runs: number; go: (runs: number) => Promise<BenchRow | BenchRow[]> };
const cases: Case[] = [
  { name: 'spawn', runs: 15, go: async (n) => (await import('./cases/crypto')).spawnFloor(n) },
  { name: 'keygen', runs: 15, go: async (n) => (await import('./cases/crypto')).keygen(n) },
  { name: 'csr', runs: 21, go: async (n) => (await import('./cases/crypto')).csr(n) },
  { name: 'renew', runs: 11, go: async (n) => (await import('./cases/renewal')).renewal(n) },
  { name: 'renew-software', runs: 11, go: async (n) => (await import('./cases/renewal')).renewalSoftware(n) },
  // The key in a token: softhsm2 (pkcs11) and swtpm behind tpm2-abrmd (tpm), each against the same shell pipeline.
  { name: 'renew-pkcs11', runs: 11, go: async (n) => (await import('./cases/renewal')).renewalToken(n, 'pkcs11') },
  { name: 'renew-tpm', runs: 11, go: async (n) => (await import('./cases/renewal')).renewalToken(n, 'tpm') },
  { name: 'renew-nss-tools', runs: 11, go: async (n) => (await import('./cases/renewal')).renewalNssFloor(n) },
  { name: 'status', runs: 11, go: async (n) => (await import('./cases/renewal')).status(n) },
  // The core's own process (issue 25): fork of the built entry to its first answer.
  { name: 'core-process', runs: 11, go: async (n) => (await import('./cases/renewal')).coreProcess(n) },
  // status-db100/500 and renew-db100/500: a crowded db against the one-identity db.
  { name: 'crowded', runs: 7, go: async (n) => (await import('./cases/renewal')).crowded(n) },
  { name: 'renderer', runs: 9, go: async (n) => (await import('./cases/renderer')).renderer(n, { rebuild: values.rebuild }) },
];

if (values.help) {
  console.log(`npm run bench [-- --json] [--runs N] [--only NAME,NAME] [--rebuild]\n  --only runs the named cases: ${cases.map((c) => c.name).join(', ')}\n  --runs N overrides each case's run count (warm-up excluded)`);
  process.exit(0);
}

// The CLI's vault needs a Secret Service: run inside a private D-Bus session with an
// unlocked gnome-keyring and a private HOME, as scripts/run-vitest.mjs does for the tests
// (a non-empty unlock password: with an empty one gnome-keyring creates no "login" collection).
if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.CERTDESK_BENCH_INNER) {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const home = mkdtempSync(join(tmpdir(), 'certdesk-bench-home-'));
  const quoted = [process.execPath, ...process.execArgv, ...process.argv.slice(1)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const inner = `printf 'certdesk-bench' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${quoted}`;
  const env = { ...process.env, HOME: home, CERTDESK_BENCH_INNER: '1', XDG_DATA_HOME: join(home, '.local/share'), XDG_CONFIG_HOME: join(home, '.config') };
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], { stdio: 'inherit', env });
  rmSync(home, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const rows: BenchRow[] = [];
const t0 = performance.now();
let failed = false;
for (const c of cases) {
  if (only && !only.has(c.name)) continue;
  try {
    const out = await c.go(runsOverride ?? c.runs);
    for (const r of Array.isArray(out) ? out : [out]) {
      rows.push(r);
      if (values.json) {
        const { name, ours_ms, ref_ms, ratio, runs, extra } = r;
        console.log(JSON.stringify({ name, ours_ms, ref_ms, ratio, runs, ...(extra ?? {}) }));
      }
    }
  } catch (err) {
    failed = true;
    const message = err instanceof Error ? err.message : String(err);
    const r: BenchRow = { name: c.name, ours_ms: null, ref_ms: null, ratio: null, runs: 0, note: `FAILED: ${message}` };
    rows.push(r);
    if (values.json) console.log(JSON.stringify({ name: r.name, ours_ms: null, ref_ms: null, ratio: null, runs: 0, error: message }));
    else console.error(`bench ${c.name} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
  }
}
await (await import('./cases/renewal')).closeWorld().catch(() => undefined);
const totalS = (performance.now() - t0) / 1000;

if (!values.json) {
  const pad = (s: string, n: number) => s.padEnd(n);
  const num = (x: number | null) => (x === null ? '—' : String(x));
  console.log(`CertDesk benchmarks — medians, warm-up excluded, both sides alternated; ${totalS.toFixed(1)} s total`);
  console.log(`${pad('name', 26)}${pad('ours_ms', 12)}${pad('ref_ms', 12)}${pad('ratio', 9)}runs`);
  for (const r of rows) console.log(`${pad(r.name, 26)}${pad(num(r.ours_ms), 12)}${pad(num(r.ref_ms), 12)}${pad(num(r.ratio), 9)}${r.runs}`);
  console.log('\nHow each row was measured (ratio = ours / ref; < 1 means CertDesk is faster):');
  for (const r of rows) {
    console.log(`- ${r.name}: ${r.note}`);
    if (r.extra) console.log(`    ${Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join('  ')}`);
  }
}
process.exitCode = failed ? 1 : 0;
