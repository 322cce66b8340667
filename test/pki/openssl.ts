// Test CAs and checks made with the openssl command line, in a private temp dir.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  name: string;
  certPath: string;
  keyPath: string;
  der: Uint8Array;
}

export interface IssueOpts {
  days?: number;
  /** openssl extension lines, e.g. "extendedKeyUsage=clientAuth". */
  ext?: string[];
  /** The serial as openssl's -set_serial takes it ("-0x7915", "0"); else the next of the lab's own. */
  serial?: string;
}

export class OpensslLab {
  readonly dir = mkdtempSync(join(tmpdir(), 'certdesk-pki-test-'));
  private serial = 1000;
  private n = 0;

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, data: Uint8Array | string): string {
    const p = this.path(name);
    writeFileSync(p, data, { mode: 0o600 });
    return p;
  }

  /** Runs openssl; throws with stderr on a non-zero exit. */
  run(args: string[], input?: Uint8Array | string): Buffer {
    return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], cwd: this.dir });
  }

  /** Runs a command, returning code and output instead of throwing. */
  tryRun(cmd: string, args: string[], input?: Uint8Array | string): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(cmd, args, { input, cwd: this.dir, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  private extFile(lines: string[]): string {
    return this.write(`ext${++this.n}.cnf`, lines.join('\n') + '\n');
  }

  makeRoot(name: string, opts: { days?: number; keyUsage?: string } = {}): TestCa {
    const keyPath = this.path(`ca${++this.n}.key`);
    const certPath = this.path(`ca${this.n}.pem`);
    this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath]);
    this.run(['req', '-x509', '-new', '-key', keyPath, '-out', certPath, '-utf8', '-subj', `/C=JP/O=Test Bank/CN=${name}`,
      '-days', String(opts.days ?? 3650), '-set_serial', String(++this.serial),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', `keyUsage=critical,${opts.keyUsage ?? 'keyCertSign,cRLSign'}`]);
    return { name, certPath, keyPath, der: this.derOf(certPath) };
  }

  makeCa(name: string, parent: TestCa, opts: { days?: number; keyUsage?: string } = {}): TestCa {
    const keyPath = this.path(`ca${++this.n}.key`);
    this.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath]);
    const csr = this.run(['req', '-new', '-key', keyPath, '-utf8', '-subj', `/C=JP/O=Test Bank/CN=${name}`, '-outform', 'DER']);
    const der = this.issue(parent, csr, {
      days: opts.days ?? 1825,
      ext: ['basicConstraints=critical,CA:TRUE,pathlen:0', `keyUsage=critical,${opts.keyUsage ?? 'keyCertSign,cRLSign'}`],
    });
    const certPath = this.write(`ca${++this.n}.pem`, toPem(der));
    return { name, certPath, keyPath, der };
  }

  /** Signs a PKCS#10 request (DER) with `ca`, keeping the request's subject; returns DER. */
  issue(ca: TestCa, csrDer: Uint8Array, opts: IssueOpts = {}): Uint8Array {
    const csrPath = this.write(`req${++this.n}.der`, csrDer);
    const ext = this.extFile(opts.ext ?? ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth']);
    return new Uint8Array(this.run(['x509', '-req', '-inform', 'DER', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath,
      '-set_serial', opts.serial ?? String(++this.serial), '-days', String(opts.days ?? 365), '-extfile', ext, '-outform', 'DER']));
  }

  /** A new key (PEM path) and an openssl-made request for `subj` (DER). */
  request(subj: string, keyAlg: 'rsa' | 'ec' = 'ec'): { keyPath: string; csrDer: Uint8Array } {
    const keyPath = this.path(`leaf${++this.n}.key`);
    this.run(keyAlg === 'rsa'
      ? ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyPath]
      : ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath]);
    const csrDer = new Uint8Array(this.run(['req', '-new', '-key', keyPath, '-utf8', '-subj', subj, '-outform', 'DER']));
    return { keyPath, csrDer };
  }

  derOf(pemPath: string): Uint8Array {
    return new Uint8Array(this.run(['x509', '-in', pemPath, '-outform', 'DER']));
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
