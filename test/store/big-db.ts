// A user's crowded NSS db, made fast: one CA key (ECDSA P-256, @peculiar/x509) signs N client
// certificates under mixed Japanese and ASCII nicknames (trailing spaces, several
// certificates under one nickname with one subject, one newline inside a CN and its
// nickname), every 50th with its private key. Certificates go in through one certutil -B
// batch, keys through pk12util; the special names one by one (a batch line cannot hold them).
// Shared by the listing tests and the bench.
import { execFileSync } from 'node:child_process';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '../bank/x509';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface BigDbCert {
  nickname: string;
  der: Uint8Array;
  sha256: string;
  /** PKCS#8, for the certificates that go in with their key. */
  pkcs8?: Uint8Array;
}

export interface BigDb {
  /** The CA every certificate chains to (kept out of the db: the anchor of a list()). */
  rootDer: Uint8Array;
  certs: BigDbCert[];
}

/** The nickname (and CN) of certificate `i`: the shapes a real user's db holds. */
function nameOf(i: number): { nickname: string; cn: string } {
  switch (i % 6) {
    case 0:
      return { nickname: `法人IB 利用者${i} 山田商事株式会社`, cn: `山田 太郎 ${i}` };
    case 1:
      return { nickname: `Example Corp user ${i}`, cn: `user${i}` };
    case 2:
      // A trailing space: kept by NSS, lost by any parser that trims a padded column.
      return { nickname: `みずほ 電子証明書 ${i} `, cn: `みずほ ${i}` };
    case 3: {
      // Three certificates of one subject share one nickname (as a renewed holder's do).
      const g = Math.floor(i / 18);
      return { nickname: `共有名義 ${g} 信用金庫`, cn: `共有名義 ${g}` };
    }
    case 4:
      return { nickname: `株式会社テスト/Test ${i} (経理部)`, cn: `経理部 ${i}` };
    default:
      return { nickname: `${'長い名前の証明書'.repeat(4)} ${i}`, cn: `長い ${i}` };
  }
}

const POOL = 16;
const newKeys = async () => (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;

export async function makeBigDb(n: number): Promise<BigDb> {
  const caKeys = await newKeys();
  const now = Date.now();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: [{ CN: ['混在 テスト ルートCA'] }, { O: ['Bench'] }],
    keys: caKeys,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const certs: BigDbCert[] = [];
  const pool: webcrypto.CryptoKeyPair[] = [];
  for (let i = 0; i < n; i++) {
    // The last one: a newline inside the CN, and so inside the nickname NSS keeps.
    const { nickname, cn } = i === n - 1 ? { nickname: `改行\nを含む ${i}`, cn: `改行\nを含む ${i}` } : nameOf(i);
    const withKey = i % 50 === 8;
    // Certificates without a key in the db share a few key pairs (key generation is most of
    // the time here); those with one get their own, so that no CKA_ID pairs by accident.
    const keys = withKey ? await newKeys() : (pool[i % POOL] ??= await newKeys());
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (0x1000 + i).toString(16),
      subject: [{ CN: [cn] }, { O: ['Bench'] }],
      issuer: root.subjectName,
      // Distinct validity inside a shared nickname, so NSS has a newest certificate of it.
      notBefore: new Date(now - DAY - i * 1000),
      notAfter: new Date(now + (100 + i) * DAY),
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALG,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
    });
    const der = new Uint8Array(cert.rawData);
    certs.push({
      nickname,
      der,
      sha256: new X509Certificate(der).fingerprint256.replace(/:/g, '').toLowerCase(),
      ...(withKey ? { pkcs8: new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) } : {}),
    });
  }
  return { rootDer: new Uint8Array(root.rawData), certs };
}

/** Writes the certificates (and the keys of those that have one) into an existing db. */
export function fillDb(dbDir: string, big: BigDb): void {
  const work = mkdtempSync(join(tmpdir(), 'certdesk-bigdb-'));
  try {
    const db = `sql:${dbDir}`;
    const batch: string[] = [];
    for (const [i, c] of big.certs.entries()) {
      if (c.pkcs8) {
        const key = join(work, `${i}.key`);
        const pem = join(work, `${i}.pem`);
        writeFileSync(key, pemOf(c.pkcs8, 'PRIVATE KEY'), { mode: 0o600 });
        writeFileSync(pem, pemOf(c.der, 'CERTIFICATE'));
        const p12 = join(work, `${i}.p12`);
        execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', pem, '-name', c.nickname, '-passout', 'pass:p', '-out', p12]);
        execFileSync('pk12util', ['-i', p12, '-d', db, '-W', 'p'], { stdio: 'ignore' });
        continue;
      }
      const file = join(work, `${i}.der`);
      writeFileSync(file, c.der);
      if (/["\n]/.test(c.nickname)) execFileSync('certutil', ['-A', '-n', c.nickname, '-t', ',,', '-i', file, '-d', db]);
      else batch.push(`-A -n "${c.nickname}" -t ",," -i "${file}"`);
    }
    writeFileSync(join(work, 'add.batch'), batch.join('\n') + '\n');
    execFileSync('certutil', ['-B', '-i', join(work, 'add.batch'), '-d', db], { stdio: 'ignore' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function pemOf(der: Uint8Array, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;
}
