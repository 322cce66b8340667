// No code loaded from what the user (any program the user runs) can write (issue 23 item 2):
// a pkcs11.module in the per-user policy file, a library named by CERTDESK_SOFTOKN. The
// "library" is a real shared object built here with gcc whose constructor writes a marker
// file: dlopen() runs the constructor, so no marker means it was never loaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli';
import { softoknCandidates, softoknPath } from '../../src/main/core/store/pkcs11/softoken';
import { newNssDb, rm, tempDir, writePolicy } from '../support/cli-world';

let work: string;
let anchor: string;

beforeAll(async () => {
  work = await tempDir('certdesk-user-code-');
  anchor = join(work, 'root.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=root', '-days', '30', '-keyout', join(work, 'root.key'), '-out', anchor], { stdio: 'ignore' });
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A shared library whose constructor writes `marker` when it is loaded. */
function markerLibrary(dir: string, name: string, marker: string): string {
  mkdirSync(dir, { recursive: true });
  const src = join(dir, 'evil.c');
  writeFileSync(src, `#include <stdio.h>\n__attribute__((constructor)) static void loaded(void) { FILE *f = fopen(${JSON.stringify(marker)}, "w"); if (f) { fputs("loaded\\n", f); fclose(f); } }\n`);
  const lib = join(dir, name);
  execFileSync('gcc', ['-shared', '-fPIC', '-o', lib, src]);
  return lib;
}

describe('a PKCS#11 module named in the per-user policy', () => {
  it('certdesk status does not load it and reports the refusal (the built-in policy sets only bankName, endpoint and the anchor)', { timeout: 60_000 }, async () => {
    const dir = join(work, 'pkcs11');
    const marker = join(dir, 'module-was-loaded');
    const lib = markerLibrary(join(dir, 'home', 'lib'), 'libevil-p11.so', marker);
    // The library is real: loading it writes the marker (the proof this test can see a load).
    spawnSync(process.execPath, ['-e', `try { process.dlopen({ exports: {} }, ${JSON.stringify(lib)}); } catch {}`]);
    expect(existsSync(marker)).toBe(true);
    await rm(marker, { force: true });

    const resources = join(dir, 'resources');
    const xdg = join(dir, 'home', '.config');
    const db = join(dir, 'nssdb');
    for (const d of [resources, join(xdg, 'certdesk'), db]) mkdirSync(d, { recursive: true });
    await newNssDb(db);
    await writePolicy(resources, { bankName: 'テスト銀行', endpoint: 'https://127.0.0.1:9/.well-known/est', trustAnchorFile: anchor });
    const userFile = await writePolicy(join(xdg, 'certdesk'), { pkcs11: { module: lib, tokenLabel: 'bank' }, keyStorage: 'pkcs11' });

    const proc = process as { resourcesPath?: string };
    const savedXdg = process.env.XDG_CONFIG_HOME;
    proc.resourcesPath = resources;
    process.env.XDG_CONFIG_HOME = xdg;
    let stdout = '';
    let stderr = '';
    let code: number;
    try {
      const stdin = Object.assign(new PassThrough(), { isTTY: false });
      stdin.end();
      const env = { ...process.env, LANG: 'C.UTF-8', CERTDESK_DATA_DIR: join(dir, 'data'), XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: xdg, CERTDESK_STATUS_FILE: join(dir, 'status.json') };
      code = await runCli(['status', '--json', '--lang', 'en', '--store', `nss:${db}`], { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin, env }, { platform: 'linux', exec: async () => undefined });
    } finally {
      delete proc.resourcesPath;
      if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = savedXdg;
    }
    expect(existsSync(marker), 'the user\'s library was loaded').toBe(false);
    expect(code, stdout + stderr).not.toBe(0);
    const out = JSON.parse(stdout) as { error?: { code: string; message: string; detail?: Record<string, unknown> } };
    expect(out.error).toMatchObject({ code: 'POLICY_INVALID', detail: { field: 'pkcs11', file: userFile, reason: 'USER_FIELD_NOT_ALLOWED' } });
    // --lang en: the JSON's message is the reader's language (under ja it is rendered from code, reason and facts).
    expect(out.error?.message).toContain(`The policy ${userFile} sets pkcs11, which only the bank's built-in policy (its CertDesk installer), the machine policy /etc/certdesk/policy.json may set`);
  });
});

describe('CERTDESK_SOFTOKN', () => {
  it('names only one of the system\'s softoken places; any other library is refused before it is loaded', () => {
    const dir = join(work, 'softokn');
    const marker = join(dir, 'softokn-was-loaded');
    const lib = markerLibrary(dir, 'libsoftokn3.so', marker);
    const db = join(dir, 'nssdb');
    mkdirSync(db);
    execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]);
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'store', 'store-child.ts'), 'list', db], {
      env: { ...process.env, CERTDESK_SOFTOKN: lib },
      encoding: 'utf8',
    });
    expect(existsSync(marker), 'the library named by CERTDESK_SOFTOKN was loaded').toBe(false);
    expect(child.status, child.stderr).toBe(1);
    const e = JSON.parse(child.stdout) as { code: string; reason: string; message: string };
    expect(e).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'SOFTOKN_REFUSED' });
    expect(e.message).toContain(`CERTDESK_SOFTOKN names ${lib}, which is not one of the system's NSS softoken places`);

    // A system place is taken as named; unset, the first that exists.
    const system = softoknCandidates().find((p) => existsSync(p))!;
    expect(softoknPath(system)).toBe(system);
    expect(softoknPath(undefined)).toBe(system);
    const ok = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'store', 'store-child.ts'), 'list', db], { env: { ...process.env, CERTDESK_SOFTOKN: system }, encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  });

  it('the places per distribution and architecture', () => {
    expect(softoknCandidates('x64')).toEqual(['/usr/lib/x86_64-linux-gnu', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu/nss', '/usr/lib64', '/usr/lib64/nss', '/usr/lib', '/usr/lib/nss'].map((d) => `${d}/libsoftokn3.so`));
    expect(softoknCandidates('arm64')[0]).toBe('/usr/lib/aarch64-linux-gnu/libsoftokn3.so');
    // Relative, or a path that only ends like one of them: refused.
    for (const p of ['libsoftokn3.so', '/home/u/usr/lib64/libsoftokn3.so', '/usr/lib64/../../home/u/libsoftokn3.so']) expect(() => softoknPath(p)).toThrow(/not one of the system's NSS softoken places/);
  });
});
