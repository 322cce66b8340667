import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreError } from '../../src/main/core/errors';
import { Journal, openSealedKey, sealKey, type JournalRecord } from '../../src/main/core/renewal/journal';

const root = mkdtempSync(join(tmpdir(), 'certdesk-journal-'));
afterAll(() => {
  chmodSync(root, 0o700);
  rmSync(root, { recursive: true, force: true });
});

const rec = (step: JournalRecord['step']): JournalRecord => ({ version: 1, id: 'j1', operation: 'renew', step, startedAt: new Date().toISOString(), keyType: 'rsa2048' });

describe('journal', () => {
  it('replaces the record atomically, 0600, leaving no temp files', async () => {
    const j = new Journal(join(root, 'a'));
    expect(await j.read()).toBeNull();
    await j.write(rec('generateKey'));
    await j.write(rec('send'));
    expect((await j.read())?.step).toBe('send');
    expect(statSync(j.file).mode & 0o777).toBe(0o600);
    expect(readdirSync(j.dir)).toEqual(['renewal-journal.json']);
    await j.clear();
    expect(await j.read()).toBeNull();
  });

  it('a write is on disk before its promise is awaited, a clear likewise: a busy event loop cannot delay it (issue 29)', async () => {
    const j = new Journal(join(root, 'sync'));
    const w = j.write(rec('send'));
    expect(JSON.parse(readFileSync(j.file, 'utf8')).step).toBe('send');
    expect(readdirSync(j.dir)).toEqual(['renewal-journal.json']);
    await w;
    const c = j.clear();
    expect(existsSync(j.file)).toBe(false);
    await c;
  });

  it('a temp file left by a process killed mid-write is removed at the next read; a live process\'s is left (the kill harness found one)', async () => {
    const j = new Journal(join(root, 'stale'));
    await j.write(rec('send'));
    // A pid that ran and ended: a short child's.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = `renewal-journal.json.${dead}.${randomBytes(4).toString('hex')}.tmp`;
    const live = `renewal-journal.json.${process.ppid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(join(j.dir, stale), '{"version":1,"id":"half');
    writeFileSync(join(j.dir, live), '{}');
    writeFileSync(join(j.dir, 'someone-elses.tmp'), 'x');
    expect((await j.read())?.step).toBe('send');
    expect(readdirSync(j.dir).sort()).toEqual([live, 'renewal-journal.json', 'someone-elses.tmp'].sort());
  });

  it('a write into a read-only folder is JOURNAL_WRITE_FAILED and keeps the previous record', async () => {
    if (process.getuid?.() === 0) return; // root ignores the mode bits
    const j = new Journal(join(root, 'ro'));
    await j.write(rec('generateKey'));
    chmodSync(j.dir, 0o500);
    try {
      await expect(j.write(rec('send'))).rejects.toMatchObject({ code: 'JOURNAL_WRITE_FAILED' });
      expect((await j.read())?.step).toBe('generateKey');
    } finally {
      chmodSync(j.dir, 0o700);
    }
  });

  it('a damaged file is reported, not silently dropped', async () => {
    const j = new Journal(join(root, 'dmg'));
    await j.write(rec('send'));
    writeFileSync(j.file, '{"version":1,');
    await expect(j.read()).rejects.toMatchObject({ code: 'JOURNAL_WRITE_FAILED', detail: { reason: 'DAMAGED' } });
  });

  it('seals the key with AES-256-GCM bound to the journal id; a wrong key or id cannot open it', () => {
    const key = randomBytes(32);
    const pkcs8 = randomBytes(1200);
    const sealed = sealKey(key, 'j1', pkcs8);
    expect(Buffer.from(sealed.data, 'base64').equals(pkcs8)).toBe(false);
    expect(Buffer.from(openSealedKey(key, 'j1', sealed)).equals(pkcs8)).toBe(true);
    expect(() => openSealedKey(randomBytes(32), 'j1', sealed)).toThrow(CoreError);
    expect(() => openSealedKey(key, 'j2', sealed)).toThrow(/unsealed/);
  });

  it('the kill point fires only at the step CERTDESK_TEST_KILL_AT names', () => {
    const code = "import { killPoint } from './src/main/core/renewal/journal.ts'; killPoint('send'); console.log('alive'); killPoint('install'); console.log('not reached');";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { env: { ...process.env, CERTDESK_TEST_KILL_AT: 'install' }, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('alive');
    expect(r.signal).toBe('SIGKILL');
  });
});
