// Real certificates for the transport tests, made by openssl in a private temp dir:
// a pinned root with a server and a client certificate, a second server certificate for
// another host name, and a rogue root with its own server and client certificates.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pair { certPem: string; keyPem: string }
export interface TlsFixtures {
  dir: string;
  rootPem: string;
  rootDer: Uint8Array;
  caPem: string; // issuing CA under root
  caDer: Uint8Array;
  server: Pair; // 127.0.0.1 + localhost, chained root → ca → server (the chain is sent)
  serverChainPem: string;
  otherHost: Pair; // valid chain, but only for bank.example
  rogueRootPem: string;
  rogueRootDer: Uint8Array;
  rogueServer: Pair; // 127.0.0.1 under the rogue root
  client: Pair & { p12: Uint8Array; p12Password: string; cn: string; legacyP12: Uint8Array };
  client2: Pair & { cn: string };
  rogueClient: Pair;
  csrDer: Uint8Array; // a real PKCS#10
  cleanup(): void;
}

function ossl(dir: string, args: string[], input?: string): string {
  return execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

function key(dir: string, name: string): void {
  ossl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
}

function ca(dir: string, name: string, cn: string, issuer?: string): void {
  key(dir, name);
  writeFileSync(join(dir, `${name}.ext`), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n' + (issuer ? 'authorityKeyIdentifier=keyid\n' : ''));
  if (!issuer) {
    ossl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-days', '3650', '-sha256', '-extensions', 'v3', '-config', cfg(dir, name), '-out', `${name}.pem`]);
  } else {
    ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  }
}

function cfg(dir: string, name: string): string {
  const p = join(dir, `${name}.cnf`);
  writeFileSync(p, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\n${readFileSync(join(dir, `${name}.ext`), 'utf8')}`);
  return p;
}

function leaf(dir: string, name: string, cn: string, issuer: string, ext: string): Pair {
  key(dir, name);
  writeFileSync(join(dir, `${name}.ext`), `basicConstraints=CA:FALSE\n${ext}\n`);
  ossl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
  ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-days', '365', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  return { certPem: readFileSync(join(dir, `${name}.pem`), 'utf8'), keyPem: readFileSync(join(dir, `${name}.key`), 'utf8') };
}

const der = (dir: string, name: string) => new Uint8Array(execFileSync('openssl', ['x509', '-in', `${name}.pem`, '-outform', 'DER'], { cwd: dir }));

export function makeTlsFixtures(): TlsFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-est-'));
  ca(dir, 'root', 'Test Bank Root');
  ca(dir, 'ca', 'Test Bank Issuing CA', 'root');
  ca(dir, 'rogue', 'Rogue Root');
  const serverExt = 'extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature';
  const server = leaf(dir, 'server', '127.0.0.1', 'ca', `${serverExt}\nsubjectAltName=IP:127.0.0.1,DNS:localhost`);
  const otherHost = leaf(dir, 'other', 'bank.example', 'ca', `${serverExt}\nsubjectAltName=DNS:bank.example`);
  const rogueServer = leaf(dir, 'rogueserver', '127.0.0.1', 'rogue', `${serverExt}\nsubjectAltName=IP:127.0.0.1,DNS:localhost`);
  const clientExt = 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature';
  const client = leaf(dir, 'client', 'CORP0001', 'ca', clientExt);
  const client2 = leaf(dir, 'client2', 'CORP0002', 'ca', clientExt);
  const rogueClient = leaf(dir, 'rogueclient', 'CORP0001', 'rogue', clientExt);
  const p12Password = 'p12-pass-Ω';
  ossl(dir, ['pkcs12', '-export', '-inkey', 'client.key', '-in', 'client.pem', '-certfile', 'ca.pem', '-passout', 'stdin', '-out', 'client.p12'], p12Password);
  // RC2/3DES, as old Windows exports: Node's OpenSSL 3 cannot read it.
  ossl(dir, ['pkcs12', '-export', '-legacy', '-inkey', 'client.key', '-in', 'client.pem', '-passout', 'stdin', '-out', 'legacy.p12'], p12Password);
  ossl(dir, ['req', '-new', '-key', 'client.key', '-subj', '/CN=CORP0001', '-outform', 'DER', '-out', 'csr.der']);
  const caPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
  return {
    dir,
    rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
    rootDer: der(dir, 'root'),
    caPem,
    caDer: der(dir, 'ca'),
    server,
    serverChainPem: server.certPem + caPem,
    otherHost: { ...otherHost, certPem: otherHost.certPem + caPem },
    rogueRootPem: readFileSync(join(dir, 'rogue.pem'), 'utf8'),
    rogueRootDer: der(dir, 'rogue'),
    rogueServer,
    client: { ...client, p12: new Uint8Array(readFileSync(join(dir, 'client.p12'))), legacyP12: new Uint8Array(readFileSync(join(dir, 'legacy.p12'))), p12Password, cn: 'CORP0001' },
    client2: { ...client2, cn: 'CORP0002' },
    rogueClient,
    csrDer: new Uint8Array(readFileSync(join(dir, 'csr.der'))),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A certs-only CMS (base64, as EST sends it) made by openssl from PEM certificates. */
export function certsOnlyBase64(dir: string, pems: string[]): string {
  const file = join(dir, `bundle-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(file, pems.join(''));
  const derOut = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', file, '-outform', 'DER']);
  return derOut.toString('base64').replace(/.{64}/g, '$&\n') + '\n';
}
