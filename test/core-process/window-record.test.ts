// Issue 25 item 4: the window leaves the record the command line leaves. The core in its own
// process (built entry, forked under Node), main's client, and app/window-record.ts as
// desktop.ts wires it: after a renewal from the window and after the daily check, the status
// file (read back as JSON) and the OS log entry — `logger` on Linux, `eventcreate` on Windows,
// the exact arguments the CLI's writer gives (Windows' tool cannot run here: its call is
// recorded). A cancelled renewal leaves none.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ProgressEvent } from '../../src/shared/contract';
import type { CoreCalls } from '../../src/main/app/core-client';
import { stateOfError } from '../../src/main/cli/verdict';
import { createWindowRecord } from '../../src/main/app/window-record';
import { EXIT } from '../../src/shared/error-policy';
import { eventCreateArgs, loggerArgs, statusFilePath, type RunRecord } from '../../src/main/cli/record';
import type { Bank } from '../bank';
import { bankInTemp, endBankInTemp, nssDbHolding } from '../support/bank-world';
import { ensureKeyring } from '../support/cli-world';
import { startNodeCore, type NodeCore } from '../support/node-core';

let root: string;
let bank: Bank;
const cores: NodeCore[] = [];

beforeAll(async () => {
  await ensureKeyring();
  ({ root, bank } = await bankInTemp('certdesk-window-record-'));
});
afterAll(async () => {
  for (const c of cores) c.stop();
  await endBankInTemp(root, bank);
});

async function world(name: string, host: Parameters<typeof startNodeCore>[0]['host'] = {}, policy: Record<string, unknown> = {}) {
  const dir = join(root, name);
  const db = join(dir, 'nssdb');
  const seeded = await bank.seedAccount(name, 20);
  nssDbHolding(db, seeded);
  const policyFile = join(dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ bankName: 'Record Bank', endpoint: bank.url, trustAnchorPem: bank.trustAnchorPem, language: 'en', stores: [`nss:${db}`], ...policy }));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const core = startNodeCore({ policyFile, env: { ...process.env, HOME: home, CERTDESK_DATA_DIR: join(dir, 'data') }, host });
  cores.push(core);
  return { seeded, home, core };
}

const readRecord = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as RunRecord;

