// No key file survives a death: real child processes write a key file into a private folder
// and are signalled while it exists; what a SIGKILL leaves, the next start's sweep removes,
// and nothing else: not a live process's folder, not another user's, not a symlink.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrivateDir } from '../../src/main/core/store/temp';
import { ownerTag } from '../../src/main/core/store/temp-owner';
import { sweepStaleDirs } from '../../src/main/core/store/temp-sweep';

let work: string;
let child: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'certdesk-temp-test-'));
  const entry = join(work, 'child.ts');
  // Writes a key and its password file, says where, then waits to be signalled (or exits, when told).
  writeFileSync(
    entry,
    `import { withPrivateDir } from ${JSON.stringify(join(import.meta.dirname, '../../src/main/core/store/temp'))};
const [root, how] = process.argv.slice(2);
await withPrivateDir(root, async (dir) => {
  await dir.write('identity.p12', new Uint8Array(2048).fill(7));
  await dir.write('p12.pw', 'secret');
  process.stdout.write('ready ' + dir.path + '\\n');
  if (how === 'exit') process.exit(3);
  await new Promise(() => setInterval(() => undefined, 1000));
});
`,
  );
  child = join(work, 'child.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: child, logLevel: 'silent' });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function freshRoot(name: string): string {
  const root = join(work, name);
  mkdirSync(root);
  return root;
}

/** Starts the child and resolves once its key file is on disk. */
function startHolder(root: string, how = 'wait'): Promise<{ p: ChildProcess; dir: string; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const p = spawn(process.execPath, [child, root, how], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => p.on('close', (code, signal) => ok({ code, signal })));
  return new Promise((ok, fail) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)\n/.exec(out);
      if (m) ok({ p, dir: m[1]!, ended });
    });
    p.on('error', fail);
    void ended.then((e) => fail(new Error(`child ended before it was ready: ${JSON.stringify(e)} ${out}`)));
  });
}

/** A pid that no process holds now: a child that has ended. */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0']);
  await new Promise((ok) => p.on('close', ok));
  return p.pid!;
}

