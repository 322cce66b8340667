// The request's key type against the bank's /csrattrs when the policy comes in layers: a
// keyType set by any layer (the bank's built-in policy; the machine's is managed; the user's
// file may not set it) is kept and the bank's other wish named as ignored; only a keyType no layer sets follows the
// bank. `managed` lists the machine's fields alone, so it cannot tell. Real loader on real
// files (a Windows PC simulated by its folders, no machine file, no registry); the bank's answer is the
// simulator's RFC 7030 example (it asks for EC P-256).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy, type LoadedPolicy } from '../../src/main/core/config';
import type { EstClient } from '../../src/main/core/est';
import type { RenewalDeps } from '../../src/main/core/renewal';
import { readRequestShape } from '../../src/main/core/renewal/request-shape';
import { CSR_ATTRS_RICH_DER } from '../bank/der';

let dir: string;
let anchor: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certdesk-shape-origins-'));
  anchor = join(dir, 'root.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=root', '-days', '30',
    '-keyout', join(dir, 'root.key'), '-out', anchor], { stdio: 'ignore' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(files: { builtin?: object; user?: object }): Promise<LoadedPolicy> {
  const root = join(dir, `pc${++n}`);
  const env = { ProgramData: join(root, 'ProgramData'), APPDATA: join(root, 'AppData') };
  const resources = join(root, 'resources');
  mkdirSync(resources, { recursive: true });
  // Windows paths on a Linux file system: the backslashes are part of one file name.
  if (files.builtin) writeFileSync(join(resources, 'policy.json'), JSON.stringify(files.builtin));
  if (files.user) writeFileSync(`${env.APPDATA}\\CertDesk\\policy.json`, JSON.stringify(files.user));
  return loadPolicy({ platform: 'win32', env, resourcesPath: resources, readRegistry: async () => null });
}

async function shapeFor(loaded: LoadedPolicy) {
  const log: string[] = [];
  const deps = { policy: loaded.policy, managed: loaded.managed, ...(loaded.origins ? { origins: loaded.origins } : {}), log: (l: string) => log.push(l) } as unknown as RenewalDeps;
  const client = { csrattrs: async () => CSR_ATTRS_RICH_DER } as unknown as EstClient;
  return { shape: await readRequestShape(deps, client), log };
}

const bank = () => ({ bankName: 'Layer Bank', endpoint: 'https://bank.example/.well-known/est', trustAnchorFile: anchor });

describe('csrattrs key type and the policy layers', () => {
  it('keyType in the bank\'s built-in policy: kept, though not managed; the bank\'s P-256 named as ignored', async () => {
    const loaded = await load({ builtin: { ...bank(), keyType: 'rsa3072' } });
    expect(loaded.managed).not.toContain('keyType');
    const { shape, log } = await shapeFor(loaded);
    expect(shape.keyType).toBe('rsa3072');
    expect(log).toContain('csrattrs: ignored key type ecdsaP256: the policy sets keyType rsa3072');
  });

  it('keyType in the user\'s file: refused (only the bank and IT choose keys; issue 23)', async () => {
    const e = await load({ builtin: bank(), user: { keyType: 'rsa2048' } }).catch((err: unknown) => err as { code: string; detail: Record<string, unknown> });
    expect(e).toMatchObject({ code: 'POLICY_INVALID', detail: { field: 'keyType', reason: 'USER_FIELD_NOT_ALLOWED' } });
  });

  it('keyType set by no layer: the bank\'s P-256, said in the log', async () => {
    const loaded = await load({ builtin: bank(), user: { language: 'en' } });
    const { shape, log } = await shapeFor(loaded);
    expect(shape.keyType).toBe('ecdsaP256');
    expect(log).toContain('csrattrs: honoured key type ecdsaP256 (the policy leaves keyType at its default)');
  });
});
