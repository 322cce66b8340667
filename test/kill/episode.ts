// One kill episode: a PC with one bank certificate in its own NSS db (or in two, both named
// in the policy's `stores`, as a PC with Chromium's and Firefox's dbs), `certdesk renew` or
// `acquire` started as a process-group leader and killed (by itself at a kill point, or by
// the harness), then the next start's recovery and, where the first run did not finish, the
// same command again. Each run has its own TMPDIR and data folder, so whatever is left is
// this episode's. The verdict is read from the store (store-state.ts), the TMPDIR, the data
// folder and the bank, never from CertDesk's own report.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../../src/shared/error-policy';
import type { Bank } from '../bank';
import { importP12, newNssDb, run, writePolicy, type Run } from '../support/cli-world';
import { POINTS } from './cases';
import { describeStore, filesOnlyUnder, filesUnder, readStore, storeProblems, type StoreState } from '../support/store-state';

export type Operation = 'renew' | 'acquire';
export type KillSignal = 'SIGKILL' | 'SIGINT';

export interface KillCase {
  /** Stable within one seed: `renew/SIGKILL/point:send`, `acquire/SIGINT/window:+3.20ms`. */
  id: string;
  op: Operation;
  signal: KillSignal;
  kind: 'point' | 'tool' | 'write' | 'window' | 'random';
  /** The process signals its own group there (kill-points: a journal step or 'tool:N'). */
  at?: string;
  /** The harness signals the group `delayMs` after the kill log shows `point <after>`, or after the start ('start'). */
  after?: string;
  /** The harness signals the group as the db's Nth SQLite write transaction begins (its rollback journal appears). */
  write?: number;
  delayMs?: number;
  /** 2: two NSS dbs, both holding the old certificate, in the policy's `stores` (no --store); each judged. */
  dbs?: 1 | 2;
  /** Whose write transactions `write` counts: the first db's (default) or the second's. */
  writeDb?: 1 | 2;
}

export interface World {
  bank: Bank;
  cli: string;
  work: string;
  probe: string;
  /** `status --recover` where the CLI has it, else `status` (which recovered by itself before --recover existed). */
  recover: string[];
}

export interface Outcome {
  kase: KillCase;
  killed: boolean;
  /** The journal step on disk when the process died: 'start' (none yet), a step, 'done' (cleared), or 'finished' (not killed). */
  landed: string;
  /** The last kill-log line before the death: the point passed or the tool running. */
  lastEvent: string;
  problems: string[];
  /** What was found, for a broken case: the runs' output and the store. */
  report: string;
  /** The killed run's wall time (calibration: a whole run). */
  runMs: number;
  log: Array<{ ms: number; event: string }>;
  /** The db write transactions the killed run began (calibration: a whole run's). */
  writes: string[];
  /** The same, per db (two-db episodes: the second's too). */
  writesByDb: string[][];
}

let episodes = 0;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until every process of the group has gone, so that no tool still writes to the db when recovery starts. */
async function groupGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 3000; i++) {
    if (!groupAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  killGroup(pid, 'SIGKILL');
  return false;
}

function parseLog(text: string): Array<{ ms: number; event: string }> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const i = l.indexOf(' ');
      return { ms: Number(l.slice(0, i)), event: l.slice(i + 1) };
    });
}

interface KilledRun extends Run {
  ms: number;
  hung: boolean;
  /** Each db's SQLite write transactions the run began, in order: the file whose rollback journal appeared. */
  writes: string[][];
}

/**
 * Watches the db folder for SQLite rollback journals (`key4.db-journal`, `cert9.db-journal`):
 * one appears when a write transaction begins and goes at its commit, whoever writes (a tool
 * or the softoken inside CertDesk). Each name's create and delete events alternate.
 */
function watchWrites(dbDir: string, onWrite: (file: string, n: number) => void): () => void {
  const present = new Map<string, boolean>();
  let n = 0;
  const w = watch(dbDir, (event, name) => {
    if (event !== 'rename' || !name?.endsWith('-journal')) return;
    const now = !present.get(name);
    present.set(name, now);
    if (now) onWrite(name.slice(0, -'-journal'.length), ++n);
  });
  return () => w.close();
}

