// The built command line when the bank fails while the renewal's key is made (issue 29's early
// key): `certdesk renew` and the scheduled `certdesk check` print the key's line as done and the
// bank's line (証明書要求の送信 / Send certificate request) as failed, in Japanese and English,
// for a closed port and for a bank answering 500 to cacerts; --json says the same error. The
// key made meanwhile is gone from the db (certutil -K).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEP_WORDS } from '../../src/shared/words';
import { startHostile, type Hostile } from '../faults/hostile-server';
import { certutil } from '../support/cli-world';
import { cliWorld } from '../support/cli-world-hooks';

const world = cliWorld('step-blame');
const CLOSED = 'https://127.0.0.1:9/.well-known/est';

async function keyCount(db: string): Promise<number> {
  const out = await certutil(['-K', '-d', `sql:${db}`]).catch(() => '');
  return out.split('\n').filter((l) => /^<\s*\d+>/.test(l)).length;
}

/** A PC whose certificate is due, its policy's endpoint `endpoint`, runs `args` in `lang`. */
async function failingRun(endpoint: string, lang: 'ja' | 'en', args: string[]) {
  const p = await world.pc({ policy: { endpoint, autoRenew: true }, args: ['--lang', lang] });
  const account = await world.bank.seedAccount(`blame${p.n}`, 20);
  await p.hold(account);
  const keys = await keyCount(p.db);
  const r = await p.certdesk(args);
  expect(await keyCount(p.db)).toBe(keys);
  return r;
}

/** The step lines as printed: the key's ✓, the bank's ✗, never ✗ on the key. */
function expectBankLine(stderr: string, lang: 'ja' | 'en'): void {
  const w = STEP_WORDS[lang];
  expect(stderr).toContain(`✓ ${w.generateKey}`);
  expect(stderr).toContain(`✗ ${w.send}`);
  expect(stderr).not.toContain(`✗ ${w.generateKey}`);
}

describe('the bank fails while the key is made: the bank step is told as failed', { timeout: 240_000 }, () => {
  for (const lang of ['ja', 'en'] as const) {
    it(`renew and check, bank unreachable (${lang})`, async () => {
      const renew = await failingRun(CLOSED, lang, ['renew', '--yes']);
      expect(renew.code).not.toBe(0);
      expectBankLine(renew.stderr, lang);
      const check = await failingRun(CLOSED, lang, ['check', '--no-notify']);
      expect(check.code).not.toBe(0);
      expectBankLine(check.stderr, lang);
      const json = await failingRun(CLOSED, lang, ['renew', '--yes', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    });
  }

  it('renew, the bank answering 500 to cacerts (ja and en; --json: SERVER_ERROR)', async () => {
    const hostile: Hostile = await startHostile(join(world.work, 'bank'));
    hostile.cacertsMode = 'error500';
    try {
      for (const lang of ['ja', 'en'] as const) {
        const r = await failingRun(hostile.url, lang, ['renew', '--yes']);
        expect(r.code).not.toBe(0);
        expectBankLine(r.stderr, lang);
      }
      const json = await failingRun(hostile.url, 'en', ['renew', '--yes', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'SERVER_ERROR' } });
      expect(hostile.enrolls).toBe(0);
    } finally {
      await hostile.stop();
    }
  });
});
