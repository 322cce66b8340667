#!/usr/bin/env node
// `npm run demo`: the whole 更新 (renewal) path against the bank simulator, without
// touching your real certificate store.
//  1. starts the bank simulator (test/bank) on 127.0.0.1 with an account `demo` whose
//     certificate expires in 20 days (inside the 30-day renewal window);
//  2. writes .demo/policy.json and a demo NSS db .demo/nssdb holding that certificate;
//  3. starts the Electron app on that policy when Electron's binary is installed, or else
//     says so and walks the same path with the command line (status → renew → status).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, '.demo');
const nssdb = join(demo, 'nssdb');
const dataDir = join(demo, 'data');
const policyFile = join(demo, 'policy.json');
const say = (s = '') => process.stdout.write(`${s}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}
function must(cmd, args, what) {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')}):\n${r.stderr || r.stdout}`);
  return r.stdout;
}
/** Async: the bank simulator runs in this process and must keep answering meanwhile. */
function runAsync(cmd, args, opts) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: root, ...opts });
    child.on('error', fail);
    child.on('exit', (status) => done({ status }));
  });
}
function have(cmd) {
  return run('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

for (const tool of ['certutil', 'pk12util']) {
  if (!have(tool)) {
    say(`demo: ${tool} is missing. Install libnss3-tools (Debian/Ubuntu: sudo apt-get install libnss3-tools), then run npm run demo again.`);
    process.exit(1);
  }
}

// A fresh demo each time: the previous run's renewal would otherwise be outside the window.
rmSync(demo, { recursive: true, force: true });
mkdirSync(nssdb, { recursive: true });

// The bank simulator is TypeScript: load it through tsx.
const { register } = await import('tsx/esm/api');
register();
const { startBank } = await import(new URL('../test/bank/index.ts', import.meta.url).href);
const bank = await startBank({ dataDir: join(demo, 'bank'), port: 0 });
let bankStopped = false;
const stopBank = async () => {
  if (!bankStopped) {
    bankStopped = true;
    await bank.stop();
  }
};
process.on('SIGINT', () => void stopBank().then(() => process.exit(130)));

try {
  const account = await bank.seedAccount('demo', 20, 'demo-password');
  say(`demo: bank simulator at ${bank.url}`);
  say(`demo: account "demo" (password demo-password), certificate expires in 20 days: renewal is open.`);

  must('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password'], 'creating the demo NSS db');
  must('pk12util', ['-i', account.p12Path, '-d', `sql:${nssdb}`, '-W', account.p12Password], 'importing the demo certificate');
  say(`demo: demo NSS db ${nssdb} (your own ~/.pki/nssdb is not touched)`);

  const policy = {
    bankName: 'デモ銀行 (CertDesk demo)',
    endpoint: bank.url,
    trustAnchorFile: bank.trustAnchorPath,
    stores: [`nss:${nssdb}`],
    bankSiteUrl: `${bank.origin}/`,
    language: 'ja',
    reminderDays: [30, 10],
  };
  writeFileSync(policyFile, `${JSON.stringify(policy, null, 2)}\n`);
  say(`demo: policy ${policyFile}`);
  const env = { ...process.env, CERTDESK_DATA_DIR: dataDir };

  const require = createRequire(import.meta.url);
  let electronBinary = null;
  try {
    const p = require('electron'); // the path of the binary, or throws when it was never downloaded
    if (typeof p === 'string' && existsSync(p)) electronBinary = p;
  } catch {
    electronBinary = null;
  }

  if (electronBinary) {
    say('demo: building the app (electron-vite) …');
    must('npx', ['electron-vite', 'build'], 'building the app');
    say('demo: starting CertDesk. Click 「証明書更新」 to renew; close the window to end the demo.');
    const child = spawn(electronBinary, ['.'], { cwd: root, stdio: 'inherit', env: { ...env, CERTDESK_POLICY: policyFile } });
    await new Promise((done) => child.on('exit', done));
  } else {
    say('');
    say('demo: Electron\'s binary is not installed (node_modules/electron/dist is missing; it was');
    say('      installed with ELECTRON_SKIP_BINARY_DOWNLOAD). To get it on a machine that can');
    say('      download it:  npx electron install   (or: rm -rf node_modules/electron && npm install');
    say('      without ELECTRON_SKIP_BINARY_DOWNLOAD). Then npm run demo opens the app.');
    say('demo: meanwhile, the same renewal through the command line:');
    say('');
    await cliDemo(env);
  }
} catch (err) {
  say(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await stopBank();
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

async function cliDemo(env) {
  const built = join(root, 'dist-cli', 'cli.js');
  if (!existsSync(built) || statSync(built).mtimeMs < Math.max(newest(join(root, 'src/main')), newest(join(root, 'src/shared')))) {
    say('demo: building the command line (npm run build:cli) …');
    must(process.execPath, ['scripts/build-cli.mjs'], 'building the command line');
  }
  // The renewal journal's key goes to the OS keychain (Secret Service). Without a desktop
  // session there is none: use a private D-Bus session with a throw-away gnome-keyring.
  const needSession = !process.env.DBUS_SESSION_BUS_ADDRESS;
  if (needSession && !(have('dbus-run-session') && have('gnome-keyring-daemon'))) {
    throw new Error('no D-Bus session and no dbus-run-session/gnome-keyring-daemon to make one; install dbus and gnome-keyring, or run inside a desktop session');
  }
  if (needSession) say('demo: no desktop session: the keychain is a private, throw-away gnome-keyring under .demo/');
  else say('demo: the renewal journal key is kept in your keychain under the service "CertDesk"');
  const keyringHome = join(demo, 'keyring-home');
  // gnome-keyring makes its "login" collection only when unlocked with a non-empty password.
  mkdirSync(join(keyringHome, '.local/share/keyrings'), { recursive: true, mode: 0o700 });
  const common = ['--policy', policyFile, '--store', `nss:${nssdb}`];
  // Each step with the exit code it must end with (the table in certdesk --help): 6 = the
  // renewal is open, 0 = done and nothing due.
  const steps = [
    [['status', ...common], 6],
    [['renew', ...common, '--yes'], 0],
    [['status', ...common], 0],
  ];
  for (const [args, expected] of steps) {
    say(`$ certdesk ${args.join(' ')}`);
    const cli = ['bin/certdesk.js', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = needSession
      ? await runAsync('dbus-run-session', ['--', 'sh', '-c', `printf 'certdesk-demo' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec '${process.execPath}' ${cli} 2>&1`], {
          // A private HOME for the keyring, so nothing is written into yours.
          env: { ...env, HOME: keyringHome, XDG_DATA_HOME: join(keyringHome, '.local/share'), XDG_CONFIG_HOME: join(keyringHome, '.config') },
          stdio: ['ignore', 'inherit', 'ignore'],
        })
      : await runAsync(process.execPath, ['bin/certdesk.js', ...args], { env, stdio: 'inherit' });
    say(`(exit ${r.status})`);
    say('');
    if (r.status !== expected) throw new Error(`certdesk ${args[0]} ended with exit code ${r.status} (expected ${expected})`);
  }
  say('demo: done. The renewed certificate is in the demo NSS db:');
  say(must('certutil', ['-L', '-d', `sql:${nssdb}`], 'listing the demo NSS db'));
}
