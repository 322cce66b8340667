// `npm run bank`: seeds, prints one JSON line, serves, logs without secrets, stops cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { certsFromEst, curl, makeCsr, openssl, subj, tempDir } from './tools';

let child: ChildProcess;
let stderr = '';
let info: { url: string; trustAnchor: string; identities: Record<string, { p12: string; password: string }>; accounts: Record<string, { password: string }> };
let tmp: Awaited<ReturnType<typeof tempDir>>;
const SECRET = 'Sekret-パス-42';

beforeAll(async () => {
  tmp = await tempDir();
  child = spawn(process.execPath, ['--import', 'tsx', 'test/bank/cli.ts', '--data', `${tmp.dir}/data`, '--port', '0',
    '--seed', `renewer:20:${SECRET}`, '--seed', 'expired:-5', '--seed', `moved:40:${SECRET}`, '--admin-revoked', 'moved', '--account', `newbie:${SECRET}`,
    '--clock', '2026-06-01T03:00:00Z', '--pending', '1', '--retry-after', '3', '--label', 'ib'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const line = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`bank exited ${code}: ${stderr}`)));
  });
  info = JSON.parse(line) as typeof info;
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await tmp?.remove();
});

describe('npm run bank', () => {
  it('prints the URL, the anchor and the seeded identities', async () => {
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\.well-known\/est\/ib$/);
    expect(existsSync(info.trustAnchor)).toBe(true);
    expect(Object.keys(info.identities).sort()).toEqual(['expired', 'moved', 'renewer']);
    const p12 = info.identities.renewer!;
    const dump = await openssl(['pkcs12', '-in', p12.p12, '-passin', `pass:${p12.password}`, '-nokeys', '-clcerts']);
    expect(dump).toContain('CN = renewer');
    expect(info.accounts.newbie?.password).toBe(SECRET);
  });

  it('serves with the given clock and pending count, and logs each request without secrets', async () => {
    const id = info.identities.renewer!;
    const csr = await makeCsr(tmp.dir, 'renewer', subj('renewer'), 'rsa');
    const send = () => curl(`${info.url}/simplereenroll`, { anchor: info.trustAnchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', p12: { path: id.p12, password: id.password } });
    const first = await send();
    expect(first.status).toBe(202);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.headers.date).toBe('Mon, 01 Jun 2026 03:00:00 GMT');
    const second = await send();
    expect(second.status).toBe(200);
    expect(await certsFromEst(second.body)).toHaveLength(1);
    const acquire = await makeCsr(tmp.dir, 'expired', subj('expired'));
    const wrong = await curl(`${info.url}/simpleenroll`, { anchor: info.trustAnchor, method: 'POST', body: acquire.csrB64, contentType: 'application/pkcs10', user: `newbie:${SECRET}x` });
    expect(wrong.status).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toMatch(/POST \/\.well-known\/est\/ib\/simplereenroll 202 account=renewer/);
    expect(stderr).toMatch(/POST \/\.well-known\/est\/ib\/simplereenroll 200 account=renewer/);
    expect(stderr).toMatch(/simpleenroll 401 account=- reason=AUTH_FAILED/);
    expect(stderr).not.toContain(SECRET);
    expect(stderr).not.toContain(id.password);
  });

  it('seeds an account whose IB administrator revoked its certificate: 取得 works while it is still valid', async () => {
    const csr = await makeCsr(tmp.dir, 'moved', subj('moved'));
    const r = await curl(`${info.url}/simpleenroll`, { anchor: info.trustAnchor, method: 'POST', body: csr.csrB64, contentType: 'application/pkcs10', user: `moved:${SECRET}` });
    expect(r.status).toBe(200);
    expect(await certsFromEst(r.body)).toHaveLength(1);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await new Promise<number | null>((ok) => {
      child.once('exit', (c) => ok(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM, stopping');
  });
});
