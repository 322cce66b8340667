// What the composition root hands the command line, seen as a user sees it: a policy that
// fails while no --store is given is the CLI's own POLICY_INVALID (never Node's report of an
// unhandled rejection). The CLI bundle as a child process.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, rm, run, tempDir, writePolicy } from './helpers';

let work: string;
let cli: string;

beforeAll(async () => {
  work = await tempDir('certdesk-cli-wiring-');
  cli = await buildCliBundle('wiring');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(join(cli, '..'), { recursive: true, force: true });
});

const envFor = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, HOME: dir, CERTDESK_DATA_DIR: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), LANG: 'C' });

describe('compose → CLI', { timeout: 120_000 }, () => {
  it('a bad policy and no --store: POLICY_INVALID naming the field, exit 1, no unhandled rejection (text and --json)', async () => {
    const dir = join(work, 'bad');
    await run('mkdir', ['-p', dir]);
    const policy = await writePolicy(dir, { bankName: 'x', endpoint: 'https://bank.example/.well-known/est', trustAnchorPem: 'x', graceDays: 'ninety' });
    for (const command of ['status', 'doctor']) {
      const text = await run(process.execPath, [cli, command, '--lang', 'en', '--policy', policy], { env: envFor(dir) });
      expect(text.code, text.stderr).toBe(1);
      expect(text.stderr).toContain('[POLICY_INVALID]');
      expect(text.stderr).toContain('graceDays must be a number');
      expect(text.stderr).not.toMatch(/internal error|UnhandledPromiseRejection|at .*\.js:\d+/);

      const json = await run(process.execPath, [cli, command, '--json', '--policy', policy], { env: envFor(dir) });
      expect(json.code).toBe(1);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'POLICY_INVALID', detail: { field: 'graceDays', file: policy } });
    }
    // A policy file that is not there: the same, with the reason.
    const missing = await run(process.execPath, [cli, 'status', '--json', '--policy', join(dir, 'nowhere.json')], { env: envFor(dir) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('');
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'POLICY_INVALID', detail: { reason: 'MISSING' } });
  });
});
