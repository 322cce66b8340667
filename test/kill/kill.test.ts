// The kill harness (issue 14): `certdesk renew` and `certdesk acquire` (取得) killed at every
// journal step, inside store-tool runs, inside the removal of the old certificate and at
// spread-out times, with a process-group SIGKILL and with SIGINT (what Ctrl-C sends to the
// foreground group); then the next start recovers and, where needed, the command runs again.
// Also a renewal into two dbs named by the policy's `stores`, killed at each store's points and
// inside the second db's removal, every db judged.
// Every episode must end with exactly one usable bank identity with its key (the bank's
// current certificate), no orphan key, no CA trusted for anything, no file in TMPDIR, no
// journal, and at most one certificate issued by the bank.
//
//   CERTDESK_KILL_FULL=1     every step and tool run × both signals × both operations, 100+
//                            kills aimed inside the removal window, 40 at random times
//   CERTDESK_KILL_SEED=N     another seed for the tool picks and timed kills (printed every run)
//   CERTDESK_KILL_ONLY=TEXT  only the cases whose id contains TEXT (a failure's id, with its seed)
//   CERTDESK_KILL_CLI=FILE   a CLI bundle built elsewhere (another commit) instead of this tree's
//   CERTDESK_KILL_KEEP=1     keep every episode's db, data folder, TMPDIR and kill log (the path is printed)
// Every assertion is on a state, never on a duration: a slower machine moves where a timed kill
// lands (each case prints where), not whether the case passes.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBank, type Bank } from '../bank';
import { buildCliBundle, certutil, ensureKeyring, importP12, newNssDb, rm, run, tempDir } from '../support/cli-world';
import { calibrationOf, plan, planTwoDbs, type Calibration } from './cases';
import { episode, type Operation, type Outcome, type World } from './episode';
import { makeServerProbe, readStore, storeProblems } from '../support/store-state';
import { summary } from './summary';

const FULL = process.env.CERTDESK_KILL_FULL === '1';
const SEED = process.env.CERTDESK_KILL_SEED ? Number(process.env.CERTDESK_KILL_SEED) : 20_140;
const ONLY = process.env.CERTDESK_KILL_ONLY;
if (!Number.isInteger(SEED)) throw new Error(`CERTDESK_KILL_SEED must be a whole number, got "${process.env.CERTDESK_KILL_SEED}"`);

await ensureKeyring();
const work = await tempDir('certdesk-kill-');
let cli = '';
let bank: Bank | undefined;
const cleanUp = async () => {
  await bank?.stop();
  if (process.env.CERTDESK_KILL_KEEP === '1') console.log(`kill harness: episodes kept in ${work}`);
  else await rm(work, { recursive: true, force: true });
  if (cli && !process.env.CERTDESK_KILL_CLI) await rm(join(cli, '..'), { recursive: true, force: true });
};

