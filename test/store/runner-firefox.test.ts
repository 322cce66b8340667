import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandRunner, findFirefoxProfileDbs } from '../../src/main/core/store';

const work = mkdtempSync(join(tmpdir(), 'certdesk-runner-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('CommandRunner', () => {
  it('passes arguments as an array: no shell ever sees them', async () => {
    const run = createCommandRunner();
    const marker = join(work, 'pwned');
    const r = await run('printf', ['%s|', `a b; touch ${marker}`, '$(id)', '*']);
    expect(r).toEqual({ code: 0, stdout: `a b; touch ${marker}|$(id)|*|`, stderr: '' });
    expect(() => execFileSync('test', ['-e', marker])).toThrow();
  });

  it('feeds stdin, adds env, reports a non-zero exit without throwing', async () => {
    const run = createCommandRunner();
    expect((await run('cat', [], { input: 'secret-in-stdin' })).stdout).toBe('secret-in-stdin');
    expect((await run('sh', ['-c', 'printf %s "$CERTDESK_X"'], { env: { CERTDESK_X: 'via-env' } })).stdout).toBe('via-env');
    expect(await run('sh', ['-c', 'echo oops >&2; exit 3'])).toEqual({ code: 3, stdout: '', stderr: 'oops\n' });
  });

  it('missing tool and hang are typed errors', async () => {
    const run = createCommandRunner({ timeoutMs: 300 });
    await expect(run('certdesk-no-such-tool', [])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'TOOL_MISSING' } });
    await expect(run('sleep', ['20'])).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'TOOL_TIMEOUT' } });
  });
});

describe('Firefox profiles', () => {
  it('reads profiles.ini: relative and absolute paths, only profiles with a cert9.db', async () => {
    const home = join(work, 'home');
    const ff = join(home, '.mozilla', 'firefox');
    const abs = join(work, 'elsewhere', 'abs.profile');
    for (const d of [join(ff, 'a1.default-release'), join(ff, 'b2.empty'), abs]) mkdirSync(d, { recursive: true });
    writeFileSync(join(ff, 'a1.default-release', 'cert9.db'), '');
    writeFileSync(join(abs, 'cert9.db'), '');
    writeFileSync(
      join(ff, 'profiles.ini'),
      `[Install4F96D1932A9F858E]\r\nDefault=a1.default-release\r\n\r\n[Profile1]\r\nName=empty\r\nIsRelative=1\r\nPath=b2.empty\r\n\r\n[Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=a1.default-release\r\nDefault=1\r\n\r\n[Profile2]\r\nName=abs\r\nIsRelative=0\r\nPath=${abs}\r\n\r\n[General]\r\nStartWithLastProfile=1\r\nVersion=2\r\n`,
    );
    expect(await findFirefoxProfileDbs({ home })).toEqual([join(ff, 'a1.default-release'), abs]);
    expect(await findFirefoxProfileDbs({ home: join(work, 'nobody') })).toEqual([]);
  });
});
