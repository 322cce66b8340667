// The checks every PKCS#11 token custodian passes on a real token (softhsm2, a swtpm TPM):
// the request is signed in the token, the key cannot leave it, the issued certificate is
// stored beside the key, and NSS (the module registered in a db, as a browser has it)
// presents it over TLS with the PIN.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { KeyType } from '../../src/shared/policy';
import { subjectFromTemplate } from '../../src/main/core/pki';
import { createPkcs11Custodian } from '../../src/main/core/store/pkcs11/custody';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { CK } from '../../src/main/core/store/pkcs11/constants';
import { keyObjects } from '../../src/main/core/store/pkcs11/objects';
import { makeTestPki, type TestPki } from '../support/pki-fixture';
import { certutilList, issueFromCsr, newNssDb, opensslVerifyCsr, recordingServer, tstclnt, type RecordingServer } from '../support/nss-tools';
import type { TestToken } from '../support/tokens';

/** libengine-pkcs11-openssl (libp11), which finds the modules p11-kit registers (softhsm2, tpm2-pkcs11). */
const PKCS11_ENGINE = '/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so';
const CKA_NEVER_EXTRACTABLE = 0x164;
const CKM_AES_KEY_GEN = 0x1080;
const CKM_AES_KEY_WRAP_PAD = 0x210a;
const CKM_AES_CBC_PAD = 0x1085;
const CKA_VALUE_LEN = 0x161;
const CKA_WRAP = 0x106;
const CKO_SECRET_KEY = 4;
const CKK_AES = 0x1f;
const CKA_KEY_TYPE = 0x100;

export interface SuiteOptions {
  start(dir: string): Promise<TestToken>;
  /** Key types to make; the first is the one presented over TLS. */
  keyTypes: KeyType[];
  storage: 'pkcs11' | 'tpm';
}

