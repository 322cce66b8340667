// A small hostile EST server: the bank simulator's own TLS identity and issuing CA (read from
// its data folder), so the client trusts it, answering simplereenroll however a test says.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { buildCertsOnly } from '../../src/main/core/pki';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const DAY = 86_400_000;

export type Mode = 'good' | 'close' | 'slow' | 'error500' | 'otherKey' | 'otherCa' | 'expired' | 'garbage' | 'empty'
  /** A good certificate, plus an "Evil Intermediate CA" of an unrelated root (and that root) in the answer. */
  | 'evilIntermediate'
  /** A good key, but another subject than the request's (simpleenroll). */
  | 'otherSubject';

/** What cacerts answers: the bank's list, it with a certificate that must not be stored as a CA, or a 500. */
export type CacertsMode = 'good' | 'nonCa' | 'noKeyCertSign' | 'error500';

export interface Hostile {
  url: string;
  mode: Mode;
  cacertsMode: CacertsMode;
  /** How many simplereenroll/simpleenroll requests arrived (in any mode). */
  enrolls: number;
  /** A serverAuth certificate for `host` signed by the evil intermediate (PEM), to show what trusting it would allow. */
  evilServerCertPem(host: string): Promise<string>;
  evilIntermediatePem: string;
  stop(): Promise<void>;
}

interface Signer { cert: x509.X509Certificate; key: webcrypto.CryptoKey }

async function signerFrom(certPem: string, keyPem: string): Promise<Signer> {
  const der = x509.PemConverter.decodeFirst(keyPem);
  const key = await webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']) as unknown as webcrypto.CryptoKey;
  return { cert: new x509.X509Certificate(certPem), key };
}

async function otherCa(): Promise<Signer> {
  const keys = await webcrypto.subtle.generateKey({ ...ALG, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, false, ['sign', 'verify']) as unknown as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'C=JP, O=Not The Bank, CN=Impostor CA', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY),
    keys, signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { cert, key: keys.privateKey };
}

async function subCa(name: string, by: Signer, usages: x509.KeyUsageFlags, ca = true): Promise<Signer> {
  const keys = await webcrypto.subtle.generateKey({ ...ALG, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, false, ['sign', 'verify']) as unknown as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex').replace(/^./, '2'), subject: name, issuer: by.cert.subjectName,
    notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY), publicKey: keys.publicKey, signingKey: by.key, signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(ca, undefined, true), new x509.KeyUsagesExtension(usages, true)],
  });
  return { cert, key: keys.privateKey };
}

async function serverCert(host: string, by: Signer): Promise<string> {
  const keys = await webcrypto.subtle.generateKey({ ...ALG, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, false, ['sign', 'verify']) as unknown as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex').replace(/^./, '3'), subject: `CN=${host}`, issuer: by.cert.subjectName,
    notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 90 * DAY), publicKey: keys.publicKey, signingKey: by.key, signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]), new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }])],
  });
  return cert.toString('pem');
}

