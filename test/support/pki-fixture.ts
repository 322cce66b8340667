// A test CA hierarchy made by openssl (root → issuing CA → client certificates), as DER
// and PKCS#8, shared by the store tests and the Chromium test.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  der: Uint8Array;
  pem: string;
  keyPem: string;
  pkcs8: Uint8Array;
}

export interface TestPki {
  dir: string;
  root: TestCert;
  issuing: TestCert;
  /** Issues a client certificate from the issuing CA. */
  client(opts: { subject: string; days: number; key?: 'rsa' | 'ec'; startDaysAgo?: number; keyPem?: string }): TestCert;
  /** A server certificate for 127.0.0.1/localhost from the issuing CA. */
  server(): TestCert;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function load(dir: string, name: string): TestCert {
  const pem = readFileSync(join(dir, `${name}.pem`), 'utf8');
  const keyPem = readFileSync(join(dir, `${name}.key`), 'utf8');
  openssl(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`], dir);
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', `${name}.key`, '-outform', 'DER', '-out', `${name}.p8`], dir);
  return { pem, keyPem, der: new Uint8Array(readFileSync(join(dir, `${name}.der`))), pkcs8: new Uint8Array(readFileSync(join(dir, `${name}.p8`))) };
}

export function makeTestPki(label = 'CertDesk Test'): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-pki-'));
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  writeFileSync(join(dir, 'client.ext'), 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  writeFileSync(join(dir, 'server.ext'), 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-subj', `/C=JP/O=${label}/CN=${label} Root CA`, '-days', '3650', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'issuing.key', '-out', 'issuing.csr', '-subj', `/C=JP/O=${label}/CN=${label} Issuing CA`], dir);
  openssl(['x509', '-req', '-in', 'issuing.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-out', 'issuing.pem', '-days', '3000', '-extfile', 'ca.ext'], dir);
  let n = 0;
  const issue = (subject: string, days: number, ext: string, key: 'rsa' | 'ec', keyPem?: string): TestCert => {
    const name = `leaf${n++}`;
    if (keyPem) writeFileSync(join(dir, `${name}.key`), keyPem, { mode: 0o600 });
    else if (key === 'ec') openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
    else openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`], dir);
    openssl(['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject, '-utf8'], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'issuing.pem', '-CAkey', 'issuing.key', '-out', `${name}.pem`, '-days', String(days), '-extfile', ext, '-set_serial', `0x${(Date.now() + n).toString(16)}`], dir);
    return load(dir, name);
  };
  return {
    dir,
    root: load(dir, 'root'),
    issuing: load(dir, 'issuing'),
    client: ({ subject, days, key = 'rsa', keyPem }) => issue(subject, days, 'client.ext', key, keyPem),
    server: () => issue('/CN=127.0.0.1', 365, 'server.ext', 'rsa'),
  };
}
