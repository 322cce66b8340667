// The command line's V8 code cache (scripts/cli-loader.mjs): written after a real run, 0600 in a
// 0700 folder of the user's; never read from a file or folder someone else owns or can write, nor
// through a planted link; a damaged cache is rejected by V8 and rewritten; off with
// CERTDESK_CODE_CACHE=0. The cache is code: these are the ways another user could choose it.
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, run, tempDir } from '../support/cli-world';

let cli: string;
let work: string;
const OTHER_UID = 4242;

beforeAll(async () => {
  cli = await buildCliBundle('code-cache');
  work = await tempDir('certdesk-code-cache-');
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A private HOME; the cache lands in HOME/.cache/certdesk/code-cache. */
async function home(name: string): Promise<{ home: string; cache: string; env: NodeJS.ProcessEnv }> {
  const h = join(work, name);
  mkdirSync(h, { mode: 0o700 });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: h, LANG: 'C.UTF-8' };
  return { home: h, cache: join(h, '.cache', 'certdesk', 'code-cache'), env };
}

const help = (env: NodeJS.ProcessEnv) => run(process.execPath, [cli, '--help'], { env });
const files = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bin')) : []);

describe('the command line\'s code cache', () => {
  it('is written after the first run, 0600 in a 0700 folder, and read by the next (the same output)', async () => {
    const h = await home('first');
    const first = await help(h.env);
    expect(first.code, first.stderr).toBe(0);
    const [bin] = files(h.cache);
    expect(bin).toMatch(/^[0-9a-f]{24}-other\.bin$/);
    expect(statSync(join(h.cache, bin!)).mode & 0o777).toBe(0o600);
    expect(statSync(h.cache).mode & 0o777).toBe(0o700);
    const before = statSync(join(h.cache, bin!)).mtimeMs;
    const second = await help(h.env);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe('');
    // Accepted: not rewritten.
    expect(statSync(join(h.cache, bin!)).mtimeMs).toBe(before);
  });

  it('is named by the bundle\'s SHA-256 the build wrote into the loader (no hashing at start), the same name the unbuilt loader computes', async () => {
    const loader = readFileSync(cli, 'utf8');
    const built = /const BUILT_SHA256 = '([0-9a-f]{64})';/.exec(loader)?.[1];
    expect(built).toBe(createHash('sha256').update(readFileSync(join(dirname(cli), 'certdesk.cjs'))).digest('hex'));
    const name = `${createHash('sha256').update(built!).update(process.version).update(process.arch).digest('hex').slice(0, 24)}-other.bin`;
    const h = await home('named');
    await help(h.env);
    expect(files(h.cache)).toEqual([name]);
    // The loader as written in scripts/ (no hash in it) hashes the bundle itself: the same cache.
    const raw = join(dirname(cli), 'cli-unbuilt.js');
    copyFileSync(join(import.meta.dirname, '../../scripts/cli-loader.mjs'), raw);
    const again = await run(process.execPath, [raw, '--help'], { env: h.env });
    expect(again.code, again.stderr).toBe(0);
    expect(files(h.cache)).toEqual([name]);
  });

  it('a damaged cache is rejected by V8, the command still runs, and the cache is rewritten', async () => {
    const h = await home('damaged');
    await help(h.env);
    const [bin] = files(h.cache);
    writeFileSync(join(h.cache, bin!), Buffer.alloc(4096, 0x41), { mode: 0o600 });
    const r = await help(h.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: certdesk');
    expect(readFileSync(join(h.cache, bin!)).subarray(0, 16).equals(Buffer.alloc(16, 0x41))).toBe(false);
  });

  it('a cache file owned by another user, or writable by the group, is not read (replaced by our own)', async () => {
    for (const tamper of ['owner', 'group-writable'] as const) {
      const h = await home(`tamper-${tamper}`);
      await help(h.env);
      const [bin] = files(h.cache);
      const file = join(h.cache, bin!);
      // The planted cache: garbage V8 would reject anyway, so what shows is whether it was even opened —
      // the replacement comes from our own write after the run, owned by us and 0600.
      writeFileSync(file, Buffer.alloc(1024, 0x42));
      if (tamper === 'owner') chownSync(file, OTHER_UID, OTHER_UID);
      else chmodSync(file, 0o664);
      const r = await help(h.env);
      expect(r.code, r.stderr).toBe(0);
      const st = statSync(file);
      expect(st.uid).toBe(process.getuid!());
      expect(st.mode & 0o777).toBe(0o600);
    }
  });

  it('a planted link at the cache\'s name is not followed: its target is untouched', async () => {
    const h = await home('link');
    await help(h.env);
    const [bin] = files(h.cache);
    const file = join(h.cache, bin!);
    const target = join(work, 'victim.txt');
    writeFileSync(target, 'root-owned precious file\n');
    rmSync(file);
    symlinkSync(target, file);
    const r = await help(h.env);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('root-owned precious file\n');
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
  });

  it('a cache folder owned by another user, or a HOME that is not ours (sudo with HOME kept), is neither read nor written', async () => {
    const h = await home('foreign-folder');
    mkdirSync(h.cache, { recursive: true, mode: 0o700 });
    chownSync(h.cache, OTHER_UID, OTHER_UID);
    expect((await help(h.env)).code).toBe(0);
    expect(files(h.cache)).toEqual([]);

    const other = await home('foreign-home');
    chownSync(other.home, OTHER_UID, OTHER_UID);
    expect((await help(other.env)).code).toBe(0);
    expect(existsSync(join(other.home, '.cache'))).toBe(false);
  });

  it('CERTDESK_CODE_CACHE=0 writes nothing', async () => {
    const h = await home('off');
    expect((await help({ ...h.env, CERTDESK_CODE_CACHE: '0' })).code).toBe(0);
    expect(existsSync(join(h.home, '.cache'))).toBe(false);
  });
});
