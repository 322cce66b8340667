// Hostile PKCS#12 files into readPkcs12 (the user's own file, or one a store tool wrote).
// Seeds come from openssl with one KDF round (-noiter/-nomaciter) so that a case costs
// microseconds, not the 2048+ rounds of a real file; with and without a MAC, so that damage
// reaches the parser behind the MAC check; AES (PBES2) and legacy 3DES.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPkcs12 } from '../../src/main/core/pki';
import { FUZZ_RUNS, HEAP_GROWTH_LIMIT, count, heapUsed, newTally, oneCase } from './harness';
import { fuzzParams } from './seed';
import { lyingLength, mutated, nestingBomb } from './mutate';

const PASSWORD = 'fuzz-pw';
const seeds: Record<string, Uint8Array> = {};

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-fuzz-p12-'));
  const ossl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '5', '-subj', '/C=JP/CN=fuzz-p12']);
    const variants: Record<string, string[]> = {
      aesMac: ['-noiter', '-nomaciter'],
      aesNoMac: ['-noiter', '-nomac'],
      des3Mac: ['-noiter', '-nomaciter', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
      des3NoMac: ['-noiter', '-nomac', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'],
      plainNoMac: ['-noiter', '-nomac', '-keypbe', 'NONE', '-certpbe', 'NONE'],
    };
    for (const [name, args] of Object.entries(variants)) {
      ossl(['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-passout', `pass:${PASSWORD}`, '-out', `${name}.p12`, ...args]);
      seeds[name] = new Uint8Array(readFileSync(join(dir, `${name}.p12`)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('readPkcs12 under hostile files', () => {
  it('reads the undamaged seeds (else the fuzzing below proves nothing)', async () => {
    for (const [name, p12] of Object.entries(seeds)) {
      const r = await readPkcs12(p12, PASSWORD);
      expect(r.privateKeyPkcs8.byteLength, name).toBeGreaterThan(0);
    }
  });

  it('answers every damaged file with an identity or a CoreError', async () => {
    const input = fc.tuple(
      fc.oneof(
        ...Object.values(seeds).map((s) => ({ weight: 3, arbitrary: mutated(s) })),
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
        { weight: 1, arbitrary: nestingBomb },
        { weight: 1, arbitrary: lyingLength },
      ),
      fc.oneof({ weight: 8, arbitrary: fc.constant(PASSWORD) }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.constant('') }),
    );
    const tally = newTally();
    const before = heapUsed();
    await fc.assert(
      fc.asyncProperty(input, async ([bytes, password]) => {
        const o = await oneCase(() => readPkcs12(bytes, password));
        count(tally, o);
        if (o.ok) {
          expect(o.value.privateKeyPkcs8[0]).toBe(0x30);
          expect(o.value.certificateDer[0]).toBe(0x30);
        } else {
          expect(['INVALID_INPUT', 'BAD_RESPONSE']).toContain(o.error.code);
        }
      }),
      fuzzParams('readPkcs12', FUZZ_RUNS),
    );
    const growth = heapUsed() - before;
    console.log(`readPkcs12: ${FUZZ_RUNS} cases, ${tally.ok} read, errors ${JSON.stringify(Object.fromEntries(tally.errors))}, slowest ${tally.maxMs.toFixed(1)} ms, heap +${(growth / 1048576).toFixed(1)} MB`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
    expect(tally.ok).toBeGreaterThan(0);
    expect(tally.errors.size).toBeGreaterThan(2);
  });
});
