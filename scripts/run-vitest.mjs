// Runs the vitest suite the way CI must: inside a private D-Bus session with an unlocked
// gnome-keyring (the vault's Secret Service) and a private HOME (so ~/.pki/nssdb is the
// test's own), then the phase rules again under other time zones.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extra = process.argv.slice(2);
// Under scripts/test.mjs each vitest run also writes its JSON report there, for the summary line.
const reports = process.env.CERTDESK_TEST_REPORTS;
const report = (name) => (reports ? ['--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `vitest-${name}.json`)}`] : []);
const home = mkdtempSync(join(tmpdir(), 'certdesk-home-'));
const env = { ...process.env, HOME: home, TZ: 'UTC', XDG_DATA_HOME: join(home, '.local/share'), XDG_CONFIG_HOME: join(home, '.config') };
const vitest = ['node_modules/.bin/vitest', 'run', ...report('main'), ...extra].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
const inner = `printf 'certdesk-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${vitest}`;

function run(cmd, args, runEnv) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: runEnv });
  return r.status ?? 1;
}

let status;
const haveDbus = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon'], { stdio: 'ignore' }).status === 0;
if (haveDbus) {
  status = run('dbus-run-session', ['--', 'sh', '-c', inner], env);
} else {
  console.error('run-vitest: dbus-run-session or gnome-keyring-daemon missing (apt-get install dbus gnome-keyring); vault tests will fail');
  status = run('sh', ['-c', `exec ${vitest}`], env);
}
if (status === 0 && extra.length === 0) {
  for (const tz of ['Asia/Tokyo', 'Pacific/Honolulu', 'Pacific/Kiritimati']) {
    status = run('node_modules/.bin/vitest', ['run', ...report(`tz-${tz.replace('/', '-')}`), 'test/shared'], { ...env, TZ: tz });
    if (status !== 0) break;
  }
}
rmSync(home, { recursive: true, force: true });
process.exit(status);
