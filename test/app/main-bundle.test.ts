// `npm run build` makes a main bundle that starts under plain Node (Electron's binary
// cannot be installed here): `electron` is mapped to a stand-in (node-electron/), and the
// built out/main/index.js runs its real desktop start-up (hardening, app:// serving
// out/renderer with the CSP, IPC, menu, tray, window) and its headless command line.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_METHODS, channelOf, PIN_ANSWER_CHANNEL, PROXY_AUTH_ANSWER_CHANNEL } from '../../src/shared/contract';
import { EXIT } from '../../src/shared/error-policy';
import { CONTENT_SECURITY_POLICY } from '../../src/main/app/security';
import { ensureBuilt } from '../support/built';

const root = process.cwd();
const entry = join(root, 'out/main/index.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown> & { e: string }>;
}

function start(args: string[], env: Record<string, string>): Run {
  const r = spawnSync(process.execPath, ['--import', join(root, 'test/app/node-electron/register.mjs'), entry, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
  });
  const fd3 = (r.output[3] ?? '') as string;
  const events = fd3.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run['events'][number]);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, events };
}

describe('the built main bundle under plain Node', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'certdesk-bundle-'));
    env = { STUB_DIR: dir, CERTDESK_DATA_DIR: join(dir, 'data'), HOME: dir };
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('the built page has no inline script and no remote origin', () => {
    const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\/[^"]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('starts the desktop app: hardened, app:// with the CSP, the contract IPC, the window', () => {
    const run = start([], env);
    expect(run.status, run.stderr).toBe(0);
    const names = run.events.map((e) => e.e);
    // Order matters where Electron requires it: the scheme before ready.
    expect(names.indexOf('privileged')).toBeLessThan(names.indexOf('whenReady'));
    expect(names).toContain('enableSandbox');
    expect(names).toContain('singleInstanceLock');
    for (const h of ['setPermissionRequestHandler', 'setPermissionCheckHandler', 'setDevicePermissionHandler']) expect(names).toContain(`session.${h}`);
    const appEvents = run.events.filter((e) => e.e === 'app.on').map((e) => e.name);
    expect(appEvents).toEqual(expect.arrayContaining(['web-contents-created', 'select-client-certificate', 'second-instance', 'open-url']));
    expect(appEvents).not.toContain('certificate-error');
    const channels = run.events.filter((e) => e.e === 'ipc.handle').map((e) => e.channel);
    expect(channels.sort()).toEqual([...API_METHODS.map(channelOf), PROXY_AUTH_ANSWER_CHANNEL, PIN_ANSWER_CHANNEL].sort());
    const win = run.events.find((e) => e.e === 'BrowserWindow') as unknown as { webPreferences: Record<string, unknown>; title: string };
    expect(win.title).toBe('CertDesk 電子証明書');
    expect(win.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, preload: join(root, 'out/preload/index.cjs') });
    expect(existsSync(win.webPreferences.preload as string)).toBe(true);
    expect(run.events.find((e) => e.e === 'loadURL')).toEqual({ e: 'loadURL', url: 'app://certdesk/index.html', status: 200, csp: CONTENT_SECURITY_POLICY, hasRoot: true });
    expect(run.events.find((e) => e.e === 'menu')).toEqual({ e: 'menu', labels: ['ファイル', '編集', '表示', 'ヘルプ'] });
    // The core in its own process (issue 25): the built entry beside index.js, started once, before the window.
    const forks = run.events.filter((e) => e.e === 'utilityProcess.fork');
    expect(forks).toEqual([{ e: 'utilityProcess.fork', modulePath: join(root, 'out/main/core-process.js'), serviceName: 'CertDesk core' }]);
    expect(names.indexOf('utilityProcess.fork')).toBeLessThan(names.indexOf('BrowserWindow'));
  });

  it('a certdesk: link, at launch or from a second launch, becomes one launch event to the window; a bad one only a redacted warning', () => {
    const sent = (run: Run) => run.events.filter((e) => e.e === 'send' && e.channel === 'certdesk:event:launch').map((e) => e.payload);
    const first = start(['certdesk://acquire?loginId=KEIRI01'], env);
    expect(first.status, first.stderr).toBe(0);
    expect(sent(first)).toEqual([{ action: 'acquire', loginId: 'KEIRI01' }]);
    const second = start([], { ...env, STUB_SECOND_INSTANCE: 'certdesk://renew' });
    expect(second.status, second.stderr).toBe(0);
    expect(sent(second)).toEqual([{ action: 'renew' }]);
    const bad = start(['certdesk://acquire?loginId=K&password=hunter2'], env);
    expect(bad.status, bad.stderr).toBe(0);
    expect(sent(bad)).toEqual([]);
    expect(bad.stderr).toContain('link was refused (QUERY)');
    expect(bad.stderr + JSON.stringify(bad.events)).not.toContain('hunter2');
  });

  it('a link that injects switches after `--` (Windows\' "%1" closed by a quote): refused before the lock, nothing opened or run; at a second launch too', () => {
    const injected = ['--', 'certdesk://open', '--headless', 'renew', '--policy', '\\\\evil\\s\\p.json', '--yes'];
    const first = start(injected, env);
    expect(first.status, first.stderr).toBe(2);
    const names = first.events.map((e) => e.e);
    for (const never of ['singleInstanceLock', 'whenReady', 'BrowserWindow', 'Tray']) expect(names).not.toContain(never);
    expect(first.stderr).toContain('a launch was refused (AFTER_DASHDASH, ');
    expect(first.stderr).not.toContain('evil');
    const second = start([], { ...env, STUB_SECOND_INSTANCE: JSON.stringify(['C:\\CertDesk\\certdesk.exe', '--allow-file-access-from-files', ...injected]) });
    expect(second.status, second.stderr).toBe(0);
    expect(second.events.filter((e) => e.e === 'send' && e.channel === 'certdesk:event:launch')).toEqual([]);
    expect(second.stderr).toContain('a launch was refused (AFTER_DASHDASH');
    // The same link quoted properly: one launch event, as before.
    const fine = start([], { ...env, STUB_SECOND_INSTANCE: JSON.stringify(['C:\\CertDesk\\certdesk.exe', '--allow-file-access-from-files', '--', 'certdesk://renew']) });
    expect(fine.events.filter((e) => e.e === 'send' && e.channel === 'certdesk:event:launch').map((e) => e.payload)).toEqual([{ action: 'renew' }]);
  });

  it('the installed app\'s headless --policy: never a network path; never over the bank\'s built-in policy; a PC without one keeps it', () => {
    const policy = join(dir, 'own-policy.json');
    writeFileSync(policy, JSON.stringify({ bankName: 'Test Bank', endpoint: 'https://127.0.0.1:9/.well-known/est', trustAnchorFile: policy }));
    const packaged = { ...env, STUB_PACKAGED: '1' };
    const unc = start(['--headless', 'status', '--json', '--policy', '\\\\evil\\s\\p.json'], packaged);
    expect(unc.status, unc.stderr).toBe(EXIT.usage);
    expect(unc.stderr).toContain('--policy cannot name a network path');
    const resources = join(dir, 'resources');
    spawnSync('mkdir', ['-p', resources]);
    const anchor = join(resources, 'anchor.pem');
    expect(spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'r.key'), '-out', anchor, '-subj', '/CN=Bank Root', '-days', '30']).status).toBe(0);
    writeFileSync(join(resources, 'policy.json'), JSON.stringify({ bankName: 'Bank', endpoint: 'https://bank.example/.well-known/est', trustAnchorFile: anchor }));
    const managed = start(['--headless', 'status', '--json', `--policy=${policy}`], { ...packaged, STUB_RESOURCES: resources });
    expect(managed.status, managed.stderr).toBe(EXIT.usage);
    // This policy.json is not the one the build hashed (build/bank), so the integrity check
    // (config/builtin-integrity) reads it as modified: a built-in layer that is there but not
    // readable. Refused all the same: --policy never stands in for a policy the PC has.
    expect(managed.stderr).toContain("--policy is refused: this PC has the bank's or IT's policy (unreadable)");
    expect(managed.stdout).toBe('');
    // No built-in, machine or registry policy here: the installed app reads the file (and finds it wrong: the anchor is no PEM).
    const unmanaged = start(['--headless', 'status', '--json', '--policy', policy], packaged);
    expect(unmanaged.stderr).not.toContain('--policy is refused');
    expect(JSON.parse(unmanaged.stdout)).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID' } });
  });

  it('keeps DevTools off in the production build, whatever NODE_ENV says at run time', () => {
    // Decided when electron-vite built the bundle: no chunk reads NODE_ENV or the mode at run time.
    const chunks = [entry, ...readdirSync(join(root, 'out/main/chunks')).map((f) => join(root, 'out/main/chunks', f))];
    for (const f of chunks) expect(readFileSync(f, 'utf8'), f).not.toMatch(/NODE_ENV|import\.meta\.env/);
    for (const NODE_ENV of ['development', 'production']) {
      const run = start([], { ...env, NODE_ENV });
      expect(run.status, run.stderr).toBe(0);
      const win = run.events.find((e) => e.e === 'BrowserWindow') as unknown as { webPreferences: Record<string, unknown> };
      expect(win.webPreferences.devTools, `NODE_ENV=${NODE_ENV}`).toBe(false);
    }
  });

  it('runs the headless command line: help, and status on an empty NSS db', () => {
    const help = start(['--headless', '--help'], env);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: certdesk');

    const db = join(dir, 'nssdb');
    spawnSync('mkdir', ['-p', db]);
    expect(spawnSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']).status).toBe(0);
    const key = join(dir, 'anchor.key');
    const anchor = join(dir, 'anchor.pem');
    expect(spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', anchor, '-subj', '/CN=Demo Root', '-days', '30']).status).toBe(0);
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ bankName: 'Demo Bank', endpoint: 'https://127.0.0.1:9/.well-known/est', trustAnchorFile: anchor, language: 'en' }));
    const status = start(['--headless', 'status', '--json', '--policy', policy, '--store', `nss:${db}`], env);
    // No certificate of the bank in the store: the new-PC case, its own exit code (docs/it-guide.md).
    expect(status.status, status.stderr).toBe(EXIT.newPc);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, result: { bankName: 'Demo Bank', certificates: [] } });
    expect(status.events.at(-1)).toEqual({ e: 'exit', code: EXIT.newPc });
    // The command ran in the core's process, not in main (issue 25).
    expect(status.events.filter((e) => e.e === 'utilityProcess.fork')).toHaveLength(1);

    const bad = start(['--headless', 'status', '--json', '--policy', join(dir, 'missing.json')], env);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, error: { code: 'POLICY_INVALID' } });
  });
});
