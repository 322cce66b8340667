// The PIN never reaches a terminal or the journal (issue 23's follow-up): OpenSSL's pkcs11
// engine (libp11 0.4.12, eng_back.c ctx_load_object) prints its key URI, the pin-value in it,
// on stderr whenever it cannot load the key ("The private key was not found at: pkcs11:…;
// pin-value=…"), after a wrong PIN and after a right PIN when the key is not there. So the
// engine is given only a PIN the token has just taken and a key just found (module-view's
// tokenIdentity, a logged-in read). Through the built command line, with the PIN from
// --pin-env, `renew` and the scheduled `check` (autoRenew) both present the token's key
// through the engine: a wrong PIN and a removed key give the clear PIN / key error, the PIN's
// bytes (as given, percent-encoded in either case) on neither stdout nor stderr, and nothing
// changed. Without that guard (the read public-only, the key taken as there) all four fail
// with libp11's line in stderr. softhsm2 counts no tries (only CKF_USER_PIN_COUNT_LOW, here 'low').
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { destroy, find } from '../../src/main/core/store/pkcs11/objects';
import { BankServer } from '../bank/server';
import { buildCliBundle, rm, tempDir } from '../support/cli-world';
import { engineEpisode, tokenContents, watchedRun, type EngineEpisode } from '../support/engine-episode';
import { missing } from '../support/tokens';

/** A wrong PIN with bytes the URI percent-encodes (; and a space), so both spellings are looked for. */
const WRONG = 'Wrong;pin probe-7734';
const encoded = (pin: string) => [...Buffer.from(pin, 'utf8')].map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

/** Nothing of the PIN in the output: not as given, not percent-encoded (either case), not its distinctive part, no pin-value at all. */
function expectNoPin(out: string, pin: string): void {
  const lower = out.toLowerCase();
  for (const form of [pin, encoded(pin), encoded(pin).toUpperCase().replace(/%([0-9A-F]{2})/g, '%$1'), pin.split(/[; ]/).pop()!]) expect(lower).not.toContain(form.toLowerCase());
  expect(out).not.toMatch(/pin-value|pin-source|not found at/i);
}

/** The command's error: renew's, or check's (the run's own, or its one item's). */
const errorOf = (stdout: string) => {
  const out = JSON.parse(stdout);
  return out.error ?? out.result.items[0].error;
};

const why = missing('softhsm2');
(why ? describe.skip : describe)('the PIN on no stderr: the engine is given only a PIN just verified and a key just found', { timeout: 240_000 }, () => {
  let work: string;
  let cli: string;
  let bank: BankServer;

  beforeAll(async () => {
    work = await tempDir('certdesk-engine-leak-');
    cli = await buildCliBundle('engine-leak');
    bank = await BankServer.start({ dataDir: join(work, 'bank') });
  });
  afterAll(async () => {
    await bank?.stop();
    if (work) await rm(work, { recursive: true, force: true });
    if (cli) await rm(join(cli, '..'), { recursive: true, force: true });
  });

  const commands: Array<[string, string[]]> = [
    ['renew', ['renew', '--yes', '--json', '--pin-env', 'TOKEN_PIN']],
    ['check', ['check', '--json', '--no-notify', '--pin-env', 'TOKEN_PIN']],
  ];

  /** What the token holds (its objects are files in softhsm2's store) and what the bank issued. */
  const state = async (ep: EngineEpisode) => ({ token: await tokenContents(ep), issued: bank.account(ep.accountId)!.issued.length });

  it.each(commands)('%s with a wrong PIN: PIN_INCORRECT, no PIN on stdout or stderr, nothing changed', async (name, args) => {
    const ep = await engineEpisode({ cli, bank, work, name: `wrong-${name}`, policy: { autoRenew: true } });
    const before = await state(ep);
    const r = await watchedRun(ep, args, { TOKEN_PIN: WRONG });
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expectNoPin(r.stdout + r.stderr, WRONG);
    const error = errorOf(r.stdout);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT', pinTries: 'low' } });
    expect(await state(ep)).toEqual(before);
  });

  it.each(commands)('%s with the right PIN and the key removed from the token: KEY_MISSING, no PIN on stdout or stderr', async (name, args) => {
    const ep = await engineEpisode({ cli, bank, work, name: `nokey-${name}`, policy: { autoRenew: true } });
    Object.assign(process.env, ep.token.env);
    await withModuleToken({ module: ep.token.module, tokenLabel: ep.token.label, pin: ep.pin }, 'write', (s) => {
      for (const h of find(s, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }])) destroy(s, h);
    });
    const before = await state(ep);
    expect(before.token.privateKeys).toBe(0);
    const r = await watchedRun(ep, args);
    expect(r.code, r.stdout + r.stderr).not.toBe(0);
    expectNoPin(r.stdout + r.stderr, ep.pin);
    const error = errorOf(r.stdout);
    expect(error).toMatchObject({ code: 'KEY_MISSING' });
    expect(await state(ep)).toEqual(before);
  });
});
