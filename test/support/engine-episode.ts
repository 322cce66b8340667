// A PC whose bank certificate and key live in a softhsm2 token (keyStorage "pkcs11"): the
// bank's certificate (20 days left, due for renewal) and its P-256 key put into the token
// through PKCS#11 (C_CreateObject, one CKA_ID), so that `certdesk renew --pin-env` presents
// the token's key to the bank through OpenSSL's pkcs11 engine. Each episode has its own
// token, NSS db, data folder and TMPDIR, so whatever is on disk afterwards is its own.
// Shared by the custody tests (engine-pin) and the kill harness (token-kill).
import { spawn } from 'node:child_process';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { withModuleToken } from '../../src/main/core/store/pkcs11/module';
import { certificates, putCertificate } from '../../src/main/core/store/pkcs11/objects';
import type { BankServer } from '../bank/server';
import { writePolicy, type Run } from './cli-world';
import { newNssDb } from './nss-tools';
import { watchForSecret, type PinWatch } from './pin-watch';
import { startSofthsm, type TestToken } from './tokens';

/** A PIN no other byte sequence on the disk would hold by chance. */
export const PROBE_PIN = 'Qv7-pin-probe-4821';

export interface EngineEpisode {
  dir: string;
  pin: string;
  /** The bank certificate in the token (PEM, with its issuing CA) and its key's RFC 7512 URI (no PIN). */
  certPem: string;
  keyUri: string;
  tmp: string;
  data: string;
  token: TestToken;
  accountId: string;
  env: NodeJS.ProcessEnv;
  argv(args: string[]): string[];
}

let count = 0;

export async function engineEpisode(o: { cli: string; bank: BankServer; work: string; name: string; pin?: string; policy?: Record<string, unknown> }): Promise<EngineEpisode> {
  const pin = o.pin ?? PROBE_PIN;
  const dir = join(o.work, `${++count}-${o.name.replace(/[^A-Za-z0-9.+-]+/g, '_')}`);
  const tmp = join(dir, 'tmp');
  const data = join(dir, 'data');
  mkdirSync(tmp, { recursive: true });
  const db = newNssDb(dir, 'nssdb');
  const token = await startSofthsm(join(dir, 'token'), 'PIN Card', pin);
  const accountId = `eng${count}-${process.pid}`;
  const account = await o.bank.seedAccount(accountId, 20, undefined, { keyType: 'ecdsaP256' });
  const keyId = await putIdentity(token, account.certPem, account.keyPem, o.bank.issuingCaPem);
  const policy = await writePolicy(dir, { bankName: 'テスト銀行', endpoint: o.bank.url, trustAnchorFile: o.bank.trustAnchorPath, keyStorage: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.label }, keyType: 'ecdsaP256', ...o.policy });
  const env: NodeJS.ProcessEnv = { ...process.env, ...token.env, CERTDESK_DATA_DIR: data, TMPDIR: tmp, TOKEN_PIN: pin };
  for (const v of ['CERTDESK_TEST_KILL_AT', 'CERTDESK_TEST_KILL_SIGNAL', 'CERTDESK_TEST_KILL_GROUP', 'CERTDESK_TEST_KILL_LOG', 'PKCS11_MODULE_PATH']) delete env[v];
  const argv = (args: string[]) => [o.cli, ...args, '--policy', policy, '--store', `nss:${db}`];
  const keyUri = `pkcs11:token=PIN%20Card;id=${keyId.replace(/../g, '%$&')};type=private`;
  return { dir, pin, certPem: account.certPem + o.bank.issuingCaPem, keyUri, tmp, data, token, accountId, env, argv };
}

const P256 = Buffer.from('06082a8648ce3d030107', 'hex');

/** The certificate and its P-256 key as token objects (private, sensitive; public; certificate: one CKA_ID), and the issuing CA. */
async function putIdentity(token: TestToken, certPem: string, keyPem: string, caPem: string): Promise<string> {
  const jwk = createPrivateKey(keyPem).export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const id = createHash('sha1').update(point).digest();
  const label = 'bank identity';
  await withModuleToken({ module: token.module, tokenLabel: token.label, pin: token.pin }, 'write', (s) => {
    const common = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_EC_PARAMS, value: P256 },
    ];
    s.p11.C_CreateObject(s.session, [...common, { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_SENSITIVE, value: true }, { type: pkcs11js.CKA_SIGN, value: true }, { type: pkcs11js.CKA_VALUE, value: Buffer.from(jwk.d!, 'base64url') }]);
    // CKA_EC_POINT: the point as a DER OCTET STRING.
    s.p11.C_CreateObject(s.session, [...common, { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_EC_POINT, value: Buffer.concat([Buffer.from([0x04, point.length]), point]) }]);
    putCertificate(s, new X509Certificate(certPem).raw, id.toString('hex'), label);
    // The bank's issuing CA beside it, as CertDesk keeps the chain: the token's identities are listed only when they chain to the anchor.
    putCertificate(s, new X509Certificate(caPem).raw, '', 'bank CA');
  });
  return id.toString('hex');
}

export interface WatchedRun extends Run {
  /** What the watch saw under TMPDIR while the command ran. */
  watch: PinWatch;
}

/**
 * Runs the command as a process-group leader with TMPDIR watched for the PIN (pin-watch.ts);
 * `onEntry`, `onStart`: the kill harness's hooks (an entry appeared with the group stopped; the child started).
 */
export function watchedRun(ep: EngineEpisode, args: string[], extraEnv: NodeJS.ProcessEnv = {}, hooks: { onEntry?: (rel: string, pid: number) => void; onStart?: (pid: number) => void } = {}): Promise<WatchedRun> {
  return new Promise((resolve, reject) => {
    const child: { pid?: number } = {};
    const watch = watchForSecret(ep.tmp, ep.pin, () => child.pid, hooks.onEntry);
    const p = spawn(process.execPath, ep.argv(args), { env: { ...ep.env, ...extraEnv }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = (child.pid = p.pid);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    p.on('error', (err) => {
      watch.close();
      reject(err);
    });
    if (pid !== undefined) hooks.onStart?.(pid);
    p.on('close', (code, signal) => {
      watch.close();
      resolve({ code, signal, stdout, stderr, watch });
    });
  });
}

/** The token's bank certificates (fingerprints) and how many private keys it holds. */
export async function tokenContents(ep: EngineEpisode): Promise<{ certificates: string[]; privateKeys: number }> {
  Object.assign(process.env, ep.token.env);
  return withModuleToken({ module: ep.token.module, tokenLabel: ep.token.label, pin: ep.token.pin }, 'read', (s) => {
    const certs = certificates(s).map((c) => new X509Certificate(c.der)).filter((c) => !c.ca).map((c) => c.fingerprint256.replace(/:/g, '').toLowerCase());
    s.p11.C_FindObjectsInit(s.session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }]);
    const keys = s.p11.C_FindObjects(s.session, 100);
    s.p11.C_FindObjectsFinal(s.session);
    return { certificates: certs, privateKeys: keys.length };
  });
}
