// `certdesk check` with keyStorage "pkcs11" (softhsm2 standing in for a smart card) and
// autoRenew: the scheduler has no PIN to give (not remembered, no --pin-env) → a reminder to
// open CertDesk, exit 6, nothing changed (the db's identity, the token's objects, the bank's
// account); given the PIN the non-interactive way (--pin-env) → renewed into the token.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBank, type Bank } from '../bank';
import { bankCertificates, buildCliBundle, importP12, newNssDb, rm, run, tempDir, writePolicy } from '../support/cli-world';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { certificates, keyObjects } from '../../src/main/core/store/pkcs11/objects';
import { missing, startSofthsm, type TestToken } from '../support/tokens';

const why = missing('softhsm2');
(why ? describe.skip : describe)('certdesk check with a PIN-protected token', { timeout: 240_000 }, () => {
  let work: string;
  let cli: string;
  let bank: Bank;
  let token: TestToken;

  beforeAll(async () => {
    work = await tempDir('certdesk-check-token-');
    cli = await buildCliBundle('check-token');
    bank = await startBank({ dataDir: join(work, 'bank') });
    token = await startSofthsm(join(work, 'token'), 'Check Card');
  });
  afterAll(async () => {
    await bank?.stop();
    await token?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('no PIN at hand: reminder to open CertDesk, exit 6, nothing changed; with --pin-env: renewed into the token', async () => {
    const db = join(work, 'nssdb');
    const bin = join(work, 'bin');
    await mkdir(db, { recursive: true });
    await mkdir(bin, { recursive: true });
    await newNssDb(db);
    const account = await bank.seedAccount('checktok', 20, 'pw-checktok');
    await importP12(db, account.p12Path, account.p12Password);
    const policy = await writePolicy(work, { bankName: 'テスト銀行', endpoint: bank.url, trustAnchorFile: bank.trustAnchorPath, keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, keyType: 'ecdsaP256', autoRenew: true });
    const log = join(work, 'notify.log');
    await writeFile(join(bin, 'notify-send'), `#!/bin/sh\n(IFS=$(printf '\\037'); printf '%s\\n' "$*") >> '${log}'\n`);
    await chmod(join(bin, 'notify-send'), 0o755);
    const env = { ...process.env, ...token.env, PATH: `${bin}:${process.env.PATH}`, CERTDESK_DATA_DIR: join(work, 'data'), XDG_STATE_HOME: join(work, 'state') };
    const check = (args: string[] = [], extra: NodeJS.ProcessEnv = {}) => run(process.execPath, [cli, 'check', '--json', ...args, '--policy', policy, '--store', `nss:${db}`], { env: { ...env, ...extra } });
    const tokenObjects = () => withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'read', (s) =>
      certificates(s).map((c) => ({ der: Buffer.from(c.der).toString('hex'), hasKey: c.keyId ? keyObjects(s, c.keyId).privateKeys.length > 0 : false })),
    );
    const before = await tokenObjects();

    const r = await check();
    expect(r.code, r.stderr + r.stdout).toBe(6);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ok: true, exitCode: 6, state: 'renewalOpen' });
    expect(out.result.items).toEqual([expect.objectContaining({ fingerprint: account.fingerprint, reason: 'PIN_NOT_AT_HAND' })]);
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('\x1f'));
    expect(lines).toHaveLength(1);
    expect(lines[0]![4]).toBe('電子証明書の更新をお願いします');
    expect(lines[0]![5]).toContain('鍵を保管している装置（ICカードなど）のPINが必要なため、自動では更新できません。CertDesk を開いて「証明書更新」を押してください。');
    expect((await bankCertificates(db, bank.issuingCaPem)).map((c) => c.sha256)).toEqual([account.fingerprint]);
    expect(await tokenObjects()).toEqual(before);
    expect(bank.account(account.id)?.currentFingerprint).toBe(account.fingerprint);

    const given = await check(['--pin-env', 'TOKEN_PIN'], { TOKEN_PIN: token.pin });
    expect(given.code, given.stderr + given.stdout).toBe(0);
    expect(given.stdout + given.stderr).not.toContain(token.pin);
    const renewed = JSON.parse(given.stdout).result.items[0];
    expect(renewed).toMatchObject({ reason: 'RENEWED' });
    expect(bank.account(account.id)?.currentFingerprint).toBe(renewed.renewed.fingerprint);
    const inToken = (await tokenObjects()).filter((o) => o.hasKey);
    expect(inToken).toHaveLength(1);
    expect(await bankCertificates(db, bank.issuingCaPem)).toEqual([]);
  });
});
