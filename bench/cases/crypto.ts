// RSA-2048 key generation and request building: CertDesk in process (Node WebCrypto through
// pkijs) against one openssl process each. The spawn floor row says what a process costs here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pki from '../../src/main/core/pki';
import { compare, row, run, type BenchRow } from '../lib';

const SUBJECT = [
  { oid: '2.5.4.6', value: 'JP', encoding: 'printable' as const },
  { oid: '2.5.4.10', value: 'Bench Bank Customer' },
  { oid: '2.5.4.3', value: 'bench-user-0001' },
];

export async function spawnFloor(runs: number): Promise<BenchRow> {
  const r = await compare({
    runs,
    setup: async () => undefined,
    ours: () => run(process.execPath, ['-e', '']),
    ref: () => run('openssl', ['version']),
  });
  return row('process-spawn-floor', r.ours, r.ref, runs, 'ours: `node -e ""` (an empty Node process); ref: `openssl version`. What starting a process costs before any work.');
}

export async function keygen(runs: number): Promise<BenchRow> {
  const r = await compare({
    runs,
    setup: async () => undefined,
    ours: async () => {
      const keys = await pki.generateKeyPair('rsa2048');
      await pki.exportPkcs8(keys.privateKey);
    },
    ref: () => run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']),
  });
  return row('rsa2048-keygen', r.ours, r.ref, runs,
    'ours: pki.generateKeyPair("rsa2048") + exportPkcs8, in process (no spawn); ref: one `openssl genpkey` process writing PEM to a pipe (spawn included). Prime search makes single runs vary widely.');
}

export async function csr(runs: number): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-bench-csr-'));
  try {
    const keyPath = join(dir, 'key.pem');
    // One key for both sides: ours holds it as a CryptoKey, openssl reads it as PEM.
    const keys = await pki.generateKeyPair('rsa2048');
    writeFileSync(keyPath, pki.derToPem(await pki.exportPkcs8(keys.privateKey), 'PRIVATE KEY'), { mode: 0o600 });
    const r = await compare({
      runs,
      setup: async () => undefined,
      ours: () => pki.buildCsr({ keys, subject: SUBJECT }),
      ref: () => run('openssl', ['req', '-new', '-key', keyPath, '-subj', '/C=JP/O=Bench Bank Customer/CN=bench-user-0001', '-outform', 'DER']),
    });
    return row('csr-build', r.ours, r.ref, runs,
      'ours: pki.buildCsr with an existing RSA-2048 key, in process; ref: one `openssl req -new -key K -subj …` process (spawn and PEM key parse included).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
