// Real seeds for the fuzzers, made with openssl: a CA and a client certificate with every
// extension inspectCertificate reads, a certs-only CMS holding both, and their PEM/base64 forms.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Seeds {
  caDer: Uint8Array;
  leafDer: Uint8Array;
  rsaLeafDer: Uint8Array;
  cmsDer: Uint8Array;
  cmsBase64: string;
  caPem: string;
}

const ossl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function makeSeeds(): Seeds {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-fuzz-'));
  try {
    ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
      '-subj', '/C=JP/O=Fuzz Bank/CN=Fuzz CA', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    writeFileSync(join(dir, 'leaf.ext'), [
      'basicConstraints=critical,CA:false',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=clientAuth,1.2.3.4.5',
      'subjectAltName=DNS:client.example,email:taro@example.jp,IP:127.0.0.1,IP:::1,URI:https://bank.example/x',
    ].join('\n'));
    for (const [name, alg] of [['leaf', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']], ['rsa', ['-newkey', 'rsa:2048']]] as const) {
      ossl(['req', '-new', ...alg, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-utf8', '-subj', '/C=JP/O=ファズ株式会社/OU=法人IB/CN=fuzz-user'], dir);
      ossl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '10', '-extfile', 'leaf.ext', '-out', `${name}.pem`], dir);
    }
    ossl(['crl2pkcs7', '-nocrl', '-certfile', 'leaf.pem', '-certfile', 'ca.pem', '-outform', 'DER', '-out', 'certs.p7b'], dir);
    const der = (f: string) => new Uint8Array(ossl(['x509', '-in', f, '-outform', 'DER'], dir));
    const cmsDer = new Uint8Array(readFileSync(join(dir, 'certs.p7b')));
    return {
      caDer: der('ca.pem'),
      leafDer: der('leaf.pem'),
      rsaLeafDer: der('rsa.pem'),
      cmsDer,
      cmsBase64: Buffer.from(cmsDer).toString('base64').replace(/.{64}/g, '$&\n') + '\n',
      caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
