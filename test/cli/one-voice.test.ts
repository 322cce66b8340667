// The command line in the window's voice (issue 26): `inspect` prints the facts the details
// screen shows — the shared formatter's lines for the certificate its --json gives, line for
// line, in both languages (the window's side: test/renderer/cert-facts.test.ts); `doctor` calls
// a certificate that is not yet due healthy.
import { describe, expect, it } from 'vitest';
import { factLines } from '../../src/shared/cert-facts';
import { cliWorld } from '../support/cli-world-hooks';

const world = cliWorld('one-voice');

/** A PC whose certificate expires in 200 days. */
async function notDue(name: string) {
  const p = await world.pc({ name });
  const account = await world.bank.seedAccount(name, 200);
  await p.hold(account);
  return { account, certdesk: (args: string[]) => p.certdesk(args) };
}

describe('one voice', { timeout: 120_000 }, () => {
  it('doctor: a certificate not yet due is healthy — every check ✓, the opening date beside it, passed: true, exit 0', async () => {
    const { certdesk } = await notDue('doctor');
    const j = await certdesk(['doctor', '--json', '--lang', 'ja']);
    expect(j.code, j.stdout).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 0, state: 'ok', result: { passed: true } });
    expect(doc.result.checks.map((c: { state: string }) => c.state)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
    expect(doc.result.checks[2]).toMatchObject({ id: 'identity', note: { code: 'NOT_YET_DUE', opensOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) } });
    for (const [lang, line] of [['ja', /✓ 現在の証明書と秘密鍵の確認: 更新期間前です（更新は\d{4}年\d{1,2}月\d{1,2}日から）/], ['en', /✓ Current certificate and private key: Not due yet \(renewal opens on [A-Z][a-z]{2} \d{1,2}, \d{4}\)/]] as const) {
      const r = await certdesk(['doctor', '--lang', lang]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(line);
      expect(r.stderr).not.toContain('✗');
    }
  });

  it('inspect prints every fact of the window, in its words and formats', async () => {
    const { account, certdesk: run_ } = await notDue('facts');
    const certdesk = (args: string[]) => run_(['inspect', ...args]);
    const details = JSON.parse((await certdesk(['--json'])).stdout).result;
    for (const lang of ['ja', 'en'] as const) {
      const r = await certdesk(['--lang', lang]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trimEnd().split('\n')).toEqual(factLines(details, lang));
    }
    const ja = (await certdesk(['--lang', 'ja'])).stdout;
    // Chain complete, key usage and CA: in the text, not only in --json.
    expect(ja).toMatch(/証明書チェーンが揃っている: はい/);
    expect(ja).toMatch(/鍵の用途: デジタル署名/);
    expect(ja).toMatch(/発行元（認証局）の証明書: いいえ/);
    expect(ja).toMatch(/有効期間の開始: \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2} JST/);
    expect(ja).toContain(`SHA-256 フィンガープリント: ${account.fingerprint.toUpperCase().match(/../g)!.join(':')}`);
  });
});
