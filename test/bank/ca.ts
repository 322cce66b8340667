// The bank's test PKI: root (the anchor policy pins) → issuing CA → client and TLS
// certificates. Made once per data folder and loaded on later starts, so a restarted bank
// keeps trusting what it issued. Independent of CertDesk's own pki module on purpose: this
// is the reference the client is proven against.
import { webcrypto, randomBytes, createHash, X509Certificate as NodeX509 } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from './x509';
import { writeAtomic } from './files';
import { spkiKeyBits } from './der';

const subtle = webcrypto.subtle;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

export type ClientKeyType = 'rsa2048' | 'ecdsaP256';

const RSA: webcrypto.RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
const EC: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGN_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const DAY = 86_400_000;
const YEAR = 365 * DAY;

export const BANK_NAME = 'デモ信用金庫';
const OID = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

/** The subject the bank gives a client: one attribute per RDN, C as PrintableString, the rest UTF8String. */
export function clientSubject(accountId: string): x509.Name {
  return new x509.Name([
    { [OID.C]: [{ printableString: 'JP' }] },
    { [OID.O]: [{ utf8String: BANK_NAME }] },
    { [OID.OU]: [{ utf8String: '法人IB' }] },
    { [OID.CN]: [{ utf8String: accountId }] },
  ]);
}

function caName(cn: string): x509.Name {
  return new x509.Name([{ [OID.C]: [{ printableString: 'JP' }] }, { [OID.O]: [{ utf8String: BANK_NAME }] }, { [OID.CN]: [{ utf8String: cn }] }]);
}

/** A positive, random 128-bit serial (RFC 5280 allows up to 20 octets). */
export function randomSerialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

