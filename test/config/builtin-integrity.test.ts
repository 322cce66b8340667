// The bank's built-in policy and anchor sit beside the asar, user-writable on a per-user
// install (issue 24 item 7): each is checked against the SHA-256 the build compiled into the
// main bundle, hashed from the very bytes that are parsed. Real files; the build's part by
// the vite config's own define and an esbuild bundle that compiles it in, as the build does.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/main/core/config';
import { builtinDigests, packagedDigests } from '../../src/main/core/config/builtin-integrity';
import { caught } from '../support/caught';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-builtin-'));
  for (const name of ['bank-root', 'attacker']) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`, '-days', '30', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { stdio: 'ignore' });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BANK = { bankName: 'テスト銀行', endpoint: 'https://est.bank.example/.well-known/est', trustAnchorFile: 'bank-root.pem' };
let n = 0;
/** An installed app's resources folder as the build packed it (build/bank's files), and the digests the build compiled in. */
function installed(policy: object = BANK) {
  const resources = join(dir, `app${++n}`, 'resources');
  mkdirSync(resources, { recursive: true });
  writeFileSync(join(resources, 'policy.json'), JSON.stringify(policy, null, 2) + '\n');
  copyFileSync(join(dir, 'bank-root.pem'), join(resources, 'bank-root.pem'));
  const digests = builtinDigests(resources);
  const load = (d: Record<string, string> | null = digests) => loadPolicy({ platform: 'linux', env: { HOME: join(dir, 'nohome') }, resourcesPath: resources, machineFile: join(dir, 'no-machine.json'), builtinDigests: d });
  return { resources, policyFile: join(resources, 'policy.json'), anchorFile: join(resources, 'bank-root.pem'), digests, load };
}

describe('the built-in policy and anchor against the build\'s SHA-256', () => {
  it('as built: used', async () => {
    const app = installed();
    const l = await app.load();
    expect(l.policy.endpoint).toBe(BANK.endpoint);
    expect(l.policy.trustAnchorPem).toBe(readFileSync(join(dir, 'bank-root.pem'), 'utf8').trim() + '\n');
    expect(l.origins?.endpoint).toBe(app.policyFile);
  });

  it('a policy.json changed after installation (another endpoint) is refused, naming the file and what to do', async () => {
    const app = installed();
    writeFileSync(app.policyFile, JSON.stringify({ ...BANK, endpoint: 'https://evil.example/.well-known/est' }, null, 2) + '\n');
    const e = await caught(app.load());
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.detail).toMatchObject({ field: '(file)', file: app.policyFile, reason: 'BUILTIN_MODIFIED' });
    expect(e.message).toBe(`The bank's built-in policy ${app.policyFile} is not the one this CertDesk was built with (its SHA-256 differs): it was changed after installation, so it is not used. Reinstall CertDesk from the bank's installer, or ask your IT department.`);
    // One byte is enough (a BOM added, as an editor might).
    const bom = installed();
    writeFileSync(bom.policyFile, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(bom.policyFile)]));
    expect((await caught(bom.load())).detail).toMatchObject({ reason: 'BUILTIN_MODIFIED' });
  });

  it('an anchor replaced by another CA is refused', async () => {
    const app = installed();
    copyFileSync(join(dir, 'attacker.pem'), app.anchorFile);
    const e = await caught(app.load());
    expect(e.detail).toMatchObject({ field: 'trustAnchorFile', file: app.anchorFile, reason: 'BUILTIN_MODIFIED' });
    expect(e.message).toContain(`The bank's built-in trust anchor ${app.anchorFile} is not the one this CertDesk was built with`);
  });

  it('a policy.json where the build packed none, or an anchor outside the resources folder, is refused', async () => {
    const app = installed();
    const e = await caught(app.load({}));
    expect(e.detail).toMatchObject({ file: app.policyFile, reason: 'BUILTIN_MODIFIED' });
    expect(e.message).toContain(`${app.policyFile} is not part of this CertDesk (its build packed no such file): it was put there after installation`);
    const outside = installed({ ...BANK, trustAnchorFile: join(dir, 'attacker.pem') });
    const o = await caught(outside.load());
    expect(o.detail).toMatchObject({ field: 'trustAnchorFile', file: join(dir, 'attacker.pem'), reason: 'BUILTIN_MODIFIED' });
    expect(o.message).toContain('which is not packed with CertDesk');
  });

  it('not a packaged build (tests, the CLI under Node): no digests compiled in, the file is read as it is', async () => {
    expect(packagedDigests()).toBeNull();
    const app = installed();
    writeFileSync(app.policyFile, JSON.stringify({ ...BANK, bankName: 'dev' }));
    expect((await app.load(null)).policy.bankName).toBe('dev');
  });
});

describe('the build', () => {
  it('hashes what electron-builder packs from build/bank (policy.json, *.pem at its top), as sha256sum does', () => {
    const bank = join(dir, 'bank');
    mkdirSync(join(bank, 'sub'), { recursive: true });
    writeFileSync(join(bank, 'policy.json'), '{}\n');
    copyFileSync(join(dir, 'bank-root.pem'), join(bank, 'bank-root.pem'));
    writeFileSync(join(bank, 'README.md'), 'x');
    writeFileSync(join(bank, 'sub', 'x.pem'), 'x');
    const sums = Object.fromEntries(execFileSync('sha256sum', ['policy.json', 'bank-root.pem'], { cwd: bank, encoding: 'utf8' }).trim().split('\n').map((l) => l.split(/\s+\*?/).reverse()));
    expect(builtinDigests(bank)).toEqual(sums);
    expect(builtinDigests(join(dir, 'none'))).toEqual({});
  });

  it('electron.vite.config.ts compiles them into the main bundle, and the bundled core reads them', async () => {
    const config = (await import('../../electron.vite.config')).default as { main: { define: Record<string, string> } };
    const define = config.main.define.__CERTDESK_BUILTIN_DIGESTS__!;
    expect(JSON.parse(define)).toEqual(builtinDigests(resolve('build/bank')));
    // Bundled with a define as the main build does: the constant is in the code.
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `import { packagedDigests } from ${JSON.stringify(resolve('src/main/core/config/builtin-integrity.ts'))};\nconsole.log(JSON.stringify(packagedDigests()));\n`);
    const digests = { 'policy.json': 'a'.repeat(64) };
    for (const [defined, expected] of [[{ __CERTDESK_BUILTIN_DIGESTS__: JSON.stringify(digests) }, digests], [{}, null]] as const) {
      const out = join(dir, `bundle${Object.keys(defined).length}.mjs`);
      await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', define: { ...defined }, logLevel: 'silent' });
      expect(JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' }))).toEqual(expected);
    }
  });
});