async function issue(csrDer: Uint8Array, by: Signer, opts: { otherKey?: boolean; expired?: boolean; subject?: string }): Promise<Uint8Array> {
  const csr = new x509.Pkcs10CertificateRequest(csrDer);
  let publicKey = await csr.publicKey.export();
  if (opts.otherKey) {
    const k = await webcrypto.subtle.generateKey({ ...ALG, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']) as unknown as webcrypto.CryptoKeyPair;
    publicKey = k.publicKey;
  }
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(12).toString('hex').replace(/^./, '1'),
    subject: opts.subject ?? csr.subjectName, issuer: by.cert.subjectName,
    notBefore: new Date(opts.expired ? now - 400 * DAY : now - 60_000), notAfter: new Date(opts.expired ? now - 35 * DAY : now + 365 * DAY),
    publicKey, signingKey: by.key, signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
  return new Uint8Array(cert.rawData);
}

const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');

export async function startHostile(bankDataDir: string): Promise<Hostile> {
  const ca = join(bankDataDir, 'ca');
  const read = (f: string) => readFileSync(join(ca, f), 'utf8');
  const issuing = await signerFrom(read('issuing-ca.pem'), read('issuing-ca.key.pem'));
  const impostor = await otherCa();
  const evil = await subCa('C=JP, O=Evil, CN=Evil Intermediate CA', impostor, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  // Signed by the bank's own issuing CA, so that only the CA check (not the path) refuses them.
  const notCa = await subCa('C=JP, O=Fault Bank, CN=Not A CA', issuing, x509.KeyUsageFlags.digitalSignature, false);
  const noSign = await subCa('C=JP, O=Fault Bank, CN=Sign-Only CA', issuing, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign);
  const rootDer = new Uint8Array(new x509.X509Certificate(read('root-ca.pem')).rawData);
  const der = (s: Signer) => new Uint8Array(s.cert.rawData);
  const sockets = new Set<Socket>();
  const state = { mode: 'good' as Mode, cacertsMode: 'good' as CacertsMode, enrolls: 0 };
  const server: Server = createServer({ key: read('tls-server.key.pem'), cert: read('tls-server.pem') + read('issuing-ca.pem'), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const pkcs7 = (der: Uint8Array) => {
          const body = b64(der);
          res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime; smime-type=certs-only', 'Content-Transfer-Encoding': 'base64', 'Content-Length': Buffer.byteLength(body) });
          res.end(body);
        };
        if (req.url?.endsWith('/cacerts')) {
          if (state.cacertsMode === 'error500') return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
          const extra = state.cacertsMode === 'nonCa' ? [der(notCa)] : state.cacertsMode === 'noKeyCertSign' ? [der(noSign)] : [];
          return pkcs7(buildCertsOnly([der(issuing), ...extra, rootDer]));
        }
        const enroll = req.url?.endsWith('/simpleenroll');
        if (!req.url?.endsWith('/simplereenroll') && !enroll) return void res.writeHead(404).end();
        // 取得 as a bank does it: the login only after the challenge.
        if (enroll && !req.headers.authorization) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="est"' }).end();
        state.enrolls++;
        const csrDer = new Uint8Array(Buffer.from(Buffer.concat(chunks).toString('latin1'), 'base64'));
        switch (state.mode) {
          case 'good': return pkcs7(buildCertsOnly([await issue(csrDer, issuing, {})]));
          case 'otherKey': return pkcs7(buildCertsOnly([await issue(csrDer, issuing, { otherKey: true })]));
          case 'otherCa': return pkcs7(buildCertsOnly([await issue(csrDer, impostor, {}), new Uint8Array(impostor.cert.rawData)]));
          case 'expired': return pkcs7(buildCertsOnly([await issue(csrDer, issuing, { expired: true })]));
          case 'evilIntermediate': return pkcs7(buildCertsOnly([await issue(csrDer, issuing, {}), der(evil), der(impostor)]));
          case 'otherSubject': return pkcs7(buildCertsOnly([await issue(csrDer, issuing, { subject: 'C=JP, O=Fault Bank, CN=someone-else' })]));
          case 'error500': return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error');
          case 'empty': return void res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime', 'Content-Length': 0 }).end();
          case 'garbage': {
            const junk = randomBytes(10 * 1024 * 1024);
            res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime', 'Content-Length': junk.length });
            return void res.end(junk);
          }
          case 'close': {
            const body = b64(buildCertsOnly([await issue(csrDer, issuing, {})]));
            res.writeHead(200, { 'Content-Type': 'application/pkcs7-mime', 'Content-Length': Buffer.byteLength(body) });
            res.write(body.slice(0, 100));
            setTimeout(() => req.socket.destroy(), 50);
            return;
          }
          case 'slow':
            return; // never answers; the client's request timeout must end it
        }
      })().catch(() => res.destroy());
    });
  });
  server.on('secureConnection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/.well-known/est`,
    get mode() { return state.mode; },
    set mode(m: Mode) { state.mode = m; },
    get cacertsMode() { return state.cacertsMode; },
    set cacertsMode(m: CacertsMode) { state.cacertsMode = m; },
    evilServerCertPem: (host) => serverCert(host, evil),
    evilIntermediatePem: evil.cert.toString('pem'),
    get enrolls() { return state.enrolls; },
    set enrolls(n: number) { state.enrolls = n; },
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
