// Issue 23 item 4: the status file is never written through a link another user planted.
// As root (the tests run as root), a state folder chown'd to another uid holding links to a
// root-owned file: `certdesk status` refuses before doing anything (exit 1, the reason in
// words), and the root-owned file keeps its bytes. In a folder of our own the temporary file
// has a random name, is created new (O_EXCL) and never through a link (O_NOFOLLOW), and a link
// at status.json itself is replaced, not followed.
import { chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli';
import { unsafeStateFolder, UnsafeStateFolder, writeStatusFile, type RunRecord } from '../../src/main/cli/record';

const root = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'certdesk-record-owner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REC: RunRecord = { version: '0.1.0', time: '2026-11-28T10:00:00.000Z', command: 'status', exitCode: 0, state: 'ok' };
const PRECIOUS = 'root-owned: must keep these bytes\n';

/** A root-owned file, and a state folder owned by uid 4242 holding links to it under every name the old code used. */
function planted(name: string): { state: string; victim: string } {
  const base = join(dir, name);
  const state = join(base, 'certdesk');
  mkdirSync(state, { recursive: true });
  const victim = join(base, 'victim');
  writeFileSync(victim, PRECIOUS, { mode: 0o644 });
  for (const pid of [process.pid, ...Array.from({ length: 64 }, (_, i) => process.pid + i + 1)]) symlinkSync(victim, join(state, `status.json.${pid}.tmp`));
  chownSync(state, 4242, 4242);
  return { state, victim };
}

function io(env: Record<string, string | undefined>) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const stdin = new PassThrough();
  stdin.end();
  return { io: { stdout, stderr, stdin, env } as unknown as Parameters<typeof runCli>[1], text: () => ({ out, err }) };
}

describe.runIf(root)('the status file and a state folder another user owns (as root)', () => {
  it('writeStatusFile refuses the folder and writes nothing through the planted link', async () => {
    const { state, victim } = planted('direct');
    const err = await writeStatusFile(join(state, 'status.json'), REC).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeStateFolder);
    expect((err as Error).message).toContain('belongs to uid 4242');
    expect(readFileSync(victim, 'utf8')).toBe(PRECIOUS);
    expect(readdirSync(state).filter((f) => !f.endsWith('.tmp'))).toEqual([]);
  });

  it('certdesk status refuses before it runs: exit 1, INVALID_INPUT / STATE_FOLDER_NOT_OWNED in words, the root-owned file untouched', async () => {
    const { state, victim } = planted('cli');
    const t = io({ XDG_STATE_HOME: join(dir, 'cli'), HOME: dir, CERTDESK_DATA_DIR: join(dir, 'cli-data'), LANG: 'en_US.UTF-8' });
    const code = await runCli(['status', '--json', '--policy', join(dir, 'no-such-policy.json')], t.io);
    expect(code).toBe(1);
    const doc = JSON.parse(t.text().out) as { ok: boolean; error: { code: string; message: string; detail: Record<string, string> } };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('INVALID_INPUT');
    expect(doc.error.detail.reason).toBe('STATE_FOLDER_NOT_OWNED');
    expect(doc.error.message).toContain(state);
    expect(readFileSync(victim, 'utf8')).toBe(PRECIOUS);
    expect(readdirSync(state).some((f) => f === 'status.json')).toBe(false);

    const human = io({ XDG_STATE_HOME: join(dir, 'cli'), HOME: dir, LANG: 'ja_JP.UTF-8' });
    expect(await runCli(['status', '--policy', join(dir, 'no-such-policy.json')], human.io)).toBe(1);
    expect(human.text().err).toContain('状態ファイルのフォルダーが別のユーザーのもの');
    expect(readFileSync(victim, 'utf8')).toBe(PRECIOUS);
  });

  it('a root-owned folder under a folder another user owns is refused too (that user could swap it)', async () => {
    const base = join(dir, 'parent');
    mkdirSync(join(base, 'certdesk'), { recursive: true });
    chownSync(base, 4242, 4242);
    expect(await unsafeStateFolder(join(base, 'certdesk'))).toContain(`${base} belongs to uid 4242`);
    // Not made yet: judged by the nearest folder that exists.
    expect(await unsafeStateFolder(join(base, 'later', 'certdesk'))).toContain('belongs to uid 4242');
  });
});

describe('the status file in a folder of our own', () => {
  it('a random temporary name created new; a link at status.json is replaced, its target untouched', async () => {
    const state = join(dir, 'own', 'certdesk');
    mkdirSync(state, { recursive: true });
    const victim = join(dir, 'own', 'victim');
    writeFileSync(victim, PRECIOUS);
    symlinkSync(victim, join(state, 'status.json'));
    symlinkSync(victim, join(state, `status.json.${process.pid}.tmp`));
    await writeStatusFile(join(state, 'status.json'), REC);
    expect(readFileSync(victim, 'utf8')).toBe(PRECIOUS);
    expect(lstatSync(join(state, 'status.json')).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(join(state, 'status.json'), 'utf8'))).toMatchObject({ state: 'ok' });
    // Only the planted link is left beside it: the run's own temporary file was renamed away.
    expect(readdirSync(state).sort()).toEqual(['status.json', `status.json.${process.pid}.tmp`]);
    expect(await unsafeStateFolder(state)).toBeNull();
  });
});
