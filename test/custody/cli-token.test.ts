// `certdesk renew` as a script runs it with keyStorage "pkcs11" (softhsm2), through the
// built command line: the PIN from --pin-env (never an argument), a wrong PIN refused before
// anything changes, an unset variable a usage error; the renewal presents the db's current
// identity, makes the new key in the token, registers the module in the db, removes the old
// identity from the db, and `status` (no PIN) lists the new one from the token.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBank, type Bank } from '../bank';
import { bankCertificates, buildCliBundle, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { certificates, keyObjects } from '../../src/main/core/store/pkcs11/objects';
import { ja } from '../../src/shared/i18n/ja';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

const why = missing('softhsm2');
(why ? describe.skip : describe)('certdesk with keyStorage "pkcs11"', { timeout: 240_000 }, () => {
  let work: string;
  let cli: string;
  let bank: Bank;
  let token: TestToken;

  beforeAll(async () => {
    work = await tempDir('certdesk-cli-token-');
    cli = await buildCliBundle('token');
    bank = await startBank({ dataDir: join(work, 'bank') });
    token = await startSofthsm(join(work, 'token'), 'CLI Card');
  });
  afterAll(async () => {
    await bank?.stop();
    await token?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('renews into the token with --pin-env; a wrong PIN and an unset variable change nothing', async () => {
    const db = join(work, 'nssdb');
    await run('mkdir', ['-p', db]);
    await newNssDb(db);
    const account = await bank.seedAccount('clitok', 20, 'pw-clitok');
    await importP12(db, account.p12Path, account.p12Password);
    const policy = await writePolicy(work, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, keyType: 'ecdsaP256' });
    const env = { ...process.env, ...token.env, CERTDESK_DATA_DIR: join(work, 'data') };
    const certdesk = (args: string[], extra: NodeJS.ProcessEnv = {}) => run(process.execPath, [cli, ...args, '--policy', policy, '--store', `nss:${db}`], { env: { ...env, ...extra } });

    const unset = await certdesk(['renew', '--yes', '--json', '--pin-env', 'NO_SUCH_PIN_VAR']);
    expect(unset.code, unset.stderr).toBe(2);
    expect(unset.stdout + unset.stderr).toContain('NO_SUCH_PIN_VAR');

    const wrong = await certdesk(['renew', '--yes', '--json', '--pin-env', 'TOKEN_PIN'], { TOKEN_PIN: '0000' });
    expect(wrong.code).not.toBe(0);
    expect(JSON.parse(wrong.stdout).error).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT' } });
    expect(wrong.stdout + wrong.stderr).not.toContain('0000');
    // softhsm2 says after a wrong PIN that few tries are left (CKF_USER_PIN_COUNT_LOW): the JSON
    // carries it, and the text says it in the reader's words (issue 26).
    expect(JSON.parse(wrong.stdout).error.detail.pinTries).toBe('low');
    const wrongText = await certdesk(['renew', '--yes', '--pin-env', 'TOKEN_PIN'], { TOKEN_PIN: '0000' });
    expect(wrongText.code).not.toBe(0);
    expect(wrongText.stdout + wrongText.stderr).toContain(`PINが違います。何も変更していません。正しいPINを確かめて、もう一度実行してください。${ja.pin.tries.low}`);
    expect((await bankCertificates(db, bank.issuingCaPem)).map((c) => c.sha256)).toEqual([account.fingerprint]);

    // A script that gives no PIN (no terminal to ask on): named, with the way to give it.
    const none = await certdesk(['renew', '--yes', '--json']);
    expect(none.code).not.toBe(0);
    expect(JSON.parse(none.stdout).error).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_REQUIRED' } });
    expect(JSON.parse(none.stdout).error.message).toContain('--pin-env');
    expect((await bankCertificates(db, bank.issuingCaPem)).map((c) => c.sha256)).toEqual([account.fingerprint]);

    const t0 = Date.now();
    const ok = await certdesk(['renew', '--yes', '--json', '--pin-env', 'TOKEN_PIN'], { TOKEN_PIN: token.pin });
    console.log(`cli renew into softhsm2: ${Date.now() - t0} ms (process included)`);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const fp: string = JSON.parse(ok.stdout).result.certificate.sha256;
    expect(ok.stdout + ok.stderr).not.toContain(token.pin);
    // The old identity is gone from the db (its key too), the new one is in the token with its key.
    expect(await bankCertificates(db, bank.issuingCaPem)).toEqual([]);
    const inToken = await withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'read', (s) =>
      certificates(s).filter((c) => c.keyId).map((c) => ({ der: Buffer.from(c.der), hasKey: keyObjects(s, c.keyId).privateKeys.length > 0 })),
    );
    expect(inToken).toHaveLength(1);
    expect(inToken[0]!.hasKey).toBe(true);
    expect(execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha256'], { input: inToken[0]!.der, encoding: 'utf8' }).replace(/.*=|:|\s/g, '').toLowerCase()).toBe(fp);
    expect(readFileSync(join(db, 'pkcs11.txt'), 'utf8')).toContain(`library=${token.module}`);

    const status = await certdesk(['status', '--json']);
    expect(status.stdout).toContain(fp);
  });
});