export function tokenSuite(o: SuiteOptions): void {
  let token: TestToken;
  let pki: TestPki;
  let work: string;
  let server: RecordingServer;
  const subject = subjectFromTemplate('CN={loginId},OU=法人IB,O=デモ信用金庫,C=JP', '鈴木 一郎');

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), `certdesk-${o.storage}-`));
    token = await o.start(join(work, 'token'));
    pki = makeTestPki('Token Bank');
    server = await recordingServer(pki);
  });
  afterAll(async () => {
    await server?.close();
    await token?.stop();
    rmSync(work, { recursive: true, force: true });
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  const custodian = () => createPkcs11Custodian({ storage: o.storage, module: token.module, tokenLabel: token.label, pin: token.pin });

  for (const keyType of o.keyTypes) {
    it(`${keyType}: makes the key in the token, signs a request openssl accepts, keeps the key inside, stores the certificate beside it`, async () => {
      const c = custodian();
      const req = await c.createRequest({ keyType, subjectDer: subject, label: `key ${keyType}` });
      expect(opensslVerifyCsr(req.csrDer)).toContain('CN=鈴木 一郎');
      expect(req.softwarePkcs8).toBeUndefined();
      expect(await c.hasKey(req.keyId)).toBe(true);

      // The key cannot leave the token: its secret attribute is refused, and so is wrapping it.
      const facts = await withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'write', (s) => {
        const [priv] = keyObjects(s, req.keyId).privateKeys;
        const flags = s.p11.C_GetAttributeValue(s.session, priv!, [{ type: CK.CKA_EXTRACTABLE }, { type: CK.CKA_SENSITIVE }, { type: CKA_NEVER_EXTRACTABLE }]).map((a) => (a.value as Buffer)[0]);
        let secret: string;
        try {
          s.p11.C_GetAttributeValue(s.session, priv!, [{ type: keyType === 'ecdsaP256' ? CK.CKA_VALUE : CK.CKA_PRIVATE_EXPONENT }]);
          secret = 'read';
        } catch (err) {
          secret = /CKR_[A-Z_]+/.exec((err as Error).message)?.[0] ?? 'refused';
        }
        let wrap: string;
        try {
          const kek = s.p11.C_GenerateKey(s.session, { mechanism: CKM_AES_KEY_GEN }, [
            { type: CK.CKA_CLASS, value: CKO_SECRET_KEY }, { type: CKA_KEY_TYPE, value: CKK_AES }, { type: CK.CKA_TOKEN, value: false }, { type: CKA_VALUE_LEN, value: 32 }, { type: CKA_WRAP, value: true },
          ]);
          try {
            s.p11.C_WrapKey(s.session, { mechanism: CKM_AES_KEY_WRAP_PAD }, kek, priv!, Buffer.alloc(4096));
            wrap = 'wrapped';
          } catch (err) {
            wrap = /CKR_[A-Z_]+/.exec((err as Error).message)?.[0] ?? 'refused';
            if (wrap === 'CKR_MECHANISM_INVALID') {
              try {
                s.p11.C_WrapKey(s.session, { mechanism: CKM_AES_CBC_PAD, parameter: Buffer.alloc(16) }, kek, priv!, Buffer.alloc(4096));
                wrap = 'wrapped';
              } catch (err2) {
                wrap = /CKR_[A-Z_]+/.exec((err2 as Error).message)?.[0] ?? 'refused';
              }
            }
          }
        } catch {
          // No AES key to wrap with (tpm2-pkcs11 has no C_GenerateKey): the wrap is asked with the public key object.
          const [pub] = keyObjects(s, req.keyId).publicKeys;
          try {
            s.p11.C_WrapKey(s.session, { mechanism: CK.CKM_RSA_PKCS }, pub!, priv!, Buffer.alloc(4096));
            wrap = 'wrapped';
          } catch (err) {
            wrap = /CKR_[A-Z_]+/.exec((err as Error).message)?.[0] ?? 'refused';
          }
        }
        return { extractable: flags[0], sensitive: flags[1], neverExtractable: flags[2], secret, wrap };
      });
      console.log(`${o.storage} ${keyType}: ${JSON.stringify(facts)}`);
      expect(facts).toMatchObject({ extractable: 0, sensitive: 1, neverExtractable: 1 });
      expect(facts.secret).toMatch(/CKR_ATTRIBUTE_SENSITIVE|CKR_ATTRIBUTE_TYPE_INVALID/);
      expect(facts.wrap).not.toBe('wrapped');

      const cert = issueFromCsr(pki, req.csrDer);
      const id = await c.attach({ keyId: req.keyId, certificateDer: cert, chainDer: [pki.issuing.der], friendlyName: `鈴木 一郎 ${keyType}` });
      expect(id.hasPrivateKey).toBe(true);
      expect(id.nickname).toBe(`鈴木 一郎 ${keyType}`);
    });
  }

  it(`NSS, with the module registered in its db, presents the ${o.keyTypes[0]} certificate over TLS with the token's key and PIN`, async () => {
    const keyType = o.keyTypes[0]!;
    const c = custodian();
    const req = await c.createRequest({ keyType, subjectDer: subject, label: 'tls' });
    const cert = issueFromCsr(pki, req.csrDer);
    const id = await c.attach({ keyId: req.keyId, certificateDer: cert, chainDer: [], friendlyName: 'CertDesk TLS' });

    const db = newNssDb(work, `nss-${o.storage}`);
    execFileSync('modutil', ['-add', token.label, '-libfile', token.module, '-dbdir', `sql:${db}`, '-force'], { env: { ...process.env, ...token.env }, stdio: 'pipe' });
    const pinFile = join(work, 'pin');
    writeFileSync(pinFile, token.pin, { mode: 0o600 });
    const r = await tstclnt(db, `${token.label}:${id.nickname}`, server.port, ['-W', pinFile]);
    expect(r.code, r.out).toBe(0);
    expect(Buffer.from(server.seen.at(-1)!).equals(Buffer.from(cert))).toBe(true);
    // NSS lists the token's certificate with its key (u,u,u), read through the module.
    expect(execFileSync('certutil', ['-L', '-d', `sql:${db}`, '-h', token.label, '-f', pinFile], { env: { ...process.env, ...token.env }, encoding: 'utf8' })).toMatch(/CertDesk TLS\s+u,u,u/);
    expect(certutilList(db)).not.toContain('CertDesk TLS'); // nothing was copied into the db itself
    // NSS's own export refuses the key too.
    const p12 = spawnSync('pk12util', ['-o', join(work, `${o.storage}.p12`), '-n', `${token.label}:${id.nickname}`, '-d', `sql:${db}`, '-k', pinFile, '-W', 'export-password'], { env: { ...process.env, ...token.env }, encoding: 'utf8' });
    console.log(`${o.storage}: pk12util -o exit ${p12.status}: ${(p12.stdout + p12.stderr).trim().split('\n').at(-1)}`);
    expect(p12.status).not.toBe(0);
  });

  it('removes an orphan key, keeps a key its certificate uses, and names a wrong PIN', async () => {
    const c = custodian();
    const orphan = await c.createRequest({ keyType: o.keyTypes[0]!, subjectDer: subject, label: 'orphan' });
    await c.removeKey(orphan.keyId);
    expect(await c.hasKey(orphan.keyId)).toBe(false);
    await c.removeKey(orphan.keyId);
    const wrong = createPkcs11Custodian({ storage: o.storage, module: token.module, tokenLabel: token.label, pin: '0000' });
    await expect(wrong.hasKey(orphan.keyId)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'PIN_INCORRECT' } });
    const none = createPkcs11Custodian({ storage: o.storage, module: token.module, tokenLabel: 'No Such Token', pin: token.pin });
    await expect(none.hasKey(orphan.keyId)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'TOKEN_MISSING' } });
  });
  // Last: OpenSSL's engine initialises the module inside this process and keeps it (and its
  // login) for the process's life, which the custodian's own init/finalize then shares.
  it(`Node's own TLS (the command line's transport) presents the ${o.keyTypes[0]} certificate with the token's key through OpenSSL's pkcs11 engine`, async (ctx) => {
    if (!existsSync(PKCS11_ENGINE)) {
      console.warn(`skipped: ${PKCS11_ENGINE} is missing (apt-get install libengine-pkcs11-openssl)`);
      ctx.skip();
    }
    const keyType = o.keyTypes[0]!;
    const c = custodian();
    const req = await c.createRequest({ keyType, subjectDer: subject, label: 'engine' });
    const cert = issueFromCsr(pki, req.csrDer);
    await c.attach({ keyId: req.keyId, certificateDer: cert, chainDer: [], friendlyName: 'CertDesk engine' });
    // RFC 7512: the key by token label and CKA_ID; the PIN travels only inside this process.
    const id = req.keyId.replace(/../g, '%$&');
    const uri = `pkcs11:token=${encodeURIComponent(token.label)};id=${id};type=private;pin-value=${token.pin}`;
    const before = server.seen.length;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const r = httpsRequest({ host: '127.0.0.1', port: server.port, path: '/', rejectUnauthorized: false, cert: `-----BEGIN CERTIFICATE-----\n${Buffer.from(cert).toString('base64')}\n-----END CERTIFICATE-----\n`, privateKeyEngine: PKCS11_ENGINE, privateKeyIdentifier: uri, ...(keyType === 'rsa2048' && o.storage === 'tpm' ? { maxVersion: 'TLSv1.2' as const } : {}) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      r.on('error', reject);
      r.end();
    });
    expect(status).toBe(200);
    expect(server.seen.length).toBe(before + 1);
    expect(Buffer.from(server.seen.at(-1)!).equals(Buffer.from(cert))).toBe(true);
  });
}