describe('the window\'s record (status file, OS log)', { timeout: 180_000 }, () => {
  it('after a renewal from the window and after the daily check: the status file and logger\'s entry, as the CLI writes them', async () => {
    const w = await world('record-linux');
    const calls: Array<[string, string[]]> = [];
    const warnings: string[] = [];
    const env = { HOME: w.home };
    const rec = createWindowRecord({ version: '9.9.9', env, platform: 'linux', exec: async (file, args) => void calls.push([file, args]), warn: (l) => warnings.push(l) });
    const core = rec.wrap(w.core.client.service);
    const path = statusFilePath(env, 'linux')!;
    expect(path).toBe(join(w.home, '.local', 'state', 'certdesk', 'status.json'));

    const r = await core.renew(w.seeded.fingerprint);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const renewed = readRecord(path);
    expect(renewed).toMatchObject({ version: '9.9.9', command: 'renew', exitCode: 0, state: 'renewed', certificate: { fingerprint: r.ok ? r.value.certificate.sha256.replace(/:/g, '').toLowerCase() : '' } });
    expect(calls).toEqual([['logger', loggerArgs(renewed)]]);
    expect(calls[0]![1].at(-1)).toMatch(/^\[101\] CertDesk 9\.9\.9 command=renew exit=0 state=renewed sha256=[0-9a-f]{64} /);

    await rec.check(await w.core.client.service.getOverview());
    const checked = readRecord(path);
    expect(checked).toMatchObject({ command: 'check', exitCode: 0, state: 'ok', certificateCount: 1, certificate: { fingerprint: renewed.certificate!.fingerprint, phase: 'valid' } });
    expect(calls[1]).toEqual(['logger', loggerArgs(checked)]);
    expect(warnings).toEqual([]);
  });

  it('on Windows: eventcreate from System32 with the CLI\'s arguments, the file under %LOCALAPPDATA%; a cancelled renewal leaves nothing', async () => {
    let pending: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (pending = resolve));
    const w = await world('record-win', { event: (e, p) => e === 'progress' && (p as ProgressEvent).kind === 'pending' && pending() });
    const calls: Array<[string, string[]]> = [];
    const env = { LOCALAPPDATA: join(w.home, 'AppData'), SystemRoot: 'C:\\Windows' };
    expect(statusFilePath(env, 'win32')).toBe(`${env.LOCALAPPDATA}\\CertDesk\\status.json`);
    // On this Linux machine that path would be one file name in the current folder: the file goes into the world.
    const local = { ...env, CERTDESK_STATUS_FILE: join(w.home, 'status.json') };
    const recHere = createWindowRecord({ version: '9.9.9', env: local, platform: 'win32', exec: async (file, args) => void calls.push([file, args]), warn: () => undefined });

    bank.setPending(1, 600);
    const core = recHere.wrap(w.core.client.service);
    const run = core.renew(w.seeded.fingerprint);
    await waiting;
    expect((await w.core.client.service.cancel()).ok).toBe(true);
    expect(await run).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    bank.setPending(0);
    expect(existsSync(local.CERTDESK_STATUS_FILE)).toBe(false);
    expect(calls).toEqual([]);

    await recHere.check(await w.core.client.service.getOverview());
    const checked = readRecord(local.CERTDESK_STATUS_FILE);
    expect(checked).toMatchObject({ command: 'check', state: 'renewalOpen', exitCode: EXIT.renewalOpen });
    expect(calls).toEqual([['C:\\Windows\\System32\\eventcreate.exe', eventCreateArgs(checked)]]);
  });

  it('after a renewal, the new certificate as the core judges it: renewable inside a 400-day window, the overview\'s days left', async () => {
    // The bank's certificates live about 365 days: with this policy the new one is renewable at once.
    const w = await world('record-window-400', {}, { renewWindowDays: 400 });
    const env = { HOME: w.home };
    const rec = createWindowRecord({ version: '9.9.9', env, platform: 'linux', exec: async () => undefined, warn: () => undefined });
    const r = await rec.wrap(w.core.client.service).renew(w.seeded.fingerprint);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const renewed = readRecord(statusFilePath(env, 'linux')!);
    const overview = await w.core.client.service.getOverview();
    if (!overview.ok) throw new Error(JSON.stringify(overview.error));
    const listed = overview.value.certificates.find((c) => c.fingerprint === renewed.certificate!.fingerprint);
    expect(listed).toBeDefined();
    expect(renewed.certificate).toEqual({ fingerprint: listed!.fingerprint, notAfter: listed!.notAfter, expiryDate: listed!.expiryDate, daysLeft: listed!.daysLeft, phase: listed!.phase });
    expect(renewed.certificate!.phase).toBe('renewable');
  });
});

describe('the window\'s record of a failed renewal: the state the command line\'s record gives', () => {
  // What the window leaves no record for (nothing was done).
  const NOTHING_DONE = new Set(['CANCELLED', 'BUSY', 'INVALID_INPUT']);
  it.each(ERROR_CODES.filter((c) => !NOTHING_DONE.has(c)))('%s', async (code) => {
    const dir = join(root, `record-error-${code}`);
    mkdirSync(dir, { recursive: true });
    const env = { CERTDESK_STATUS_FILE: join(dir, 'status.json') };
    const rec = createWindowRecord({ version: '9.9.9', env, platform: 'linux', exec: async () => undefined, warn: () => undefined });
    // Only the failure's code matters here: the core answers it as its Result does.
    const failing = { renew: async () => ({ ok: false as const, error: { code, message: `failed with ${code}` } }) } as unknown as CoreCalls;
    await rec.wrap(failing).renew('ab'.repeat(32));
    expect(readRecord(env.CERTDESK_STATUS_FILE)).toMatchObject({ command: 'renew', state: stateOfError({ code }), lastError: code });
  });
});
