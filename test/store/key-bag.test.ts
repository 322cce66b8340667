// The NSS export's key bag: PBES2 decrypted on the thread pool, any other scheme by OpenSSL,
// a wrong password or a damaged bag a clear STORE_UNAVAILABLE.
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateKeyOf } from '../../src/main/core/store/nss/key-bag';
import { CoreError } from '../../src/main/core/errors';

const dir = mkdtempSync(join(tmpdir(), 'certdesk-keybag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const plain = join(dir, 'key.pem');
writeFileSync(plain, privateKey.export({ format: 'pem', type: 'pkcs8' }));
const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });

/** An EncryptedPrivateKeyInfo (DER) written by openssl with these pkcs8 options. */
function encrypted(name: string, opts: string[]): Uint8Array {
  const out = join(dir, `${name}.der`);
  execFileSync('openssl', ['pkcs8', '-topk8', '-in', plain, '-outform', 'DER', '-out', out, '-passout', 'pass:pässwörd', ...opts]);
  return new Uint8Array(readFileSync(out));
}

describe('privateKeyOf', () => {
  it.each([
    ['PBES2 AES-256, HMAC-SHA256 (what NSS writes)', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '2000']],
    ['PBES2 AES-128, HMAC-SHA1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1', '-iter', '2000']],
    ['PBES2 AES-192, HMAC-SHA512', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512', '-iter', '2000']],
    ['PBES1 3DES (OpenSSL path)', ['-v1', 'PBE-SHA1-3DES', '-iter', '2000']],
  ])('decrypts %s to the same key', async (_name, opts) => {
    const key = await privateKeyOf(encrypted(_name.replace(/\W+/g, '-'), opts), 'pässwörd');
    expect(createPublicKey(key).export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);
  });

  it.each([
    ['a wrong password', encrypted('wrong', ['-v2', 'aes-256-cbc', '-iter', '2000']), 'password'],
    ['a wrong password (OpenSSL path)', encrypted('wrong1', ['-v1', 'PBE-SHA1-3DES', '-iter', '2000']), 'password'],
    ['a truncated bag', encrypted('cut', ['-v2', 'aes-256-cbc', '-iter', '2000']).slice(0, 200), 'pässwörd'],
  ])('%s is STORE_UNAVAILABLE, NOT_EXPORTABLE', async (_name, der, password) => {
    const err = await privateKeyOf(der, password).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoreError);
    expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', detail: { reason: 'NOT_EXPORTABLE' } });
    expect((err as Error).message).toMatch(/could not be decrypted/);
  });
});