// A whole run of each operation, unkilled, with the kill log: how many tool runs, how wide the removal window is.
const calibrationRuns: Outcome[] = [];
const calibration = {} as Record<Operation, Calibration>;
/** A whole renewal into two dbs: its writes are the second db's. */
let calibrationTwoDbs: Calibration;
let world: World;
try {
  cli = process.env.CERTDESK_KILL_CLI ?? (await buildCliBundle('kill'));
  bank = await startBank({ dataDir: join(work, 'bank') });
  const probe = await makeServerProbe(join(work, 'bank'), work);
  const help = await run(process.execPath, [cli, 'status', '--help']);
  world = { bank, cli, work, probe, recover: help.stdout.includes('--recover') ? ['status', '--recover'] : ['status'] };
  for (const op of ['renew', 'acquire'] as const) {
    const o = await episode(world, op, undefined, `calibrate-${op}`);
    calibrationRuns.push(o);
    calibration[op] = calibrationOf(o.log, o.runMs, o.writes);
  }
  const two = await episode(world, 'renew', undefined, 'calibrate-renew+2dbs', 2);
  calibrationRuns.push(two);
  calibrationTwoDbs = calibrationOf(two.log, two.runMs, two.writesByDb[1] ?? []);
} catch (err) {
  // The hooks below never run when the file fails here.
  await cleanUp();
  throw err;
}
const cases = [...plan({ seed: SEED, full: FULL, calibration }), ...planTwoDbs({ full: FULL, calibration: calibrationTwoDbs })].filter((c) => !ONLY || c.id.includes(ONLY));
const header = [
  `kill harness: seed ${SEED} (CERTDESK_KILL_SEED), ${FULL ? 'full run' : 'subset (CERTDESK_KILL_FULL=1 for the full run)'}, ${cases.length} cases, recovery: certdesk ${world.recover.join(' ')}`,
  ...(['renew', 'acquire'] as const).map(
    (op) => `  ${op}: ${calibration[op].tools.length} tool runs (${calibration[op].tools.map((t, i) => `${i + 1} ${t}`).join(', ')}); ${calibration[op].writes.length} db writes (${calibration[op].writes.join(', ')}); removal window ${calibration[op].windowMs.toFixed(1)} ms, tools ${calibration[op].windowTools.join(',') || 'none'}; whole run ${calibration[op].runMs.toFixed(0)} ms`,
  ),
  `  renew into two dbs: db2's ${calibrationTwoDbs.writes.length} writes (${calibrationTwoDbs.writes.join(', ')}); whole run ${calibrationTwoDbs.runMs.toFixed(0)} ms`,
].join('\n');
console.log(header);

const outcomes: Outcome[] = [];
const started = performance.now();

afterAll(async () => {
  console.log(summary(outcomes, `${header}\n  ${outcomes.length} episodes in ${((performance.now() - started) / 1000).toFixed(0)} s`));
  await cleanUp();
});

describe('kill harness: the store judged after every kill', { timeout: 300_000 }, () => {
  it('the store checks find a trusted bank CA, a server certificate it signs, a missing certificate and an orphan key', async () => {
    const db = join(work, 'control');
    await run('mkdir', ['-p', db]);
    await newNssDb(db);
    const account = await world.bank.seedAccount(`control-${process.pid}`, 20);
    await importP12(db, account.p12Path, account.p12Password);
    expect(storeProblems(await readStore(db, world.bank.issuingCaPem, world.probe))).toEqual([]);

    const ca = (await readStore(db, world.bank.issuingCaPem, world.probe)).certificates.find((c) => c.isCa)!;
    await certutil(['-M', '-d', `sql:${db}`, '-n', ca.nickname, '-t', 'CT,,']);
    const trusted = storeProblems(await readStore(db, world.bank.issuingCaPem, world.probe));
    expect(trusted.some((p) => p.includes('trust CT,,'))).toBe(true);
    expect(trusted.some((p) => p.includes('passes vfychain -u 1'))).toBe(true);

    const leaf = (await readStore(db, world.bank.issuingCaPem, world.probe)).certificates.find((c) => c.bankLeaf)!;
    await certutil(['-D', '-d', `sql:${db}`, '-n', leaf.nickname]);
    const orphan = storeProblems(await readStore(db, world.bank.issuingCaPem, world.probe));
    expect(orphan).toContain('0 bank certificates in the db (expected exactly one)');
    expect(orphan.some((p) => p.startsWith('orphan private key'))).toBe(true);
  });

  it.each(calibrationRuns.map((o) => [o.kase.id, o] as const))('%s: a whole run without a kill ends clean', (_id, o) => {
    expect(o.problems, o.report).toEqual([]);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const o = await episode(world, c.op, c, c.id);
    outcomes.push(o);
    expect(o.problems, `seed ${SEED}, ${o.report}`).toEqual([]);
  });

  it.runIf(FULL && !ONLY)('the full run killed at least 100 times inside the removal window (the journal at removeOld when the process died)', () => {
    const inside = outcomes.filter((o) => o.landed === 'removeOld');
    expect(inside.length, `SIGKILL ${inside.filter((o) => o.kase.signal === 'SIGKILL').length}, SIGINT ${inside.filter((o) => o.kase.signal === 'SIGINT').length}`).toBeGreaterThanOrEqual(100);
  });
});
