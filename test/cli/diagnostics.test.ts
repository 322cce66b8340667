// The diagnostics export names the bank's helpdesk (issue 18): the policy's `support`, one fact
// a line, or where the bank lists its contact when the policy names none. A real bank, a real
// NSS db, the service as the app assembles it over Node's transport.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORT_NONE } from '../../src/shared/words';
import { englishSentences } from '../support/english';
import { loadPolicy } from '../../src/main/core/config';
import { openNssStore } from '../../src/main/core/store';
import { startBank, type Bank } from '../bank';
import { nodeService } from '../support/node-service';
import { ensureKeyring, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';

let bank: Bank;
let work: string;
let n = 0;

beforeAll(async () => {
  await ensureKeyring();
  work = await tempDir('certdesk-diag-');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  await rm(work, { recursive: true, force: true });
});

async function diagnostics(policyExtra: Record<string, unknown>): Promise<string> {
  const dir = join(work, `d${++n}`);
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const account = await bank.seedAccount(`diag${n}`, 100, 'pw-diag');
  await importP12(db, account.p12Path, account.p12Password);
  const loaded = await loadPolicy({ file: await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, ...policyExtra }) });
  const service = nodeService({ loaded, store: await openNssStore({ dbDir: db }), journalDir: join(dir, 'data') });
  const d = await service.getDiagnostics();
  if (!d.ok) throw new Error(d.error.message);
  return d.value.text;
}

describe('diagnostics: the helpdesk', { timeout: 120_000 }, () => {
  it('names the policy\'s helpdesk, one fact a line', async () => {
    const text = await diagnostics({ support: { name: 'テスト銀行 EBヘルプデスク', phone: '0120-000-000', hours: '平日 9:00〜17:00', email: 'eb-help@bank.example', url: 'https://bank.example/eb' } });
    expect(text).toContain('[helpdesk]\nname: テスト銀行 EBヘルプデスク\nphone: 0120-000-000\nhours: 平日 9:00〜17:00\nurl: https://bank.example/eb\nemail: eb-help@bank.example\n');
  });

  it('without one, says the contact is in the bank\'s internet banking documents', async () => {
    const text = await diagnostics({ language: 'en' });
    // The window's words for it (SUPPORT_NONE), not a wording of its own.
    expect(text).toContain(`[helpdesk]\nnot set in the policy: ${SUPPORT_NONE.en}\n`);
    expect(text).not.toContain('ご利用の手引き');
  });
});

describe('diagnostics: in the chosen language (issue 26)', { timeout: 120_000 }, () => {
  it('Japanese: words in Japanese, times in JST, the certificate\'s facts as the details screen shows them; machine keys unchanged', async () => {
    const text = await diagnostics({});
    if (process.env.CERTDESK_WALK_SHOW) console.log(text);
    expect(text).toMatch(/^CertDesk 診断情報\n作成日時: \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2} JST\n/);
    expect(text).toContain(`[helpdesk]\nポリシーに記載なし: ${SUPPORT_NONE.ja}`);
    // The section names and the listing's keys stay for scripts and tools.
    for (const key of ['[versions]', '[policy]', '[store]', '[journal]', '[last errors]', 'sha256=', 'phase=valid']) expect(text).toContain(key);
    expect(text).toMatch(/ {2}有効期間の終了: \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2} JST\n/);
    expect(text).toContain('  証明書チェーンが揃っている: はい\n');
    // No English sentence outside the policy's own values (JSON) and the version lines.
    const words = text.split('\n').filter((l) => !/^\w+: [[{"\d]/.test(l) && !l.startsWith('os: ')).join('\n');
    expect(englishSentences(words), words).toEqual([]);
    const en = await diagnostics({ language: 'en' });
    expect(en).toMatch(/^CertDesk diagnostics\ngenerated: [A-Z][a-z]{2} \d{1,2}, \d{4} \d{2}:\d{2}:\d{2} JST\n/);
    expect(en).toContain('  Chain complete: Yes\n');
  });
});