/** Starts the command as a group leader; the harness's own signal is armed as the case says. */
function startKilled(cmd: string[], env: NodeJS.ProcessEnv, paths: { log: string; dbs: string[] }, k: KillCase | undefined): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, cmd, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const writes: string[][] = paths.dbs.map(() => []);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const pid = p.pid!;
    const fireAt = (delayMs: number) => {
      const due = performance.now() + delayMs;
      const shoot = () => {
        // Sub-millisecond remainders: a short spin, since timers round up to whole milliseconds.
        while (performance.now() < due);
        killGroup(pid, k!.signal);
      };
      if (delayMs >= 2) setTimeout(shoot, Math.floor(delayMs) - 1);
      else shoot();
    };
    const stops = paths.dbs.map((db, i) =>
      watchWrites(db, (file, n) => {
        writes[i]!.push(file);
        if (k?.write === n && (k.writeDb ?? 1) === i + 1) killGroup(pid, k.signal);
      }),
    );
    const stopWrites = () => stops.forEach((stop) => stop());
    let watcher: ReturnType<typeof watch> | undefined;
    if (k?.after === 'start') fireAt(k.delayMs ?? 0);
    else if (k?.after) {
      const needle = `point ${k.after}\n`;
      let armed = false;
      const check = () => {
        if (armed) return;
        readFile(paths.log, 'utf8')
          .then((text) => {
            if (!armed && text.includes(needle)) {
              armed = true;
              watcher?.close();
              fireAt(k.delayMs ?? 0);
            }
          })
          .catch(() => undefined);
      };
      watcher = watch(paths.log, check);
    }
    // A process that outlives its signal by two minutes is hung: ended, and reported as such.
    const guard = setTimeout(() => {
      hung = true;
      killGroup(pid, 'SIGKILL');
    }, 120_000);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(guard);
      watcher?.close();
      stopWrites();
      void groupGone(pid).then((gone) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0, hung: hung || !gone, writes }));
    });
  });
}

async function journalStep(dataDir: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'renewal-journal.json'), 'utf8')) as { step?: string }).step ?? '?';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
}

/** The key the pending journal names (keyStorage "store": the key waits in the db's token for the resumed run), if any. */
async function journalKeyId(dataDir: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'renewal-journal.json'), 'utf8')) as { keyId?: string }).keyId ?? null;
  } catch {
    return null;
  }
}

/** A run in a line or two: the --json document's gist (fingerprints, recovery, error), else the raw text. */
function brief(r: Run): string {
  let gist: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, read field by field
    const j = JSON.parse(r.stdout) as { ok: boolean; result?: any; error?: { code: string; message: string } };
    const res = j.result ?? {};
    const fp = (f?: string) => (f ? `${f.slice(0, 16)}…` : '-');
    gist = j.ok
      ? [
          res.certificate ? `installed ${fp(res.certificate.sha256)}${res.replaced ? `, replaced ${fp(res.replaced)} (removed: ${res.removedOld})` : ''}` : '',
          res.certificates ? `lists [${(res.certificates as Array<{ fingerprint: string; hasPrivateKey: boolean }>).map((c) => `${fp(c.fingerprint)}${c.hasPrivateKey ? '+key' : ''}`).join(', ')}]` : '',
          res.recovered ? `recovered ${JSON.stringify(res.recovered)}` : '',
          res.unfinished ? `unfinished ${JSON.stringify(res.unfinished)}` : '',
        ].filter(Boolean).join('; ') || 'ok'
      : `error ${j.error?.code}: ${j.error?.message}`;
  } catch {
    gist = r.stdout.trim().slice(0, 800) || '(no output)';
  }
  const err = r.stderr.trim();
  return `exit ${r.code ?? r.signal}: ${gist}${err ? `\n    stderr: ${err.slice(0, 800)}` : ''}`;
}

