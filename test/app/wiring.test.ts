// The rest of the main-process wiring: the client certificate chosen by fingerprint (and
// only for the bank's endpoint), the log redaction, the headless arguments, the
// diagnostics save dialog and the menu language.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Certificate, Event } from 'electron';

vi.mock('electron', () => import('../support/electron-stub'));

const { createClientCertSelector, fingerprintOf } = await import('../../src/main/net/client-cert');
const { redact, redactText } = await import('../../src/main/app/redact');
const { headlessArgs } = await import('../../src/main/app/headless-args');
const { createDesktopApi } = await import('../../src/main/app/desktop-api');
const { menuTemplate } = await import('../../src/main/app/menu');
const { stringsFor } = await import('../../src/main/app/strings');
const { trayLabel } = await import('../../src/main/app/tray');

const dir = mkdtempSync(join(tmpdir(), 'certdesk-wiring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeCert(cn: string): { pem: string; sha256: string } {
  const key = join(dir, `${cn}.key`);
  const crt = join(dir, `${cn}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-subj', `/CN=${cn}`, '-days', '30'], { stdio: 'ignore' });
  const fp = execFileSync('openssl', ['x509', '-in', crt, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
  return { pem: readFileSync(crt, 'utf8'), sha256: fp.split('=')[1]!.trim().replace(/:/g, '').toLowerCase() };
}

describe('select-client-certificate', () => {
  let a: { pem: string; sha256: string };
  let b: { pem: string; sha256: string };
  let list: Certificate[];
  beforeAll(() => {
    a = makeCert('holder-a');
    b = makeCert('holder-b');
    // Electron's own `fingerprint` is "sha256/<base64>"; the selection must not rely on it.
    list = [a, b].map((c, i) => ({ data: c.pem, fingerprint: `sha256/x${i}`, subjectName: 'x' }) as unknown as Certificate);
  });
  const endpoint = 'https://est.bank.example:8443';
  const select = (fingerprint: string | null, url: string) => {
    const selector = createClientCertSelector(() => ({ origin: endpoint, fingerprint }));
    const event = { preventDefault: vi.fn() } as unknown as Event;
    const callback = vi.fn();
    selector(event, null, url, list, callback);
    expect((event as unknown as { preventDefault: ReturnType<typeof vi.fn> }).preventDefault).toHaveBeenCalledOnce();
    return callback;
  };

  it('computes the SHA-256 of the DER as openssl does', () => {
    expect(fingerprintOf({ data: a.pem })).toBe(a.sha256);
    expect(fingerprintOf({ data: 'not a certificate' })).toBeNull();
  });

  it('presents the renewing certificate, not the first one', () => {
    expect(select(b.sha256, `${endpoint}/.well-known/est/simplereenroll`)).toHaveBeenCalledWith(list[1]);
    expect(select(a.sha256, `${endpoint}/.well-known/est/simplereenroll`)).toHaveBeenCalledWith(list[0]);
  });

  it('presents nothing to another site, outside a renewal, or when the certificate is not offered', () => {
    expect(select(b.sha256, 'https://evil.example/.well-known/est/simplereenroll')).toHaveBeenCalledWith();
    expect(select(b.sha256, 'https://est.bank.example/.well-known/est')).toHaveBeenCalledWith(); // other port
    expect(select(null, `${endpoint}/.well-known/est/simplereenroll`)).toHaveBeenCalledWith();
    expect(select('c'.repeat(64), `${endpoint}/.well-known/est/simplereenroll`)).toHaveBeenCalledWith(undefined);
    expect(select(a.sha256, 'not a url')).toHaveBeenCalledWith();
  });
});

describe('log redaction', () => {
  it('removes PEM blocks, long base64, passwords and secret fields', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    expect(redactText(`key ${pem} done`)).toBe('key [PEM removed] done');
    expect(redactText(`body ${'QUJD'.repeat(40)} end`)).toBe('body [data removed] end');
    expect(redactText('login password=hunter2 ok')).toBe('login password=[redacted] ok');
    expect(redactText('{"password":"hunter2","loginId":"u1"}')).toBe('{"password":"[redacted]","loginId":"u1"}');
    expect(redact({ loginId: 'u1', password: 'p', nested: { privateKeyPkcs8: new Uint8Array(3), note: pem }, der: new Uint8Array(5) })).toEqual({
      loginId: 'u1',
      password: '[redacted]',
      nested: { privateKeyPkcs8: '[redacted]', note: '[PEM removed]' },
      der: '[5 bytes removed]',
    });
    const e = redact(new Error(`failed with ${pem}`)) as Error;
    expect(e.message).toBe('failed with [PEM removed]');
  });
});

describe('headless arguments', () => {
  it('takes what follows --headless, drops inspector switches', () => {
    expect(headlessArgs(['/opt/CertDesk/certdesk', '--headless', 'status', '--json'])).toEqual(['status', '--json']);
    expect(headlessArgs(['certdesk.exe', '--headless', 'renew', '--yes', '--inspect=9229'])).toEqual(['renew', '--yes']);
    expect(headlessArgs(['certdesk.exe'])).toBeNull();
  });
});

describe('saveDiagnostics', () => {
  const core = { getDiagnostics: async () => ({ ok: true as const, value: { text: 'diagnostics text\n' } }) } as never;
  const make = (showSaveDialog: ReturnType<typeof vi.fn>) =>
    createDesktopApi({ core, bankSiteUrl: undefined, dialog: { showSaveDialog } as never, shell: { openExternal: vi.fn() } as never, window: () => null, strings: () => stringsFor('en'), now: () => new Date('2027-03-01T16:00:00Z') });

  it('writes where the user chose, 0600, and answers only the file name', async () => {
    const file = join(dir, 'diag.txt');
    const dialog = vi.fn(async () => ({ canceled: false, filePath: file }));
    expect(await make(dialog).saveDiagnostics()).toEqual({ ok: true, value: { saved: true, fileName: 'diag.txt' } });
    expect(readFileSync(file, 'utf8')).toBe('diagnostics text\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(dialog.mock.calls[0]).toEqual([expect.objectContaining({ title: 'Save diagnostics as', defaultPath: 'certdesk-diagnostics-2027-03-02.txt' })]);
  });

  it('saves nothing when cancelled, and says so when the folder cannot be written', async () => {
    expect(await make(vi.fn(async () => ({ canceled: true }))).saveDiagnostics()).toEqual({ ok: true, value: { saved: false } });
    const r = await make(vi.fn(async () => ({ canceled: false, filePath: join(dir, 'missing', 'diag.txt') }))).saveDiagnostics();
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: { reason: 'ENOENT' } } });
  });
});

describe('updateSettings', () => {
  it('passes the new view on (login item, menu language), and nothing when refused', async () => {
    const view = { language: 'en' as const, endpoint: 'https://e/.well-known/est', bankName: 'B', remindersAtLogin: false, managed: [] };
    const updateSettings = vi.fn(async () => ({ ok: true as const, value: view }));
    const onSettings = vi.fn();
    const api = createDesktopApi({ core: { updateSettings } as never, bankSiteUrl: undefined, dialog: {} as never, shell: {} as never, window: () => null, strings: () => stringsFor('ja'), onSettings });
    expect(await api.updateSettings({ remindersAtLogin: false })).toEqual({ ok: true, value: view });
    expect(onSettings).toHaveBeenCalledWith(view);
    updateSettings.mockResolvedValueOnce({ ok: false, error: { code: 'POLICY_INVALID', message: 'managed' } } as never);
    await api.updateSettings({ language: 'ja' });
    expect(onSettings).toHaveBeenCalledOnce();
  });
});

describe('menu and tray in the policy language', () => {
  const actions = { saveDiagnostics: vi.fn(), openBankSite: vi.fn(), quit: vi.fn() };
  it('Japanese by default, English when the policy says so', () => {
    expect(menuTemplate(stringsFor('ja'), actions, 'win32').map((m) => m.label)).toEqual(['ファイル', '編集', '表示', 'ヘルプ']);
    expect(menuTemplate(stringsFor('en'), actions, 'linux').map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    expect(menuTemplate(stringsFor('ja'), actions, 'darwin')[0]!.label).toBe('CertDesk 電子証明書');
    expect(trayLabel(stringsFor('ja'), 12)).toBe('電子証明書の有効期限まであと 12 日');
    expect(trayLabel(stringsFor('en'), -3)).toBe('Certificate expired 3 days ago');
    expect(trayLabel(stringsFor('ja'), null)).toBe('電子証明書は見つかりません');
  });
});

describe('log file', () => {
  it('writes certdesk.log in the logs folder, redacted, rotating at 1 MB', async () => {
    const saved = { ...console };
    const { setupLogging, LOG_MAX_BYTES } = await import('../../src/main/app/logging');
    const logs = join(dir, 'logs');
    const log = setupLogging(logs);
    try {
      log.errorHandler.stopCatching();
      log.transports.file.level = 'info';
      log.info('renewal started', { loginId: 'u1', password: 'hunter2' }, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----');
      const file = join(logs, 'certdesk.log');
      await vi.waitFor(() => expect(readFileSync(file, 'utf8')).toContain('renewal started'));
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('u1');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('MIIE');
      expect(text).toContain('[PEM removed]');
      expect(log.transports.file.maxSize).toBe(LOG_MAX_BYTES);
      expect(LOG_MAX_BYTES).toBe(1024 * 1024);
    } finally {
      Object.assign(console, saved);
    }
  });
});
