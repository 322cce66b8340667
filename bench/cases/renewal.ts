// A whole renewal and a status listing, CertDesk's CLI process against what an administrator
// would script with openssl, curl and the NSS tools. One bank simulator; a fresh account
// (inside the renewal window) and a fresh NSS db holding its identity for every run and side.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBank, type Bank } from '../../test/bank';
import { fillDb, makeBigDb } from '../../test/store/big-db';
import { composeCore } from '../../src/main/core/compose';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { certificates, keyObjects } from '../../src/main/core/store/pkcs11/objects';
import { missing, startSofthsm, startSwtpm, type TestToken } from '../../test/support/tokens';
import { compare, PhaseLog, row, run, sh, type BenchRow } from '../lib';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/certdesk.js');

interface World { bank: Bank; dir: string; policy: string; softwarePolicy: string; env: NodeJS.ProcessEnv; n: number; crowds: Map<number, string> }
interface Slot { dir: string; db: string; dataDir: string; nickname: string; account: string; password: string }

let world: World | undefined;

async function ensureCliBuilt(): Promise<void> {
  await run('npm', ['run', '--silent', 'build:cli'], { cwd: ROOT });
  if (!existsSync(join(ROOT, 'dist-cli/cli.js'))) throw new Error('npm run build:cli did not produce dist-cli/cli.js');
}

