// The reminders end to end in one process: the core as the desktop app composes it (real
// policy file, real NSS db, real settings file) and the shell's notifier (Electron stubbed),
// at login, when the window lists the certificates, and on a later day while running, with
// "remind me at login" on and off. Each threshold is notified exactly once, whoever lists first.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { calls, resetCalls } from '../support/electron-stub';
import { startBank, type Bank } from '../bank';
import { importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';

vi.mock('electron', () => import('../support/electron-stub'));

const { desktopReminders } = await import('./desktop-reminders');
const { composeCore } = await import('../../src/main/core/compose');
const { openSettings } = await import('../../src/main/core/config');

const DAY = 86_400_000;
let bank: Bank;
let work: string;
let n = 0;

beforeAll(async () => {
  work = await tempDir('certdesk-reminders-composed-');
  bank = await startBank({ dataDir: join(work, 'bank') });
});
afterAll(async () => {
  await bank?.stop();
  chmodSync(work, 0o700);
  await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
  resetCalls();
});

/** A data folder, a policy naming an NSS db, and one bank certificate in it 40 days from expiry. */
async function setup(): Promise<{ policyFile: string; dataDir: string; notAfter: number }> {
  const dir = join(work, `r${++n}`);
  const db = join(dir, 'nssdb');
  await run('mkdir', ['-p', db]);
  await newNssDb(db);
  const account = await bank.seedAccount(`rem${n}`, 40, 'pw-rem');
  await importP12(db, account.p12Path, account.p12Password);
  const policyFile = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, stores: [`nss:${db}`] });
  const out = await run('openssl', ['x509', '-noout', '-enddate', '-dateopt', 'iso_8601'], { input: account.certPem });
  return { policyFile, dataDir: join(dir, 'data'), notAfter: Date.parse(out.stdout.split('=')[1]!.trim()) };
}

const thresholds = () => calls.notifications.map((x) => /あと (\d+) 日/.exec(x.options.body)?.[1]);

describe.each([true, false])('reminders with "remind me at login" %s', (atLogin) => {
  it('notifies 30 and 10 once each: at login, with the window open, on a later day, across restarts', { timeout: 120_000 }, async () => {
    const s = await setup();
    // Only Date is faked: the store tools and the bank keep real time.
    vi.useFakeTimers({ toFake: ['Date'] });
    // Noon JST on the JST day `d` days before the expiry day.
    const expiryJstDay = Math.floor((s.notAfter + 9 * 3_600_000) / DAY);
    const noonBefore = (d: number) => new Date((expiryJstDay - d) * DAY + 3 * 3_600_000);

    vi.setSystemTime(noonBefore(31));
    let app = await desktopReminders(s, atLogin);
    expect(thresholds()).toEqual([]);
    await app.close();

    // Started at login on E−30: the notifier's first check and the window's overview race.
    vi.setSystemTime(noonBefore(30));
    app = await desktopReminders(s, atLogin);
    await app.windowOverview();
    expect(thresholds()).toEqual(['30']);
    // The window opened first on a restart the same day: nothing new.
    await app.close();
    app = await desktopReminders(s, atLogin, { windowFirst: true });
    await app.windowOverview();
    expect(thresholds()).toEqual(['30']);

    // Still running on E−10: the daily check, then the window.
    vi.setSystemTime(noonBefore(10));
    await app.windowOverview();
    await app.dailyCheck();
    await app.windowOverview();
    expect(thresholds()).toEqual(['30', '10']);
    vi.setSystemTime(noonBefore(3));
    await app.dailyCheck();
    await app.close();
    expect(thresholds()).toEqual(['30', '10']);
    expect(calls.notifications.every((x) => x.shown)).toBe(true);
  });
});

describe('the command line takes no reminders', () => {
  it('a `status` on E−30 leaves the ledger alone; the desktop still notifies 30 afterwards', { timeout: 120_000 }, async () => {
    const s = await setup();
    vi.useFakeTimers({ toFake: ['Date'] });
    const expiryJstDay = Math.floor((s.notAfter + 9 * 3_600_000) / DAY);
    vi.setSystemTime(new Date((expiryJstDay - 30) * DAY + 3 * 3_600_000));
    // As cli/context composes it: no `remind`.
    const cli = await composeCore({ policyFile: s.policyFile, env: { ...process.env, CERTDESK_DATA_DIR: s.dataDir }, emit: () => undefined, recoverOnRead: false });
    const overview = await cli.service.getOverview();
    expect(overview.ok && overview.value.certificates[0]!.remindersDue).toEqual([30]);
    await cli.settle();
    expect(openSettings({ dir: s.dataDir }).get('remindersShown')).toEqual({});
    const app = await desktopReminders(s, true);
    await app.close();
    expect(thresholds()).toEqual(['30']);
  });
});
