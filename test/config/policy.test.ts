import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, openSettings, policyPath } from '../../src/main/core/config';
import { CoreError } from '../../src/main/core/errors';

let dir: string;
let anchorPem: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-policy-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Test Root', '-days', '30',
    '-keyout', join(dir, 'root.key'), '-out', join(dir, 'root.pem')], { stdio: 'ignore' });
  anchorPem = readFileSync(join(dir, 'root.pem'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, doc: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

const base = { bankName: 'テスト銀行', endpoint: 'https://127.0.0.1:8443/.well-known/est' };

async function policyError(file: string): Promise<CoreError> {
  try {
    await loadPolicy({ file });
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    return e as CoreError;
  }
  throw new Error('expected POLICY_INVALID');
}

describe('policy', () => {
  it('applies DESIGN defaults to fields the file leaves out, and lists the fields it sets as managed', async () => {
    const f = write('min.json', { ...base, trustAnchorFile: 'root.pem' });
    const { policy, source, managed } = await loadPolicy({ file: f });
    expect(source).toBe(f);
    expect(policy.trustAnchorPem).toContain('BEGIN CERTIFICATE');
    expect(policy).toMatchObject({ keyType: 'rsa2048', renewWindowDays: 30, graceDays: 90, reminderDays: [30, 10], removeSuperseded: true,
      proxy: 'system', language: 'ja', stores: ['os'], maxClockSkewSeconds: 300, keyStorage: 'store', rememberPin: false, autoRenew: false, checkTime: '10:00', remindersAtLogin: true });
    expect(managed.sort()).toEqual(['bankName', 'endpoint', 'trustAnchorFile']);
  });

  it('takes trustAnchorPem inline and keeps explicit values', async () => {
    const f = write('inline.json', { ...base, trustAnchorPem: anchorPem, renewWindowDays: 40, graceDays: 180, language: 'en', keyType: 'ecdsaP256', proxy: 'http://proxy.local:3128' });
    const { policy, managed } = await loadPolicy({ file: f });
    expect(policy).toMatchObject({ renewWindowDays: 40, graceDays: 180, language: 'en', keyType: 'ecdsaP256', proxy: 'http://proxy.local:3128' });
    expect(managed).toContain('language');
  });

  it.each([
    ['unknown field', { ...base, trustAnchorPem: 'x', colour: 'red' }, 'colour'],
    ['wrong type', { ...base, trustAnchorFile: 'root.pem', graceDays: 'ninety' }, 'graceDays'],
    ['negative days', { ...base, trustAnchorFile: 'root.pem', renewWindowDays: -1 }, 'renewWindowDays'],
    ['http endpoint', { ...base, endpoint: 'http://bank/.well-known/est', trustAnchorFile: 'root.pem' }, 'endpoint'],
    ['endpoint not EST', { ...base, endpoint: 'https://bank/api', trustAnchorFile: 'root.pem' }, 'endpoint'],
    ['missing bankName', { endpoint: base.endpoint, trustAnchorFile: 'root.pem' }, 'bankName'],
    ['no anchor', { ...base }, 'trustAnchorFile'],
    ['both anchors', { ...base, trustAnchorFile: 'root.pem', trustAnchorPem: 'PEM' }, 'trustAnchorFile'],
    ['anchor file missing', { ...base, trustAnchorFile: 'nope.pem' }, 'trustAnchorFile'],
    ['anchor not a certificate', { ...base, trustAnchorPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, 'trustAnchorPem'],
    ['bad store', { ...base, trustAnchorFile: 'root.pem', stores: ['cloud'] }, 'stores.0'],
    ['bad language', { ...base, trustAnchorFile: 'root.pem', language: 'fr' }, 'language'],
    ['not an object', [1, 2], '(document)'],
    ['bad keyStorage', { ...base, trustAnchorFile: 'root.pem', keyStorage: 'cloud' }, 'keyStorage'],
    ['pkcs11 storage without a module', { ...base, trustAnchorFile: 'root.pem', keyStorage: 'pkcs11' }, 'pkcs11'],
    ['relative pkcs11 module', { ...base, trustAnchorFile: 'root.pem', keyStorage: 'pkcs11', pkcs11: { module: 'lib.so', tokenLabel: 't' } }, 'pkcs11.module'],
    ['support without a name', { ...base, trustAnchorFile: 'root.pem', support: { phone: '0120-000-000' } }, 'support.name'],
    ['support phone not a number', { ...base, trustAnchorFile: 'root.pem', support: { name: 'ヘルプデスク', phone: 'call us' } }, 'support.phone'],
    ['support url over http', { ...base, trustAnchorFile: 'root.pem', support: { name: 'ヘルプデスク', url: 'http://bank.example/help' } }, 'support.url'],
    ['bankLoginUrl over http', { ...base, trustAnchorFile: 'root.pem', bankLoginUrl: 'http://bank.example/login' }, 'bankLoginUrl'],
  ])('%s is POLICY_INVALID naming the field and the file', async (_name, doc, field) => {
    const f = write(`bad-${field}.json`, doc);
    const e = await policyError(f);
    expect(e.code).toBe('POLICY_INVALID');
    expect(e.detail).toMatchObject({ field, file: f });
    expect(e.message).toContain(f);
    expect(e.message).toContain(field);
  });

  it.each([
    [{ graceDays: 'ninety' }, 'graceDays must be a number'],
    [{ graceDays: 1.5 }, 'graceDays must be a whole number'],
    [{ renewWindowDays: 4000 }, 'renewWindowDays must be at most 3650'],
    [{ language: 'fr' }, 'language must be one of "ja", "en"'],
    [{ stores: [] }, 'stores must have at least 1 entry'],
    [{ endpoint: 'not a url' }, 'endpoint must be an https:// URL'],
    [{ bankName: undefined }, 'bankName is missing'],
    [{ proxy: 'http://taro:secret@proxy.example:8080' }, 'proxy must not hold a user name or password'],
    [{ proxy: 'http://proxy.example' }, 'proxy must be "system", "direct" or http://host:port'],
  ])('says in words what is wrong: %j', async (patch, words) => {
    const e = await policyError(write('words.json', { ...base, trustAnchorFile: 'root.pem', ...patch }));
    expect(e.message).toContain(words);
  });

  it('reads the key custody, helpdesk and bank-page fields', async () => {
    const support = { name: 'みどり銀行 法人IBヘルプデスク', phone: '0120-123-456', hours: '平日 9:00〜17:00', url: 'https://bank.example/help', email: 'ib-help@bank.example' };
    const f = write('office.json', {
      ...base, trustAnchorFile: 'root.pem', keyStorage: 'pkcs11', pkcs11: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'certdesk' },
      rememberPin: true, support, bankLoginUrl: 'https://bank.example/ib/login', newPcGuideUrl: 'https://bank.example/ib/new-pc',
    });
    const { policy, managed } = await loadPolicy({ file: f });
    expect(policy).toMatchObject({ keyStorage: 'pkcs11', pkcs11: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'certdesk' }, rememberPin: true, support,
      bankLoginUrl: 'https://bank.example/ib/login', newPcGuideUrl: 'https://bank.example/ib/new-pc' });
    expect(managed).toEqual(expect.arrayContaining(['keyStorage', 'pkcs11', 'rememberPin', 'support', 'bankLoginUrl', 'newPcGuideUrl']));
  });

  it('a proxy password in the policy is refused without being repeated', async () => {
    const e = await policyError(write('proxy-pw.json', { ...base, trustAnchorFile: 'root.pem', proxy: 'http://taro:s3cr3t-pw@proxy.example:8080' }));
    expect(e.detail).toMatchObject({ field: 'proxy' });
    expect(JSON.stringify({ message: e.message, detail: e.detail })).not.toContain('s3cr3t-pw');
  });

  it('a missing file and broken JSON are POLICY_INVALID too', async () => {
    const missing = await policyError(join(dir, 'absent.json'));
    expect(missing.detail).toMatchObject({ reason: 'MISSING' });
    const broken = await policyError(write('broken.json', '{"bankName": '));
    expect(broken.detail).toMatchObject({ field: '(document)' });
  });

  it("knows each OS's machine-wide location", () => {
    expect(policyPath('linux')).toBe('/etc/certdesk/policy.json');
    expect(policyPath('darwin')).toBe('/Library/Application Support/CertDesk/policy.json');
    expect(policyPath('win32')).toBe('C:\\ProgramData\\CertDesk\\policy.json');
    expect(policyPath('win32', 'D:\\ProgramData')).toBe('D:\\ProgramData\\CertDesk\\policy.json');
  });
});

describe('settings', () => {
  it('persists across opens and defaults reminders on', () => {
    const d = join(dir, 'settings');
    const s = openSettings({ dir: d });
    expect(s.get('remindersAtLogin')).toBe(true);
    s.set('language', 'en');
    expect(openSettings({ dir: d }).get('language')).toBe('en');
  });
});