/** Runs one episode; `k` undefined: a whole run without a kill (calibration). */
export async function episode(w: World, op: Operation, k: KillCase | undefined, name: string, dbCount: 1 | 2 = k?.dbs ?? 1): Promise<Outcome> {
  const dir = join(w.work, `${++episodes}-${name.replace(/[^A-Za-z0-9.+-]+/g, '_')}`);
  const db = join(dir, 'nssdb');
  // A second db (Firefox's, say) holding the same identity: the renewal writes both.
  const dbs = dbCount === 2 ? [db, join(dir, 'nssdb2')] : [db];
  const dataDir = join(dir, 'data');
  const tmp = join(dir, 'tmp');
  const logFile = join(dir, 'kill.log');
  for (const d of dbs) await mkdir(d, { recursive: true });
  await mkdir(tmp);
  await writeFile(logFile, '');
  for (const d of dbs) await newNssDb(d);
  const id = `k${episodes}-${process.pid}`;
  const password = `pw-${id}-secret`;
  // 取得: expired five days ago, inside the grace days; 更新: inside the renewal window.
  const account = await w.bank.seedAccount(id, op === 'acquire' ? -5 : 20, password);
  for (const d of dbs) await importP12(d, account.p12Path, account.p12Password);
  const policy = await writePolicy(dir, {
    bankName: 'テスト銀行',
    endpoint: w.bank.url,
    trustAnchorFile: w.bank.trustAnchorPath,
    ...(dbs.length > 1 ? { stores: dbs.map((d) => `nss:${d}`) } : {}),
  });
  const env: NodeJS.ProcessEnv = { ...process.env, CERTDESK_DATA_DIR: dataDir, TMPDIR: tmp, BANK_PW: password };
  for (const v of ['CERTDESK_TEST_KILL_AT', 'CERTDESK_TEST_KILL_SIGNAL', 'CERTDESK_TEST_KILL_GROUP', 'CERTDESK_TEST_KILL_LOG']) delete env[v];
  const opArgs = op === 'renew' ? ['renew', '--yes', '--json'] : ['acquire', '--login-id', id, '--password-env', 'BANK_PW', '--yes', '--json'];
  // Two dbs: the policy's `stores` names them (--store would replace the list with one).
  const argv = (args: string[]) => [w.cli, ...args, '--policy', policy, ...(dbs.length > 1 ? [] : ['--store', `nss:${db}`])];

  const killEnv: NodeJS.ProcessEnv = { ...env, CERTDESK_TEST_KILL_LOG: logFile };
  if (k?.at) Object.assign(killEnv, { CERTDESK_TEST_KILL_AT: k.at, CERTDESK_TEST_KILL_SIGNAL: k.signal, CERTDESK_TEST_KILL_GROUP: '1' });
  const first = await startKilled(argv(opArgs), killEnv, { log: logFile, dbs }, k);
  const issuedAtKill = w.bank.account(id)!.issued.length > 1;
  const log = parseLog(await readFile(logFile, 'utf8'));
  const killed = first.signal !== null || (first.code !== null && first.code >= 128);
  const step = await journalStep(dataDir);
  const landed = !killed ? 'finished' : (step ?? (log.some((e) => e.event === 'point done') ? 'done' : 'start'));
  const lastEvent = log.at(-1)?.event ?? '(nothing logged)';
  const tmpAfterKill = await filesUnder(tmp);
  const dbAfterKill = (await Promise.all(dbs.map(filesUnder))).map((files, i) => (dbs.length > 1 ? `db${i + 1}: ${files.join(', ')}` : files.join(', ')));

  const problems: string[] = [];
  const sections: string[] = [`case ${k?.id ?? name}: killed=${killed} landed=${landed} last event "${lastEvent}" (${first.ms.toFixed(0)} ms), bank issued by then: ${issuedAtKill}`, `  first run: ${brief(first)}`];
  if (first.hung) problems.push('the killed command (or a tool of its group) had not ended two minutes after the signal');
  if (k?.kind === 'point' && !killed) problems.push(`the kill point ${k.at} was never passed: the run finished without it`);
  // A kill point is where it says: the bank has answered from send:response on, not before.
  const issuedBy = POINTS.indexOf('send:response');
  // A store's own point (`install:store1`) is its step's.
  const stepOf = (at: string) => POINTS.indexOf(at.replace(/:store\d+$/, '') as (typeof POINTS)[number]);
  if (k?.kind === 'point' && killed && issuedAtKill !== stepOf(k.at!) >= issuedBy) {
    problems.push(`killed at ${k.at}, the bank had ${issuedAtKill ? '' : 'not '}issued yet`);
  }
  if (!k && !(first.code === 0)) problems.push('a run without a kill failed');
  // Ctrl-C is handled: no file the run wrote to TMPDIR is left when it ends. (An empty folder
  // whose mkdtemp the signal interrupted is the next start's sweep's.)
  const filesAfterKill = await filesOnlyUnder(tmp);
  if (killed && k?.signal === 'SIGINT' && filesAfterKill.length > 0) problems.push(`left in TMPDIR by the SIGINT'd run: ${filesAfterKill.join(', ')}`);

  /** A db's state and its problems at one stage; a db NSS cannot open is a problem too. Two dbs: each named (db1, db2). */
  const judgeDb = async (stage: string, db: string, i: number): Promise<StoreState | undefined> => {
    const where = dbs.length > 1 ? `db${i + 1}: ` : '';
    try {
      const state = await readStore(db, w.bank.issuingCaPem, w.probe);
      sections.push(`  store ${where}${stage}:\n${describeStore(state)}`);
      // A key the pending journal names is the interrupted request's, kept for the run that
      // finishes it (an interrupted 取得 waits for the login ID): not an orphan.
      const kept = await journalKeyId(dataDir);
      for (const p of storeProblems(state)) if (!(kept && p.startsWith(`orphan private key ${kept} `))) problems.push(`${stage}: ${where}${p}`);
      return state;
    } catch (err) {
      const message = (err as Error).message.trim();
      const files = await filesUnder(db);
      // SQLite rolls a hot journal back only on a read-write open: a reader opening read-only finds the db "bad".
      const journal = files.filter((f) => f.endsWith('-journal'));
      const hint = journal.length > 0 ? `; a SQLite hot journal is left (${journal.join(', ')}), which only a read-write open rolls back` : '';
      sections.push(`  store ${where}${stage}: ${message}; the db folder holds ${files.join(', ')}`);
      problems.push(`${stage}: ${where}certutil cannot read the NSS db (${/SEC_ERROR_\w+/.exec(message)?.[0] ?? 'error'})${hint}`);
      return undefined;
    }
  };
  const judge = async (stage: string): Promise<Array<StoreState | undefined>> => {
    const states: Array<StoreState | undefined> = [];
    for (const [i, d] of dbs.entries()) states.push(await judgeDb(stage, d, i));
    return states;
  };

  // Killed between the key's making and the journal's learning its ID: the case tests the
  // orphan's removal only if the key is there, under its working label, when recovery starts.
  // (A SIGINT'd run may remove it itself as it cancels: either way is right.)
  if (killed && k?.at === 'generateKey:keyMade' && k.signal === 'SIGKILL' && dbs.length === 1) {
    const keys = (await readStore(db, w.bank.issuingCaPem, w.probe).catch(() => undefined))?.keys ?? [];
    const labelled = keys.filter((key) => !key.paired && key.label.startsWith('CertDesk '));
    sections.push(`  keys after the kill: ${keys.map((key) => `${key.id} "${key.label}"`).join(', ')}`);
    if (labelled.length !== 1) problems.push(`after the kill at generateKey:keyMade the db holds ${labelled.length} keys labelled "CertDesk <journal id>" (expected 1)`);
  }

  let stage1: Array<StoreState | undefined> | undefined;
  if (killed) {
    const rec = await run(process.execPath, argv([...w.recover, '--json']), { env });
    sections.push(`  recovery (${w.recover.join(' ')}): ${brief(rec)}`);
    // status exits 6 (EXIT.renewalOpen) when the certificate it reports is due: after a kill
    // before the request went out, the rollback leaves the old one, in its window, as it was;
    // 4 (EXIT.useAcquire) while an interrupted 取得 waits for the login ID to finish it.
    const healthy: number[] = [0, op === 'renew' ? EXIT.renewalOpen : EXIT.useAcquire];
    if (!healthy.includes(rec.code ?? -1)) problems.push(`recovery (${w.recover.join(' ')}) exited ${rec.code ?? rec.signal}`);
    stage1 = await judge('after recovery');
    const left = await filesUnder(tmp);
    if (left.length > 0) problems.push(`left in TMPDIR after the next start: ${left.join(', ')}`);
  }

  // The first run finished if the bank issued and that certificate is the one in every db, with no journal pending.
  const bankAfter = w.bank.account(id)!;
  const finishedNow =
    bankAfter.issued.length > 1 &&
    stage1 !== undefined &&
    stage1.every((state) => state !== undefined && state.certificates.filter((c) => c.bankLeaf).map((c) => c.sha256).join() === bankAfter.currentFingerprint) &&
    (await journalStep(dataDir)) === null;
  if (killed && !finishedNow) {
    const again = await run(process.execPath, argv(opArgs), { env });
    sections.push(`  ${op} again: ${brief(again)}`);
    if (again.code !== 0) problems.push(`${op} again exited ${again.code ?? again.signal}`);
  }

  const final = await judge('at the end');
  const bank = w.bank.account(id)!;
  if (bank.issued.length > 2) problems.push(`the bank issued ${bank.issued.length - 1} certificates in one episode`);
  if (bank.issued.length < 2) problems.push('the bank never issued: the episode did not end renewed');
  for (const [i, state] of final.entries()) {
    const theDb = dbs.length > 1 ? `db${i + 1}` : 'the db';
    const leaves = state?.certificates.filter((c) => c.bankLeaf) ?? [];
    if (bank.issued.length >= 2 && !leaves.some((c) => c.sha256 === bank.currentFingerprint)) problems.push(`the bank's current certificate ${bank.currentFingerprint?.slice(0, 16)}… is not in ${theDb}`);
    if (leaves.some((c) => c.sha256 === account.fingerprint)) problems.push(`the superseded certificate is still in ${theDb}`);
  }
  const tmpEnd = await filesUnder(tmp);
  if (tmpEnd.length > 0) problems.push(`left in TMPDIR at the end: ${tmpEnd.join(', ')}`);
  const journalFiles = (await filesUnder(dataDir)).filter((f) => f.startsWith('renewal-journal.json'));
  if (journalFiles.length > 0) problems.push(`journal left in the data folder: ${journalFiles.join(', ')}`);
  sections.push(`  bank: issued ${bank.issued.map((f) => f.slice(0, 16)).join(', ')}; current ${bank.currentFingerprint?.slice(0, 16)}; seeded ${account.fingerprint.slice(0, 16)}`);
  sections.push(`  db writes begun: ${first.writes.map((ws) => ws.join(', ') || 'none').join(' / ')}; db folder after the kill: ${dbAfterKill.join(' / ')}`);
  sections.push(`  TMPDIR after the kill: ${tmpAfterKill.join(', ') || '(empty)'}; data folder: ${(await filesUnder(dataDir)).join(', ') || '(empty)'}`);
  sections.push(`  kill log tail: ${log.slice(-6).map((e) => `${e.ms.toFixed(1)} ${e.event}`).join(' | ')}`);

  return { kase: k ?? { id: name, op, signal: 'SIGKILL', kind: 'point' }, killed, landed, lastEvent, problems, report: sections.join('\n'), runMs: first.ms, log, writes: first.writes[0]!, writesByDb: first.writes };
}
