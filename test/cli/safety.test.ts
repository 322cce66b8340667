// The command line as a user runs it, against the bank simulator and a real NSS db:
// - text from outside reaches the terminal escaped (a CN carrying ESC[2J and a right-to-left
//   override, a file name, a bad argument), JSON stays JSON and round-trips the raw value;
// - `status` and `inspect` only read: after a kill at `install` they leave the journal and
//   the db as they are and say what waits; `status --recover` finishes it;
// - the private folders a killed run left in $TMPDIR are swept at the next start, and a
//   Ctrl-C (SIGINT) during a store-tool run leaves none.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bankCertificates, importP12, run } from '../support/cli-world';
import { cliWorld, type CliPc } from '../support/cli-world-hooks';

const world = cliWorld('safety');

interface Pc extends CliPc {
  tmp: string;
}

/** A PC with an NSS db, its own data folder and its own TMPDIR. */
async function pc(policyExtra: Record<string, unknown> = {}): Promise<Pc> {
  const p = await world.pc({ policy: policyExtra });
  const tmp = join(p.dir, 'tmp');
  mkdirSync(tmp);
  return { ...p, tmp, certdesk: (args, extraEnv = {}) => p.certdesk(args, { TMPDIR: tmp, ...extraEnv }) };
}

const ESC = '\x1b';
const RLO = '\u202e';
const HOSTILE_CN = `evil${ESC}[2J${ESC}]0;owned${String.fromCharCode(7)}${RLO}txt.exe`;
// eslint-disable-next-line no-control-regex -- finding raw control characters in the output is the point
const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A client certificate of the bank's issuing CA (its key from the simulator's data folder) with `cn`, as a PKCS#12. */
async function hostileIdentity(dir: string, cn: string): Promise<string> {
  const ca = join(world.work, 'bank', 'ca');
  const ext = join(dir, 'ext.cnf');
  writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  const openssl = async (args: string[]) => {
    const r = await run('openssl', args);
    if (r.code !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-utf8',
    '-subj', `/C=JP/O=デモ信用金庫/OU=法人IB/CN=${cn}`, '-out', join(dir, 'r.csr')]);
  await openssl(['x509', '-req', '-in', join(dir, 'r.csr'), '-CA', join(ca, 'issuing-ca.pem'), '-CAkey', join(ca, 'issuing-ca.key.pem'), '-days', '200',
    '-set_serial', '0x51a7e7e57', '-extfile', ext, '-out', join(dir, 'c.pem')]);
  const p12 = join(dir, 'hostile.p12');
  await openssl(['pkcs12', '-export', '-inkey', join(dir, 'k.pem'), '-in', join(dir, 'c.pem'), '-certfile', join(ca, 'issuing-ca.pem'), '-name', 'hostile',
    '-passout', 'pass:p', '-out', p12]);
  return p12;
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('the command line and what it prints', { timeout: 240_000 }, () => {
  it('a CN with ESC[2J, an OSC title and a right-to-left override is shown escaped in text, raw in JSON', async () => {
    const p = await pc({ language: 'en' });
    await importP12(p.db, await hostileIdentity(p.dir, HOSTILE_CN), 'p');

    const status = await p.certdesk(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toMatch(RAW_CONTROLS);
    expect(status.stdout).toContain('Holder: evil\\x1b[2J\\x1b]0;owned\\x07\\u202etxt.exe');

    const inspect = await p.certdesk(['inspect']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stdout).not.toMatch(RAW_CONTROLS);
    // The one-line subject escapes ; as \; (RFC 4514), the controls are ours to escape.
    expect(inspect.stdout).toContain('CN=evil\\x1b[2J\\x1b]0\\;owned\\x07\\u202etxt.exe\n');

    // JSON: every control written as an escape, the value intact once parsed.
    for (const args of [['status', '--json'], ['inspect', '--json']]) {
      const r = await p.certdesk(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(RAW_CONTROLS);
      expect(r.stdout).toContain('\\u202e');
      const doc = JSON.parse(r.stdout);
      if (args[0] === 'status') expect(doc.result.certificates[0].holder).toBe(HOSTILE_CN);
      else expect(doc.result.subject.text).toContain(`CN=evil${ESC}[2J${ESC}]0\\;owned${String.fromCharCode(7)}${RLO}txt.exe`);
    }
  });

  it('error messages and echoed arguments are escaped too: a file name, a bad fingerprint, an unknown option', async () => {
    const p = await pc();
    const badPolicy = join(p.dir, `policy${ESC}[2J${RLO}.json`);
    const missing = await run(process.execPath, [world.cli, 'status', '--policy', badPolicy], { env: { ...process.env, TMPDIR: p.tmp } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).not.toMatch(RAW_CONTROLS);
    expect(missing.stderr).toContain(`policy\\x1b[2J\\u202e.json`);

    const fp = await p.certdesk(['inspect', '--fingerprint', `ab${ESC}[2J`]);
    expect(fp.code).toBe(2);
    expect(fp.stderr).not.toMatch(RAW_CONTROLS);
    expect(fp.stderr).toContain('"ab\\x1b[2J"');

    const unknown = await p.certdesk(['status', `--${ESC}[2J`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(RAW_CONTROLS);
    expect(unknown.stderr).toContain('\\x1b[2J');
  });
});

describe('status only reads unless told', { timeout: 240_000 }, () => {
  it('after a kill at install: status and inspect change nothing and say what waits; status --recover finishes it', async () => {
    const p = await pc();
    const id = `readonly-${p.n}`;
    const account = await world.bank.seedAccount(id, 20, 'pw-readonly');
    await importP12(p.db, account.p12Path, account.p12Password);

    const killed = await p.certdesk(['renew', '--yes', '--json'], { CERTDESK_TEST_KILL_AT: 'install' });
    expect(killed.signal, killed.stdout + killed.stderr).toBe('SIGKILL');
    const journal = join(p.data, 'renewal-journal.json');
    const snapshot = () => ({
      journal: sha(journal),
      cert9: sha(join(p.db, 'cert9.db')),
      key4: sha(join(p.db, 'key4.db')),
      issued: world.bank.account(id)!.issued.length,
    });
    const before = snapshot();

    const text = await p.certdesk(['status']);
    // The old certificate, still the one listed, is inside its renewal window: exit 6.
    expect(text.code, text.stderr).toBe(6);
    expect(text.stdout).toContain('中断した更新（「インストール」の段階');
    expect(text.stdout).toContain('certdesk status --recover');
    expect(text.stdout).not.toContain('中断していた更新を完了しました');

    const json = await p.certdesk(['status', '--json']);
    const ov = JSON.parse(json.stdout).result;
    expect(ov.unfinished).toMatchObject({ operation: 'renew', step: 'install' });
    expect(ov.recovered).toBeUndefined();
    // The old certificate is still the one listed.
    expect(ov.certificates.map((c: { fingerprint: string }) => c.fingerprint)).toEqual([account.fingerprint]);

    const inspect = await p.certdesk(['inspect']);
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(inspect.stderr).toContain('certdesk status --recover');
    expect(snapshot()).toEqual(before);

    const recovered = await p.certdesk(['status', '--recover', '--json']);
    expect(recovered.code, recovered.stderr).toBe(0);
    const after = JSON.parse(recovered.stdout).result;
    expect(after.recovered).toMatchObject({ outcome: 'resumed' });
    expect(after.unfinished).toBeUndefined();
    expect(readdirSync(p.data)).not.toContain('renewal-journal.json');
    const left = await bankCertificates(p.db, world.bank.issuingCaPem);
    expect(left.map((c) => [c.sha256, c.hasKey])).toEqual([[world.bank.account(id)!.currentFingerprint, true]]);
    expect(world.bank.account(id)!.issued).toHaveLength(2);
  });
});

describe('private folders across runs', { timeout: 240_000 }, () => {
  it("a killed run's folder in TMPDIR is swept at the next start; a live process's is not", async () => {
    const p = await pc();
    const dead = await run(process.execPath, ['-e', 'console.log(process.pid)']);
    const stale = join(p.tmp, `certdesk-${dead.stdout.trim()}-1-Killed`);
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(join(stale, 'identity.p12'), 'key');
    writeFileSync(join(stale, 'p12.pw'), 'pw');
    // A live owner: this test process, named with its true start (the kernel's, on Linux).
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const live = join(p.tmp, `certdesk-${process.pid}-${start}-Living`);
    mkdirSync(live, { mode: 0o700 });

    const r = await p.certdesk(['status', '--json']);
    // An empty store: the new-PC state.
    expect(r.code, r.stderr).toBe(7);
    expect(readdirSync(p.tmp)).toEqual([`certdesk-${process.pid}-${start}-Living`]);
  });

  // keyStorage "software" runs pk12util -i (a temporary PKCS#12); "store" runs no tool at all
  // (the key never leaves the db's token) and, since the read-back no longer asks vfychain for
  // a second opinion (issue 29), neither does "software" after pk12util. Each tool run is a kill.
  it.each([['software', 'tool:1']])('Ctrl-C (SIGINT) with keyStorage %s at %s of a renewal leaves no key file in TMPDIR', async (keyStorage, at) => {
    const p = await pc({ keyStorage });
    const account = await world.bank.seedAccount(`sigint-${p.n}`, 20, 'pw-sigint');
    await importP12(p.db, account.p12Path, account.p12Password);
    const r = await p.certdesk(['renew', '--yes', '--json'], { CERTDESK_TEST_KILL_AT: at, CERTDESK_TEST_KILL_SIGNAL: 'SIGINT' });
    expect(r.signal ?? r.code, r.stderr).toBe('SIGINT');
    expect(readdirSync(p.tmp)).toEqual([]);
  });
});