async function getWorld(): Promise<World> {
  if (world) return world;
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) throw new Error('no D-Bus session: run through `npm run bench` (it starts one with gnome-keyring)');
  await ensureCliBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-renew-'));
  const bank = await startBank({ dataDir: join(dir, 'bank'), port: 0 });
  const policy = join(dir, 'policy.json');
  writeFileSync(policy, JSON.stringify({ bankName: 'ベンチ銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, language: 'en' }));
  // The key made in CertDesk and imported (pk12util -i), sealed in the keychain meanwhile: the path before issue 16.
  const softwarePolicy = join(dir, 'policy-software.json');
  writeFileSync(softwarePolicy, JSON.stringify({ bankName: 'ベンチ銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, language: 'en', keyStorage: 'software' }));
  world = { bank, dir, policy, softwarePolicy, env: { ...process.env }, n: 0, crowds: new Map() };
  return world;
}

export async function closeWorld(): Promise<void> {
  if (!world) return;
  await world.bank.stop();
  rmSync(world.dir, { recursive: true, force: true });
  world = undefined;
}

/**
 * An NSS db of `n` other certificates (test/store/big-db: Japanese and ASCII nicknames,
 * shared nicknames, a few keys), made once per size; each slot starts from a copy.
 */
async function crowd(w: World, n: number): Promise<string> {
  const known = w.crowds.get(n);
  if (known) return known;
  const db = join(w.dir, `crowd-${n}`);
  mkdirSync(db);
  await run('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  fillDb(db, await makeBigDb(n));
  w.crowds.set(n, db);
  return db;
}

/** A fresh NSS db (empty, or a copy of a crowd of `crowded` certificates) holding a freshly seeded identity 20 days before expiry (renewable). */
async function slot(w: World, crowded = 0, withIdentity = true): Promise<Slot> {
  // An underscore keeps certutil -R's CN a UTF8String, as the bank wrote it (an ID of letters,
  // digits and '-' alone it would write as PrintableString, which the bank refuses: SUBJECT_MISMATCH).
  const account = `bench_${process.pid}_${w.n++}`;
  const dir = join(w.dir, account);
  const db = join(dir, 'nssdb');
  const dataDir = join(dir, 'data');
  mkdirSync(db, { recursive: true });
  mkdirSync(dataDir);
  const seeded = await w.bank.seedAccount(account, 20);
  if (crowded > 0) {
    const from = await crowd(w, crowded);
    for (const f of ['cert9.db', 'key4.db', 'pkcs11.txt']) copyFileSync(join(from, f), join(db, f));
  } else {
    await run('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  }
  if (withIdentity) await run('pk12util', ['-i', seeded.p12Path, '-d', `sql:${db}`, '-W', seeded.p12Password]);
  // The simulator names the PKCS#12 after the account (its friendly name): NSS keeps that nickname.
  const nickname = account;
  return { dir, db, dataDir, nickname, account, password: seeded.password };
}

/** The same work as `certdesk renew`, as a shell pipeline: less checking (no chain, key, EKU or subject verification). */
const PIPELINE = String.raw`
cd "$WORK"
DB="sql:$DBDIR"
# the current identity out of the store (curl needs PEM)
printf '%s' "$PW" > pw
pk12util -o old.p12 -n "$NICK" -d "$DB" -w pw >/dev/null
openssl pkcs12 -in old.p12 -passin file:pw -nodes -clcerts -out old.pem 2>/dev/null
OLDKEY=$(certutil -K -d "$DB" | sed -n 's/^<[ 0-9]*> [a-z]* *\([0-9a-f]*\).*/\1/p' | head -n1)
# key, request, EST simplereenroll with the current certificate
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out new.key 2>/dev/null
openssl req -new -key new.key -utf8 -subj "/C=JP/O=デモ信用金庫/OU=法人IB/CN=$ACCOUNT" -outform DER | base64 -w 64 > req.b64
curl -sS --fail --cacert "$ANCHOR" --cert old.pem --key old.pem -H 'Content-Type: application/pkcs10' -H 'Content-Transfer-Encoding: base64' --data-binary @req.b64 "$URL/simplereenroll" > resp.b64
base64 -d resp.b64 | openssl pkcs7 -inform DER -print_certs -out chain.pem
# into the store, then the old key and certificate out
openssl pkcs12 -export -inkey new.key -in chain.pem -name "$ACCOUNT" -passout file:pw -out new.p12
pk12util -i new.p12 -d "$DB" -w pw >/dev/null
certutil -F -k "$OLDKEY" -d "$DB"
`;

/**
 * The floor: the same renewal with NSS's own tools keeping the key in the db. certutil -R
 * makes the key in the db's token and signs the request there; tstclnt does the EST call
 * with the db's key (client-authenticated TLS; -o: the server certificate is not checked);
 * certutil -A adds the certificate (read from the PKCS#7 the bank returns); certutil -F
 * removes the old key with its certificate. No PKCS#12, no PBKDF2, no openssl.
 */
const NSS_FLOOR = String.raw`
cd "$WORK"
DB="sql:$DBDIR"
OLDKEY=$(certutil -K -d "$DB" | sed -n 's/^<[ 0-9]*> [a-z]* *\([0-9a-f]*\).*/\1/p' | head -n1)
head -c 64 /dev/urandom > noise
certutil -R -s "CN=$ACCOUNT,OU=法人IB,O=デモ信用金庫,C=JP" -k rsa -g 2048 -Z SHA256 -z noise -d "$DB" -o req.der >/dev/null 2>&1
base64 -w 64 req.der > req.b64
printf 'POST %s/simplereenroll HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/pkcs10\r\nContent-Transfer-Encoding: base64\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' "$ESTPATH" "$HOST" "$PORT" "$(wc -c < req.b64)" > http
cat req.b64 >> http
tstclnt -h "$HOST" -p "$PORT" -d "$DB" -n "$NICK" -o < http > resp 2>/dev/null
head -n1 resp | grep -q ' 200 '
sed '1,/^\r$/d' resp | base64 -d > chain.p7
certutil -A -n "$ACCOUNT" -t ',,' -i chain.p7 -d "$DB"
certutil -F -k "$OLDKEY" -d "$DB"
`;

/**
 * How to start the CLI: plain node, or for finding where the time goes (not for timing)
 * BENCH_CPU_PROF=DIR adds --cpu-prof and BENCH_STRACE=DIR records child processes.
 */
function cliCommand(tag: string): [string, string[]] {
  const node = process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  if (process.env.BENCH_STRACE) return ['strace', ['-f', '-tt', '-e', 'trace=execve,exit_group', '-o', join(process.env.BENCH_STRACE, `${tag}.strace`), process.execPath, ...node]];
  return [process.execPath, node];
}

function run2(cmd: [string, string[]], args: string[], opts: Parameters<typeof run>[2]) {
  return run(cmd[0], [...cmd[1], ...args], opts);
}

export async function renewal(runs: number): Promise<BenchRow> {
  return renewalRow(runs, 'renewal-whole', (w) => w.policy, 'ours: one `certdesk renew --store nss:DB --yes --json` process with keyStorage "store" (the default: the key made in the db\'s token through PKCS#11, CSR signed there, cacerts, EST simplereenroll with the identity exported from NSS, verification of key/chain/EKU/subject, the certificate put beside the key, read-back, old key+cert removed; no keychain); ref: sh pipeline pk12util -o, openssl pkcs12, certutil -K, openssl genpkey, openssl req, curl --cert/--key simplereenroll, base64 -d | openssl pkcs7, openssl pkcs12 -export, pk12util -i, certutil -F (no verification). Fresh seeded account + NSS db per run (setup untimed).');
}

/** The same, with keyStorage "software": the key made in CertDesk, sealed with the keychain's key, imported by pk12util -i. */
export async function renewalSoftware(runs: number): Promise<BenchRow> {
  return renewalRow(runs, 'renewal-software', (w) => w.softwarePolicy, 'ours: `certdesk renew` with keyStorage "software" (WebCrypto key, sealed in the journal with the keychain\'s key, temporary PKCS#12 + pk12util -i); ref: the same shell pipeline as renewal-whole.');
}

async function renewalRow(runs: number, name: string, policyOf: (w: World) => string, note: string, pipeline = PIPELINE): Promise<BenchRow> {
  const w = await getWorld();
  const phases = new PhaseLog();
  const r = await compare<Slot>({
    runs,
    setup: () => slot(w),
    ours: async (s) => {
      const at = PhaseLog.now();
      const res = await run2(cliCommand(s.account), [CLI, 'renew', '--policy', policyOf(w), '--store', `nss:${s.db}`, '--yes', '--json'], {
        env: { ...w.env, ...phases.env(), CERTDESK_DATA_DIR: s.dataDir },
        allowFail: true,
      });
      phases.add(at, res.stderr);
      const doc = JSON.parse(res.stdout || '{}') as { ok?: boolean; result?: { removedOld?: boolean } };
      if (res.code !== 0 || !doc.ok || !doc.result?.removedOld) throw new Error(`certdesk renew failed (${res.code}): ${res.stdout}${res.stderr}`);
    },
    ref: (s) => pipelineOnce(w, s, pipeline),
    teardown: async (s) => {
      try {
        await oneKeyLeft(s);
      } finally {
        rmSync(s.dir, { recursive: true, force: true });
      }
    },
  });
  return row(name, r.ours, r.ref, runs, note, phases.extra());
}

const DAY = 86_400_000;

/** A token of its own (softhsm2, or swtpm + tpm2-pkcs11 behind tpm2-abrmd), an empty NSS db, and the identity obtained (取得) into the token. */
interface TokenSlot extends Slot { token?: TestToken; tokenDir?: string }

const TOKEN_KINDS = {
  pkcs11: { tool: 'softhsm2', start: (d: string) => startSofthsm(d, 'CertDesk Card') },
  // The tpm policy names no token: Debian's tpm2-pkcs11 and the label "CertDesk" are the defaults.
  tpm: { tool: 'tpm', start: (d: string) => startSwtpm(d, 'CertDesk', { broker: true }) },
} as const;

/**
 * Our side's untimed setup: a fresh token and NSS db, and 取得 (the core's acquire) of a seeded
 * account (the IB administrator revoked its certificate, so 取得 is allowed) into the token,
 * the bank's clock 355 days back so the certificate is inside its renewal window now. Each run
 * has a token of its own: the bank renews only inside the window, and a renewed certificate is
 * valid a year, so one identity cannot be renewed run after run.
 */
async function tokenSlot(w: World, storage: 'pkcs11' | 'tpm', policy: string): Promise<TokenSlot> {
  const s: TokenSlot = await slot(w, 0, false);
  s.tokenDir = join(s.dir, 'token');
  s.token = await TOKEN_KINDS[storage].start(s.tokenDir);
  await w.bank.revokeByAdmin(s.account);
  // In this process, as test/custody's token-renewal-suite does: the command line checks its
  // clock against the bank's Date (at most a day apart), so it cannot obtain a year back.
  const clock = new Date(Date.now() - 355 * DAY);
  w.bank.setClock(clock);
  try {
    const core = await composeCore({ policyFile: policy, store: `nss:${s.db}`, env: { ...process.env, CERTDESK_DATA_DIR: s.dataDir }, emit: () => undefined, pin: async () => s.token!.pin, now: () => clock });
    const r = await core.service.acquire({ loginId: s.account, password: s.password });
    await core.settle();
    if (!r.ok) throw new Error(`取得 into the ${storage} token failed: ${JSON.stringify(r.error)}`);
  } finally {
    w.bank.setClock(null);
  }
  return s;
}

/** The whole renewal with the key in a PKCS#11 token (softhsm2) or a TPM (swtpm), against the same shell pipeline as renewal-whole. */
export async function renewalToken(runs: number, storage: 'pkcs11' | 'tpm'): Promise<BenchRow> {
  const why = missing(TOKEN_KINDS[storage].tool);
  if (why) throw new Error(`keyStorage ${storage} cannot run here: ${why}`);
  const w = await getWorld();
  const policy = join(w.dir, `policy-${storage}.json`);
  const pkcs11 = storage === 'pkcs11' ? { pkcs11: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'CertDesk Card' } } : {};
  writeFileSync(policy, JSON.stringify({ bankName: 'ベンチ銀行', endpoint: w.bank.url, trustAnchorFile: w.bank.trustAnchorPath, language: 'en', keyStorage: storage, ...pkcs11 }));
  const r = await compare<TokenSlot>({
    runs,
    setup: () => slot(w),
    setupOurs: () => tokenSlot(w, storage, policy),
    ours: async (s) => {
      const res = await run2(cliCommand(s.account), [CLI, 'renew', '--policy', policy, '--store', `nss:${s.db}`, '--pin-env', 'BENCH_PIN', '--yes', '--json'], {
        env: { ...w.env, ...s.token!.env, CERTDESK_DATA_DIR: s.dataDir, BENCH_PIN: s.token!.pin },
        allowFail: true,
      });
      const doc = JSON.parse(res.stdout || '{}') as { ok?: boolean; result?: { removedOld?: boolean } };
      if (res.code !== 0 || !doc.ok || !doc.result?.removedOld) throw new Error(`certdesk renew (${storage}) failed (${res.code}): ${res.stdout}${res.stderr}`);
    },
    ref: (s) => pipelineOnce(w, s, PIPELINE),
    teardown: async (s) => {
      try {
        if (s.token) {
          // Our side must leave exactly one identity in the token (the new one) with its key, and no key in the db.
          const t = s.token;
          const mine = await withModuleToken({ module: t.module, tokenLabel: t.label, pin: t.pin }, 'read', (x) =>
            certificates(x).filter((c) => !new X509Certificate(c.der).ca).map((c) => keyObjects(x, c.keyId).privateKeys.length));
          if (mine.length !== 1 || mine[0] !== 1) throw new Error(`after renewal the ${storage} token holds ${mine.length} identities (keys: ${mine.join(',')}), expected 1 with its key`);
        } else {
          await oneKeyLeft(s);
        }
      } finally {
        await s.token?.stop();
        rmSync(s.dir, { recursive: true, force: true });
      }
    },
  });
  return row(`renewal-${storage}`, r.ours, r.ref, runs, `ours: \`certdesk renew --pin-env\` with keyStorage "${storage}" (${storage === 'tpm' ? 'swtpm + tpm2-pkcs11 behind tpm2-abrmd' : 'softhsm2'}; key made in the token, CSR signed there, EST simplereenroll over TLS with the token's key through OpenSSL's pkcs11 engine, verification, certificate written beside the key, module registered in the NSS db, old identity removed from the token); setup (untimed): a fresh token and db, 取得 into it (in-process, clocks 355 days back); ref: the same shell pipeline as renewal-whole on a fresh seeded NSS db. Default key type (RSA 2048) on both sides.`);
}

/** The administrator's shell pipeline on the slot's db (the reference side of the renewal rows). */
async function pipelineOnce(w: World, s: Slot, pipeline: string): Promise<void> {
  const work = join(s.dir, 'pipeline');
  mkdirSync(work);
  const url = new URL(w.bank.url);
  await sh(pipeline, { ...w.env, WORK: work, DBDIR: s.db, NICK: s.nickname, ACCOUNT: s.account, PW: 'bench-pw', ANCHOR: w.bank.trustAnchorPath, URL: w.bank.url, HOST: url.hostname, PORT: url.port, ESTPATH: url.pathname });
}

/** Both sides must leave exactly one identity (the new one) with its key in the db. */
async function oneKeyLeft(s: Slot): Promise<void> {
  const keys = (await run('certutil', ['-K', '-d', `sql:${s.db}`], { allowFail: true })).stdout.split('\n').filter((l) => /^<\s*\d+>/.test(l));
  if (keys.length === 1) return;
  const certs = (await run('certutil', ['-L', '-d', `sql:${s.db}`], { allowFail: true })).stdout;
  throw new Error(`after renewal the db holds ${keys.length} keys, expected 1:\n${keys.join('\n')}\n${certs}`);
}

/** The whole renewal against NSS's own tools with the key kept in the db (the floor the issue names). */
export async function renewalNssFloor(runs: number): Promise<BenchRow> {
  return renewalRow(
    runs,
    'renewal-vs-nss-tools',
    (w) => w.policy,
    'ours: the same `certdesk renew` as renewal-whole (keyStorage "store"); ref: NSS\'s own tools keeping the key in the db: certutil -K (old key id), certutil -R (key made in the db, request signed there), tstclnt with the db\'s key POSTing simplereenroll (server certificate not checked: -o), certutil -A of the returned PKCS#7, certutil -F of the old key (no verification at all). Account IDs hold "_" so certutil writes the CN as UTF8String, as the bank does.',
    NSS_FLOOR,
  );
}

export async function status(runs: number): Promise<BenchRow> {
  const w = await getWorld();
  const s = await slot(w);
  const phases = new PhaseLog();
  try {
    const r = await compare({
      runs,
      setup: async () => undefined,
      ours: async () => {
        await statusOnce(w, s, phases);
      },
      ref: () => run('certutil', ['-L', '-d', `sql:${s.db}`]),
    });
    return row('status', r.ours, r.ref, runs,
      'ours: one `certdesk status --json` process (policy, store listing with keys and chain, phase rules); ref: one `certutil -L` on the same db (a bare listing).', phases.extra());
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
}

/** One `certdesk renew` on the slot's db, checked: renewed, old one removed. */
async function renewOnce(w: World, s: Slot): Promise<void> {
  const res = await run(process.execPath, [CLI, 'renew', '--policy', w.policy, '--store', `nss:${s.db}`, '--yes', '--json'], { env: { ...w.env, CERTDESK_DATA_DIR: s.dataDir }, allowFail: true });
  const doc = JSON.parse(res.stdout || '{}') as { ok?: boolean; result?: { removedOld?: boolean } };
  if (res.code !== 0 || !doc.ok || !doc.result?.removedOld) throw new Error(`certdesk renew failed (${res.code}): ${res.stdout}${res.stderr}`);
}

async function statusOnce(w: World, s: Slot, phases?: PhaseLog): Promise<void> {
  // The exit code tells the state (6: renewal open, which every slot is); ok and the identity listed are what must hold.
  const at = PhaseLog.now();
  const res = await run(process.execPath, [CLI, 'status', '--policy', w.policy, '--store', `nss:${s.db}`, '--json'], { env: { ...w.env, ...phases?.env(), CERTDESK_DATA_DIR: s.dataDir }, allowFail: true });
  phases?.add(at, res.stderr);
  const doc = JSON.parse(res.stdout || '{}') as { ok?: boolean; result?: { certificates?: unknown[] } };
  if (!doc.ok || !doc.result?.certificates?.length) throw new Error(`certdesk status failed (${res.code}): ${res.stdout}${res.stderr}`);
}

/**
 * `status` and `renew` on a db crowded with `n` other certificates against the same command
 * on a db holding the one identity (the bound: at most 2× at 100).
 */
export async function crowded(runs: number, sizes = [100, 500]): Promise<BenchRow[]> {
  const w = await getWorld();
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const crowdedSlot = await slot(w, n);
    const lone = await slot(w);
    try {
      const r = await compare({ runs, setup: async () => undefined, ours: () => statusOnce(w, crowdedSlot), ref: () => statusOnce(w, lone) });
      rows.push(row(`status-db${n}`, r.ours, r.ref, runs, `ours: \`certdesk status --json\` on an NSS db of ${n} other certificates (Japanese/ASCII nicknames, shared nicknames, keys for some) plus the identity; ref: the same command on a db of the identity alone.`));
    } finally {
      rmSync(crowdedSlot.dir, { recursive: true, force: true });
      rmSync(lone.dir, { recursive: true, force: true });
    }
  }
  for (const n of sizes) {
    // Each side gets a db of its own kind (setup is untimed and runs before either side).
    const r = await compare<{ crowded: Slot; lone: Slot }>({
      runs,
      setup: async () => ({ crowded: await slot(w, n), lone: await slot(w) }),
      ours: (s) => renewOnce(w, s.crowded),
      ref: (s) => renewOnce(w, s.lone),
      teardown: async (s) => {
        rmSync(s.crowded.dir, { recursive: true, force: true });
        rmSync(s.lone.dir, { recursive: true, force: true });
      },
    });
    rows.push(row(`renew-db${n}`, r.ours, r.ref, runs, `ours: \`certdesk renew --yes --json\` on an NSS db of ${n} other certificates plus the identity; ref: the same on a db of the identity alone. Fresh seeded account and db copy per run (setup untimed).`));
  }
  return rows;
}

/**
 * Issue 25 / 29: the core in its own process, as the app starts it (out/main/core-process.js,
 * a utilityProcess there, forked under Node here), from fork to its first answer (the overview
 * of the slot's db), against one `certdesk status --json` process on the same db.
 */
export async function coreProcess(runs: number): Promise<BenchRow> {
  const entry = join(ROOT, 'out/main/core-process.js');
  if (!existsSync(entry)) throw new Error('out/main/core-process.js is missing: run npm run build first');
  const { startCoreClient } = await import('../../src/main/app/core-client');
  const { forkCore } = await import('../../src/main/app/core-fork');
  const w = await getWorld();
  const s = await slot(w);
  const policy = join(s.dir, 'core-policy.json');
  writeFileSync(policy, JSON.stringify({ bankName: 'ベンチ銀行', endpoint: w.bank.url, trustAnchorFile: w.bank.trustAnchorPath, language: 'en', stores: [`nss:${s.db}`] }));
  try {
    const r = await compare({
      runs,
      setup: async () => undefined,
      ours: async () => {
        const core = startCoreClient(() => forkCore(entry, { env: { ...w.env, CERTDESK_DATA_DIR: s.dataDir }, execArgv: [] }), { mode: 'desktop', policyFile: policy, pinAsks: 3, chromium: false, versions: {} }, { event: () => undefined, log: () => undefined });
        const o = await core.service.getOverview();
        core.stop();
        if (!o.ok || o.value.certificates.length === 0) throw new Error(`the core process's overview failed: ${JSON.stringify(o)}`);
      },
      ref: () => statusOnce(w, s),
    });
    return row('core-process', r.ours, r.ref, runs,
      "ours: fork of the built core entry (the app's utilityProcess, under Node) to its first answer (getOverview: policy, store listing, phase rules); ref: one `certdesk status --json` process on the same db.");
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
}