export function sha256Hex(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

export function toPem(der: Uint8Array | ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

export async function generateKeys(type: ClientKeyType): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(type === 'rsa2048' ? RSA : EC, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export async function pkcs8Pem(key: CryptoKey): Promise<string> {
  return toPem(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

interface Issuer { cert: x509.X509Certificate; key: CryptoKey; der: Uint8Array; pem: string }

export interface IssueRequest {
  subject: x509.Name;
  spki: ArrayBuffer | Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** RSA keys get keyEncipherment too; EC keys only digitalSignature. */
  rsa: boolean;
}

export class BankCa {
  /** The extensions every client certificate shares, made once: per request only the key identifier differs. */
  private readonly clientExt: { rsa: x509.Extension[]; ec: x509.Extension[] };

  private constructor(
    readonly root: Issuer,
    readonly issuing: Issuer,
    readonly tls: { certPem: string; keyPem: string },
    readonly rootPath: string,
    private readonly issuingNode: NodeX509,
    aki: x509.Extension,
  ) {
    const common = (usage: number) => [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      aki,
    ];
    this.clientExt = {
      rsa: common(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment),
      ec: common(x509.KeyUsageFlags.digitalSignature),
    };
  }

  /**
   * Loads the hierarchy from `dir`, making whatever is missing (and a fresh TLS certificate when it is near its end).
   * `oneTier`: the self-signed root issues the clients itself, as small PKIs and the example CAs of EST servers do.
   */
  static async open(dir: string, clock: Date, oneTier = false): Promise<BankCa> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const real = new Date();
    // Cover both real time (TLS, browsers) and any bank clock in a test, back and forth.
    const early = new Date(Math.min(real.getTime(), clock.getTime()) - 10 * YEAR);
    const late = new Date(Math.max(real.getTime(), clock.getTime()) + 30 * YEAR);
    const root = await loadOrMake(dir, 'root-ca', async (keys) => {
      return x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerialHex(), name: caName('デモ信用金庫 テスト ルートCA'), keys, notBefore: early, notAfter: late, signingAlgorithm: SIGN_ALG,
        extensions: [
          new x509.BasicConstraintsExtension(true, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
    });
    const issuing = oneTier ? root : await loadOrMake(dir, 'issuing-ca', async (keys) => {
      return x509.X509CertificateGenerator.create({
        serialNumber: randomSerialHex(), subject: caName('デモ信用金庫 法人IB 発行CA'), issuer: root.cert.subjectName,
        notBefore: early, notAfter: new Date(late.getTime() - YEAR), publicKey: keys.publicKey, signingKey: root.key, signingAlgorithm: SIGN_ALG,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
          await x509.AuthorityKeyIdentifierExtension.create(root.cert.publicKey),
        ],
      });
    }, (c) => signedBy(c, root));
    const tls = await loadOrMake(dir, 'tls-server', async (keys) => {
      return x509.X509CertificateGenerator.create({
        serialNumber: randomSerialHex(), subject: [{ CN: ['127.0.0.1'] }], issuer: issuing.cert.subjectName,
        notBefore: new Date(real.getTime() - DAY), notAfter: new Date(real.getTime() + 800 * DAY),
        publicKey: keys.publicKey, signingKey: issuing.key, signingAlgorithm: SIGN_ALG,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
          await x509.AuthorityKeyIdentifierExtension.create(issuing.cert.publicKey),
        ],
      });
    }, (c) => signedBy(c, issuing) && c.notAfter.getTime() - real.getTime() > 30 * DAY);
    // The anchor file other tools point at (policy, curl --cacert, openssl verify -CAfile).
    const rootPath = join(dir, 'root-ca.pem');
    const tlsKeyPem = await readFile(join(dir, 'tls-server.key.pem'), 'utf8');
    const aki = await x509.AuthorityKeyIdentifierExtension.create(issuing.cert.publicKey);
    return new BankCa(root, issuing, { certPem: oneTier ? tls.pem : tls.pem + issuing.pem, keyPem: tlsKeyPem }, rootPath, new NodeX509(issuing.pem), aki);
  }

  async issue(req: IssueRequest): Promise<{ der: Uint8Array; pem: string; serial: string; fingerprint: string }> {
    const serial = randomSerialHex();
    const ski = new x509.SubjectKeyIdentifierExtension(createHash('sha1').update(spkiKeyBits(new Uint8Array(req.spki))).digest('hex'));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial, subject: req.subject, issuer: this.issuing.cert.subjectName,
      notBefore: req.notBefore, notAfter: req.notAfter, publicKey: req.spki, signingKey: this.issuing.key, signingAlgorithm: SIGN_ALG,
      extensions: [...(req.rsa ? this.clientExt.rsa : this.clientExt.ec), ski],
    });
    const der = new Uint8Array(cert.rawData);
    return { der, pem: cert.toString('pem') + '\n', serial, fingerprint: sha256Hex(der) };
  }

  /** Whether the issuing CA signed this certificate (a cheap native check, before any record lookup). */
  issuedByUs(der: Uint8Array): boolean {
    try {
      const c = new NodeX509(der);
      return c.checkIssued(this.issuingNode) && c.verify(this.issuingNode.publicKey);
    } catch {
      return false;
    }
  }
}

function signedBy(c: x509.X509Certificate, issuer: Issuer): boolean {
  const parent = new NodeX509(issuer.der);
  const child = new NodeX509(new Uint8Array(c.rawData));
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

async function loadOrMake(
  dir: string,
  name: string,
  make: (keys: CryptoKeyPair) => Promise<x509.X509Certificate>,
  stillGood: (c: x509.X509Certificate) => boolean = () => true,
): Promise<Issuer> {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key.pem`);
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    const cert = new x509.X509Certificate(certPem);
    if (stillGood(cert)) {
      const key = await subtle.importKey('pkcs8', pemBody(keyPem), SIGN_ALG, false, ['sign']);
      return { cert, key, der: new Uint8Array(cert.rawData), pem: certPem };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const keys = await generateKeys('rsa2048');
  const cert = await make(keys);
  const pem = cert.toString('pem') + '\n';
  await writeAtomic(keyPath, await pkcs8Pem(keys.privateKey), 0o600);
  await writeAtomic(certPath, pem, 0o644);
  return { cert, key: keys.privateKey, der: new Uint8Array(cert.rawData), pem };
}