describe('private folders and signals', { timeout: 30_000 }, () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: the key file and its folder are removed, and the process ends as the signal would', async (signal) => {
    const root = freshRoot(`sig-${signal}`);
    const { p, dir, ended } = await startHolder(root);
    expect(readdirSync(dir).sort()).toEqual(['identity.p12', 'p12.pw']);
    expect(dir).toMatch(new RegExp(`/certdesk-${p.pid}-\\d+-[A-Za-z0-9]{6}$`));
    p.kill(signal);
    expect(await ended).toEqual({ code: null, signal });
    expect(readdirSync(root)).toEqual([]);
  });

  it('process.exit inside the folder: removed on the way out', async () => {
    const root = freshRoot('exit');
    const { ended } = await startHolder(root, 'exit');
    expect(await ended).toEqual({ code: 3, signal: null });
    expect(readdirSync(root)).toEqual([]);
  });

  it('SIGKILL leaves the folder (nothing can run); the next start sweeps it', async () => {
    const root = freshRoot('kill');
    const { p, dir, ended } = await startHolder(root);
    p.kill('SIGKILL');
    expect((await ended).signal).toBe('SIGKILL');
    expect(readdirSync(dir)).toContain('identity.p12');
    const r = await sweepStaleDirs(root);
    expect(r.removed).toEqual([dir]);
    expect(readdirSync(root)).toEqual([]);
  });

  it("a live process's folder is left alone", async () => {
    const root = freshRoot('live');
    const { p, dir, ended } = await startHolder(root);
    const r = await sweepStaleDirs(root);
    expect(r).toEqual({ removed: [], kept: [dir] });
    expect(readdirSync(dir)).toContain('identity.p12');
    p.kill('SIGTERM');
    await ended;
  });

  it("this process's own folder is left alone while in use; removed after", async () => {
    const root = freshRoot('own');
    await withPrivateDir(root, async (dir) => {
      await dir.write('export.p12', 'k');
      expect((await sweepStaleDirs(root)).kept).toEqual([dir.path]);
      expect(existsSync(join(dir.path, 'export.p12'))).toBe(true);
    });
    expect(readdirSync(root)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('a reused pid (live, started later than the folder says) does not protect the folder', async () => {
    const root = freshRoot('reused');
    // This process's pid with another start time: a folder of an earlier process that had our pid.
    const [pid] = ownerTag().split('-');
    const stale = join(root, `certdesk-${pid}-1-abcDEF`);
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(join(stale, 'identity.p12'), 'k');
    const other = join(root, `certdesk-${process.ppid}-1-abcDEF`);
    mkdirSync(other, { mode: 0o700 });
    expect((await sweepStaleDirs(root)).removed.sort()).toEqual([other, stale].sort());
  });

  it("an older version's PIN folder (certdesk-pin-XXXXXX, the token's PIN in a file) is removed whatever its age; another user's and a link are not", async () => {
    const root = freshRoot('pin');
    const young = join(root, 'certdesk-pin-Ab12Cd');
    mkdirSync(young, { mode: 0o700 });
    writeFileSync(join(young, 'pin'), '5678', { mode: 0o600 });
    const target = join(work, 'pin-link-target');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    const link = join(root, 'certdesk-pin-Linked');
    symlinkSync(target, link);
    const theirs = join(root, 'certdesk-pin-Theirs');
    mkdirSync(theirs, { mode: 0o700 });
    const uid = process.getuid?.();
    if (uid === 0) chownSync(theirs, 65534, 65534);
    const r = await sweepStaleDirs(root);
    expect(r.removed.sort()).toEqual((uid === 0 ? [young] : [theirs, young]).sort());
    expect(r.kept.sort()).toEqual((uid === 0 ? [link, theirs] : [link]).sort());
    expect(existsSync(join(target, 'keep'))).toBe(true);
  });

  it("another user's folder, a symlink and names not ours are left alone; an old unowned folder is removed, a young one kept", async () => {
    const root = freshRoot('mixed');
    const dead = await deadPid();
    const theirs = join(root, `certdesk-${dead}-1-Theirs`);
    mkdirSync(theirs, { mode: 0o700 });
    writeFileSync(join(theirs, 'identity.p12'), 'k');
    const uid = process.getuid?.();
    if (uid === 0) chownSync(theirs, 65534, 65534);

    const target = join(work, 'link-target');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    const link = join(root, `certdesk-${dead}-1-Linked`);
    symlinkSync(target, link);

    const unrelated = join(root, 'certdesk-cli-e2e-abc123');
    mkdirSync(unrelated);
    const oldUnowned = join(root, 'certdesk-OldOne');
    const youngUnowned = join(root, 'certdesk-Young1');
    mkdirSync(oldUnowned);
    writeFileSync(join(oldUnowned, 'export.p12'), 'k');
    mkdirSync(youngUnowned);
    const twoHoursAgo = (Date.now() - 2 * 3600_000) / 1000;
    utimesSync(oldUnowned, twoHoursAgo, twoHoursAgo);

    const r = await sweepStaleDirs(root);
    // Not root: the "other user's" folder could not be given away, it is ours and its owner is dead.
    expect(r.removed.sort()).toEqual((uid === 0 ? [oldUnowned] : [oldUnowned, theirs]).sort());
    expect(r.kept.sort()).toEqual((uid === 0 ? [link, theirs, youngUnowned] : [link, youngUnowned]).sort());
    expect(existsSync(join(target, 'keep'))).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    if (uid === 0) expect(existsSync(join(theirs, 'identity.p12'))).toBe(true);
  });

  it('a missing temporary folder is no error', async () => {
    expect(await sweepStaleDirs(join(work, 'nowhere'))).toEqual({ removed: [], kept: [] });
  });
});
