// The status file after renew and acquire (issue 28 item 4): the certificate it names is judged
// by the core's own rule, as `certdesk status` judges it right after, not assumed 'valid'. A
// policy whose window (400 days) is longer than the bank's certificates live (about 365) makes
// every new certificate renewable the day it is installed: the record must say so.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliWorld } from '../support/cli-world-hooks';

const world = cliWorld('record-certificate');

/** The status file's certificate, and what `status --json` says of the same certificate just after. */
async function recordAndStatus(p: Awaited<ReturnType<typeof world.pc>>) {
  const record = JSON.parse(await readFile(join(p.dir, 'state', 'certdesk', 'status.json'), 'utf8')) as { certificate: Record<string, unknown> };
  const status = JSON.parse((await p.certdesk(['status', '--json'])).stdout) as { result: { certificates: Array<Record<string, unknown>> } };
  const listed = status.result.certificates.find((c) => c.fingerprint === record.certificate.fingerprint);
  return { record: record.certificate, listed };
}

describe('the status file names the installed certificate as the core judges it', { timeout: 180_000 }, () => {
  it('renew: phase, days left and expiry date are the overview\'s (renewable inside a 400-day window)', async () => {
    const p = await world.pc({ policy: { renewWindowDays: 400 } });
    const account = await world.bank.seedAccount(`rc${p.n}`, 20);
    await p.hold(account);
    const r = await p.certdesk(['renew', '--yes', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { record, listed } = await recordAndStatus(p);
    expect(record.fingerprint).not.toBe(account.fingerprint);
    expect(listed).toBeDefined();
    expect(record).toEqual({ fingerprint: listed!.fingerprint, notAfter: listed!.notAfter, expiryDate: listed!.expiryDate, daysLeft: listed!.daysLeft, phase: listed!.phase });
    expect(record.phase).toBe('renewable');
  });

  it('acquire: the same', async () => {
    const p = await world.pc({ policy: { renewWindowDays: 400 } });
    const account = await world.bank.seedAccount(`rc${p.n}`, -5, 'pw-acquire');
    await p.hold(account);
    const r = await p.certdesk(['acquire', '--login-id', account.id, '--password-env', 'CD_PW', '--yes', '--json'], { CD_PW: 'pw-acquire' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const { record, listed } = await recordAndStatus(p);
    expect(listed).toBeDefined();
    expect(record).toEqual({ fingerprint: listed!.fingerprint, notAfter: listed!.notAfter, expiryDate: listed!.expiryDate, daysLeft: listed!.daysLeft, phase: listed!.phase });
    expect(record.phase).toBe('renewable');
  });
});
