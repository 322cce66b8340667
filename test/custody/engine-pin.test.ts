// The token's PIN on its way to OpenSSL's pkcs11 engine (keyStorage "pkcs11", softhsm2,
// through the built command line): `certdesk renew --pin-env` presents the token's key to the
// bank, and no file under TMPDIR holds the PIN at any moment (every change there is read with
// the process stopped, see pin-watch.ts) nor anywhere in the episode's folders afterwards; the
// engine loads only the policy's module, so stderr carries no line of tpm2-pkcs11 or of its
// D-Bus TCTI; a PIN folder an older CertDesk left behind is removed at the next start.
// The kills while the engine logs in are the kill harness's (test/kill/token-kill.test.ts).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankServer } from '../bank/server';
import { buildCliBundle, rm, run, tempDir } from '../cli/helpers';
import { engineEpisode, PROBE_PIN, tokenContents, watchedRun, type EngineEpisode, type WatchedRun } from './engine-episode';
import { filesHolding } from './pin-watch';
import { missing } from './tokens';

const why = missing('softhsm2');
(why ? describe.skip : describe)('the PIN given to OpenSSL pkcs11 engine', { timeout: 240_000 }, () => {
  let work: string;
  let cli: string;
  let bank: BankServer;
  let ep: EngineEpisode;
  let renewal: WatchedRun;

  beforeAll(async () => {
    work = await tempDir('certdesk-engine-pin-');
    cli = await buildCliBundle('engine-pin');
    bank = await BankServer.start({ dataDir: join(work, 'bank') });
    ep = await engineEpisode({ cli, bank, work, name: 'renew' });
    renewal = await watchedRun(ep, ['renew', '--yes', '--json', '--pin-env', 'TOKEN_PIN']);
  });
  afterAll(async () => {
    await bank?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    if (cli) await rm(join(cli, '..'), { recursive: true, force: true });
  });

  it('a renewal through the engine writes the PIN to no file: none under TMPDIR while it runs, none in any folder after', async () => {
    expect(renewal.code, renewal.stdout + renewal.stderr).toBe(0);
    const fp: string = JSON.parse(renewal.stdout).result.certificate.sha256;
    expect(await tokenContents(ep)).toEqual({ certificates: [fp], privateKeys: 1 });
    expect(renewal.watch.held, `entries seen under TMPDIR: ${renewal.watch.seen.join(', ')}`).toEqual([]);
    expect(filesHolding(ep.tmp, PROBE_PIN)).toEqual([]);
    // The token's own files, the db, the data folder, the policy: nothing holds the PIN's bytes.
    expect(filesHolding(ep.dir, PROBE_PIN)).toEqual([]);
    expect(renewal.stdout + renewal.stderr).not.toContain(PROBE_PIN);
  });

  it("the engine loads only the policy's module: no tpm2-pkcs11 or D-Bus line on stderr", () => {
    expect(renewal.code).toBe(0);
    expect(renewal.stderr).not.toMatch(/tpm ctx|tpm2|TCTI|CRITICAL|dbus/i);
  });

  it('a PIN folder an older CertDesk left in TMPDIR (certdesk-pin-XXXXXX) is removed at the next start', async () => {
    const stale = join(ep.tmp, 'certdesk-pin-Ab12Cd');
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(join(stale, 'pin'), PROBE_PIN, { mode: 0o600 });
    const status = await run(process.execPath, ep.argv(['status', '--json']), { env: ep.env });
    expect([0, 6], status.stdout + status.stderr).toContain(status.code);
    expect(existsSync(stale)).toBe(false);
    expect(filesHolding(ep.dir, PROBE_PIN)).toEqual([]);
  });
});
