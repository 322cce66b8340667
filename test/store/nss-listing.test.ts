// The listing of a crowded real NSS db (500 certificates, Japanese and ASCII nicknames,
// trailing spaces, a newline in a CN, several certificates under one nickname, keys for
// some): exactly what was put in, each nickname byte for byte, and what certutil finds
// under those nicknames. Removal by fingerprint there touches nothing else.
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNssStore, type CertificateStore } from '../../src/main/core/store';
import { fillDb, makeBigDb, type BigDb } from './big-db';

const N = Number(process.env.CERTDESK_BIG_DB ?? 500);
let big: BigDb;
let work: string;
let db: string;
let store: CertificateStore;

const certutilPems = (nickname: string): string[] => {
  const r = spawnSync('certutil', ['-L', '-n', nickname, '-a', '-d', `sql:${db}`], { encoding: 'utf8' });
  return r.stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
};
const derOf = (pem: string) => execFileSync('openssl', ['x509', '-outform', 'DER'], { input: pem });

beforeAll(async () => {
  // tmpfs where there is one: NSS commits every added certificate to disk.
  work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'certdesk-biglist-'));
  db = join(work, 'db');
  mkdirSync(db);
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
  big = await makeBigDb(N);
  fillDb(db, big);
  store = await openNssStore({ dbDir: db });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`a db of ${N} certificates`, () => {
  it('lists every certificate once, with its exact nickname and whether its key is there', async () => {
    const listed = await store.list([big.rootDer]);
    const got = listed.map((i) => [i.fingerprint, i.nickname, i.hasPrivateKey]).sort();
    const want = big.certs.map((c) => [c.sha256, c.nickname, c.pkcs8 !== undefined]).sort();
    expect(got).toEqual(want);
    // The shapes that broke the certutil parser are among them.
    expect(listed.some((i) => i.nickname?.endsWith(' '))).toBe(true);
    expect(listed.some((i) => i.nickname?.includes('\n'))).toBe(true);
    expect(listed.filter((i) => i.nickname === big.certs[3]!.nickname)).toHaveLength(3);
    expect(listed.filter((i) => i.hasPrivateKey).length).toBe(big.certs.filter((c) => c.pkcs8).length);
  });

  it('certutil finds under each special nickname exactly the certificates listed under it', async () => {
    const listed = await store.list([big.rootDer]);
    const special = [...new Set(listed.map((i) => i.nickname!).filter((n) => n.endsWith(' ') || n.includes('\n') || n === big.certs[3]!.nickname))].slice(0, 12);
    for (const nickname of special) {
      const ours = listed.filter((i) => i.nickname === nickname).map((i) => Buffer.from(i.certificateDer).toString('hex')).sort();
      const theirs = certutilPems(nickname).map((p) => derOf(p).toString('hex')).sort();
      expect(theirs, JSON.stringify(nickname)).toEqual(ours);
    }
  });

  it('removes one certificate of a shared nickname by fingerprint, and one with a trailing space, touching nothing else', async () => {
    const shared = big.certs.filter((c) => c.nickname === big.certs[3]!.nickname);
    const trailing = big.certs.find((c) => c.nickname.endsWith(' ') && c.pkcs8)!;
    expect(trailing).toBeDefined();
    await store.remove(shared[1]!.sha256);
    await store.remove(trailing.sha256);
    const listed = await store.list([big.rootDer]);
    const gone = new Set([shared[1]!.sha256, trailing.sha256]);
    expect(listed.map((i) => [i.fingerprint, i.hasPrivateKey]).sort()).toEqual(big.certs.filter((c) => !gone.has(c.sha256)).map((c) => [c.sha256, c.pkcs8 !== undefined]).sort());
    expect(certutilPems(shared[0]!.nickname)).toHaveLength(2);
    expect(certutilPems(trailing.nickname)).toHaveLength(0);
    // Its key went with it: no orphan key is left.
    const keys = spawnSync('certutil', ['-K', '-d', `sql:${db}`], { encoding: 'utf8' }).stdout;
    expect(keys).not.toMatch(/orphan/);
  });

  it('exports the key of an identity whose nickname ends with a space', async () => {
    const listed = await store.list([big.rootDer]);
    const holder = big.certs.find((c) => c.nickname.endsWith(' ') && c.pkcs8 && listed.some((i) => i.fingerprint === c.sha256 && i.hasPrivateKey))!;
    const lent = await store.exportIdentity!(holder.sha256);
    expect(createPublicKey(lent.keyPem).export({ format: 'der', type: 'spki' }).equals(new X509Certificate(holder.der).publicKey.export({ format: 'der', type: 'spki' }))).toBe(true);
  });
});
